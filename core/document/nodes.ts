/**
 * Loader stage 2: each node on its own. Its id (the documented id rule, no duplicates), its block
 * type, the block version (migrating old params) and its params against the block's schema.
 */
import type { AnyBlock } from '../block.ts';
import { echo, nodeIdProblem } from '../limits.ts';
import { didYouMean, type Registry } from '../registry.ts';
import { checkValue, withDefaults } from '../schema.ts';
import { docError, type DocumentError } from './errors.ts';
import type { NodeDocument, PipelineDocument } from './schema.ts';
import type { ResolvedNode } from './types.ts';

/** The top-level param a params path (`levels.and`, `items[2]`) is about. */
export function topParam(path: string): string | undefined {
  const m = /^[^.[]+/.exec(path);
  return m ? m[0] : undefined;
}

function checkId(n: NodeDocument, i: number, seen: Map<string, number>, errors: DocumentError[]): boolean {
  const problem = nodeIdProblem(n.id);
  if (problem) {
    errors.push(docError(`nodes[${i}].id`, problem, 'node-id'));
    return false;
  }
  const folded = n.id.toLowerCase();
  const prev = seen.get(folded);
  if (prev !== undefined) {
    errors.push(docError(`nodes[${i}].id`, `duplicate node id "${n.id}" (first used at nodes[${prev}])`, 'duplicate-id', { node: n.id }));
    return false;
  }
  seen.set(folded, i);
  return true;
}

function migrateParams(
  n: NodeDocument,
  i: number,
  block: AnyBlock,
  errors: DocumentError[],
  warnings: string[],
): Record<string, unknown> | undefined {
  let params: Record<string, unknown> = n.params ?? {};
  const nodeVersion = n.version ?? block.version;
  const at = { node: n.id };
  if (nodeVersion > block.version) {
    errors.push(
      docError(
        `nodes[${i}].version`,
        `block "${n.type}" version ${nodeVersion} is newer than the installed one (${block.version})`,
        'block-version',
        at,
      ),
    );
    return undefined;
  }
  for (let v = nodeVersion; v < block.version; v++) {
    const m = block.migrations?.[v];
    if (!m) {
      errors.push(
        docError(`nodes[${i}].version`, `block "${n.type}" has no migration from version ${v} to ${v + 1}`, 'block-version', at),
      );
      return undefined;
    }
    params = m(structuredClone(params));
  }
  if (nodeVersion < block.version)
    warnings.push(`node "${n.id}": params migrated from ${n.type} v${nodeVersion} to v${block.version}`);
  return params;
}

function unknownType(n: NodeDocument, registry: Registry, plugins: readonly string[]): string {
  const hint = didYouMean(n.type.slice(0, 200), registry.types());
  let message = `unknown block type ${echo(n.type)}`;
  if (hint) message += `; did you mean "${hint}"?`;
  if (plugins.length > 0) message += ` This pipeline names the plugin(s) ${plugins.join(', ')}: ${registry.pluginHint}.`;
  return message;
}

/** Stage 2: resolve every node; problems go to `errors`, nodes that resolved are returned. */
export function resolveNodes(
  d: PipelineDocument,
  registry: Registry,
  errors: DocumentError[],
  warnings: string[],
): ResolvedNode[] {
  const seen = new Map<string, number>();
  const resolved: ResolvedNode[] = [];
  d.nodes.forEach((n, i) => {
    if (!checkId(n, i, seen, errors)) return;
    if (!registry.has(n.type)) {
      errors.push(docError(`nodes[${i}].type`, unknownType(n, registry, d.plugins ?? []), 'unknown-type', { node: n.id }));
      return;
    }
    const block = registry.get(n.type);
    const params = migrateParams(n, i, block, errors, warnings);
    if (!params) return;
    const full = withDefaults(block.params, params) as Record<string, unknown>;
    for (const issue of checkValue(block.params, full)) {
      const param = topParam(issue.path);
      errors.push(
        docError(`nodes[${i}].params${issue.path ? `.${issue.path}` : ''}`, issue.message, 'param', {
          node: n.id,
          ...(param !== undefined ? { param } : {}),
        }),
      );
    }
    const inputs: ResolvedNode['inputs'] = {};
    for (const k of Object.keys(block.inputs)) inputs[k] = [];
    resolved.push({ id: n.id, index: i, type: n.type, block, params: full, label: n.label ?? n.id, inputs });
  });
  return resolved;
}
