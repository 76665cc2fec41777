/**
 * Loader stage 4: the graph as a whole (required inputs, cycles), then each block's own
 * cross-param checks, which only run once the graph is sound.
 */
import type { ParamIssue, ValidationContext } from '../block.ts';
import { findCycles, type GraphEdge } from '../graph.ts';
import type { InputSpec } from '../ports.ts';
import { docError, type DocumentError } from './errors.ts';
import type { ResolvedNode } from './types.ts';

/** Required inputs that have no edge. */
export function missingInputs(nodes: readonly ResolvedNode[]): DocumentError[] {
  const errors: DocumentError[] = [];
  for (const n of nodes) {
    for (const [port, spec] of Object.entries(n.block.inputs as Record<string, InputSpec>)) {
      if (spec.optional || (n.inputs[port]?.length ?? 0) > 0) continue;
      const need = spec.multiple ? 'needs at least one edge' : 'is not connected';
      errors.push(
        docError(`nodes[${n.index}]`, `input "${port}" (${spec.type.name}) of node "${n.id}" ${need}`, 'missing-input', {
          node: n.id,
          port,
        }),
      );
    }
  }
  return errors;
}

/** One error per cycle, naming its nodes. */
export function cycleErrors(nodes: readonly ResolvedNode[], edges: readonly GraphEdge[]): DocumentError[] {
  return findCycles(
    nodes.map((n) => n.id),
    edges,
  ).map((cycle) => docError('edges', `cycle: ${[...cycle, cycle[0]].join(' -> ')}; a pipeline must be acyclic`, 'cycle'));
}

function validationContext(byId: ReadonlyMap<string, ResolvedNode>, id: string): ValidationContext {
  const upstreamOf = (nid: string): ValidationContext['upstream'] => {
    const n = byId.get(nid);
    const r: ValidationContext['upstream'] = {};
    if (!n) return r;
    for (const [port, ends] of Object.entries(n.inputs))
      r[port] = ends.map((end) => {
        const u = byId.get(end.node) as ResolvedNode;
        return { nodeId: u.id, type: u.type, port: end.port, params: u.params };
      });
    return r;
  };
  return {
    upstream: upstreamOf(id),
    upstreamOf,
    nodeParams: (nid) => {
      const n = byId.get(nid);
      return n ? { type: n.type, params: n.params } : undefined;
    },
  };
}

/** Each block's `validate` hook, on its node's params and upstream. */
export function blockChecks(nodes: readonly ResolvedNode[], byId: ReadonlyMap<string, ResolvedNode>): DocumentError[] {
  const errors: DocumentError[] = [];
  for (const n of nodes) {
    if (!n.block.validate) continue;
    let issues: ParamIssue[];
    try {
      issues = n.block.validate(n.params, validationContext(byId, n.id));
    } catch (e) {
      issues = [{ message: `validation of "${n.type}" threw: ${e instanceof Error ? e.message : String(e)}` }];
    }
    for (const issue of issues)
      errors.push(
        docError(`nodes[${n.index}]${issue.param ? `.params.${issue.param}` : ''}`, issue.message, 'param', {
          node: n.id,
          ...(issue.param ? { param: issue.param.split('.')[0] as string } : {}),
        }),
      );
  }
  return errors;
}
