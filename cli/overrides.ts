/**
 * `--set NODE.PARAM=VALUE`: the CLI's param overrides, applied to a raw document before it is loaded.
 * Keys come from the command line, so every write goes through a check: the node must exist, the
 * param must be one the block declares (`net.__proto__.x=1` is an unknown param, never a write into
 * a prototype), and nested keys are defined as own properties.
 */
import {
  suggestion,
  didYouMean,
  docError,
  echo,
  hasOwn,
  isRecord,
  isUnsafeKey,
  tooDeep,
  MAX_DOCUMENT_DEPTH,
  type DocumentError,
} from '../core/index.ts';

/** The declared top-level params of a block type, or undefined when the type is unknown. */
export type ParamsOf = (type: string) => readonly string[] | undefined;

type OverrideResult = { ok: true; document: unknown } | { ok: false; errors: DocumentError[] };

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Write `value` at `path` below `params`, creating plain objects on the way. */
function setPath(params: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let o = params;
  for (const k of path.slice(0, -1)) {
    const next = hasOwn(o, k) ? o[k] : undefined;
    if (isRecord(next)) o = next;
    else {
      const fresh: Record<string, unknown> = {};
      setOwn(o, k, fresh);
      o = fresh;
    }
  }
  setOwn(o, path[path.length - 1] as string, value);
}

function applyOne(
  doc: { nodes: Array<Record<string, unknown>> },
  s: string,
  paramsOf: ParamsOf | undefined,
): DocumentError | undefined {
  const shown = echo(s);
  const m = /^([^.=]+)\.([^=]+)=(.*)$/s.exec(s);
  if (!m) return docError('', `--set ${shown}: expected NODE.PARAM=VALUE`, 'param');
  const [, nodeId, param, text] = m as unknown as [string, string, string, string];
  const index = doc.nodes.findIndex((n) => isRecord(n) && n['id'] === nodeId);
  const node = doc.nodes[index];
  if (!node) {
    const ids = doc.nodes.map((n) => String(isRecord(n) ? n['id'] : n));
    const hint = nodeId.length <= 200 ? didYouMean(nodeId, ids) : undefined;
    const list = ids.join(', ');
    return docError(
      '',
      `--set ${shown}: no node ${echo(nodeId)}${hint ? `; did you mean "${hint}"?` : ''} (nodes: ${list.length > 300 ? `${list.slice(0, 300)}…` : list})`,
      'param',
    );
  }
  const path = param.split('.');
  const top = path[0] as string;
  const declared = typeof node['type'] === 'string' ? paramsOf?.(node['type']) : undefined;
  const where = `nodes[${index}].params.${top.slice(0, 200)}`;
  if (path.some(isUnsafeKey) || path.some((k) => k === '') || (declared && !declared.includes(top)))
    return docError(
      where,
      `--set ${shown}: unknown param ${echo(path.find(isUnsafeKey) ?? (path.includes('') ? '' : top))}${declared ? `; expected one of: ${declared.join(', ')}${suggestion(top, declared)}` : ''}`,
      'param',
      { node: nodeId, param: top },
    );
  const value = parseValue(text);
  if (tooDeep(value, MAX_DOCUMENT_DEPTH - 4) !== undefined)
    return docError(where, `--set ${shown}: the value nests more than ${MAX_DOCUMENT_DEPTH - 4} levels deep`, 'limit', {
      node: nodeId,
      param: top,
    });
  const params = isRecord(node['params']) ? node['params'] : {};
  setPath(params, path, value);
  node['params'] = params;
  return undefined;
}

/**
 * Apply `NODE.PARAM=VALUE` overrides to a raw document (a copy). VALUE is parsed as JSON when it
 * parses, else taken as a string. Unknown nodes and params are reported (params against `paramsOf`
 * when given); values are validated later by `loadPipeline` like any other.
 */
export function applyOverrides(raw: unknown, sets: readonly string[], paramsOf?: ParamsOf): OverrideResult {
  if (!isRecord(raw) || !Array.isArray(raw['nodes'])) return { ok: true, document: raw };
  const deep = tooDeep(raw);
  if (deep !== undefined)
    return {
      ok: false,
      errors: [docError(deep, `nested more than ${MAX_DOCUMENT_DEPTH} levels deep; a pipeline document nests at most ${MAX_DOCUMENT_DEPTH} levels`, 'limit')],
    };
  const doc = structuredClone(raw) as { nodes: Array<Record<string, unknown>> };
  const errors: DocumentError[] = [];
  for (const s of sets) {
    const e = applyOne(doc, s, paramsOf);
    if (e) errors.push(e);
  }
  return errors.length ? { ok: false, errors } : { ok: true, document: doc };
}
