/**
 * The pipeline document (format "cortexflow/pipeline", version 1): validation, migrations and
 * resolution against a registry. Every problem is reported with the JSON path it concerns and what
 * was expected; nothing here mutates the caller's document.
 */
import { condenseMissingBlocks } from './hints.ts';
import { Type } from '@sinclair/typebox';
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { AnyBlock, ValidationContext } from './block.ts';
import { connectionProblem, type InputSpec, type PortType } from './ports.ts';
import { didYouMean, type Registry } from './registry.ts';
import { checkValue, withDefaults } from './schema.ts';

export const PIPELINE_FORMAT = 'cortexflow/pipeline';
export const PIPELINE_VERSION = 1;

/** Where a node sits in the editor; ignored by the headless runtime. */
export interface NodeUi {
  x: number;
  y: number;
  [key: string]: unknown;
}

export interface NodeDocument {
  id: string;
  type: string;
  /** Block version the params were written for; the registered version when omitted. */
  version?: number;
  params?: Record<string, unknown>;
  /** Optional display name. */
  label?: string;
  ui?: NodeUi;
}

export interface EdgeEnd {
  node: string;
  port: string;
}

export interface EdgeDocument {
  from: EdgeEnd;
  to: EdgeEnd;
}

/** A pipeline file, version 1. */
export interface PipelineDocument {
  format: typeof PIPELINE_FORMAT;
  version: number;
  name: string;
  description?: string;
  /** Plugins the pipeline needs (names only: naming never loads code). */
  plugins?: string[];
  nodes: NodeDocument[];
  edges: EdgeDocument[];
  /** Editor state (viewport...); ignored by the runtime. */
  ui?: Record<string, unknown>;
}

/** One problem in a document. */
export interface DocumentError {
  /** JSON path, e.g. `edges[3].to.port` ('' for the whole document). */
  path: string;
  message: string;
  code:
    | 'not-json'
    | 'format'
    | 'version'
    | 'schema'
    | 'duplicate-id'
    | 'unknown-type'
    | 'block-version'
    | 'param'
    | 'dangling-edge'
    | 'unknown-port'
    | 'incompatible'
    | 'single-input'
    | 'missing-input'
    | 'cycle';
}

/** A node resolved against the registry: its block, full params (defaults filled), and inputs. */
export interface ResolvedNode {
  id: string;
  index: number;
  type: string;
  block: AnyBlock;
  params: Record<string, unknown>;
  label: string;
  /** Upstream connections per input port, in document order. */
  inputs: Record<string, EdgeEnd[]>;
}

/** A validated pipeline, ready to plan and run. */
export interface ResolvedPipeline {
  name: string;
  /** The document after migrations, with every node's params complete. */
  document: PipelineDocument;
  nodes: ResolvedNode[];
  byId: Map<string, ResolvedNode>;
  edges: EdgeDocument[];
}

export type LoadResult =
  | { ok: true; pipeline: ResolvedPipeline; warnings: string[] }
  | { ok: false; errors: DocumentError[]; warnings: string[] };

/** A document-level migration from version v to v + 1. */
export type DocumentMigration = (doc: Record<string, unknown>) => Record<string, unknown>;

/**
 * Document migrations: `documentMigrations[v]` turns a version-v document into version v+1.
 * Version 1 is the first published format, so the table is empty; it exists so that the next format
 * change adds one entry here and old files keep loading.
 */
export const documentMigrations: Record<number, DocumentMigration> = {};

export interface LoadOptions {
  /** Accept nodes whose required inputs are not connected (the editor, mid-edit). Default false. */
  allowIncomplete?: boolean;
  /** Override the migration table (tests). */
  migrations?: Record<number, DocumentMigration>;
  /** The current document version (tests). */
  currentVersion?: number;
}

const EndSchema = Type.Object({ node: Type.String({ minLength: 1 }), port: Type.String({ minLength: 1 }) });
const DocumentSchema = Type.Object({
  format: Type.Literal(PIPELINE_FORMAT),
  version: Type.Integer({ minimum: 1 }),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  plugins: Type.Optional(Type.Array(Type.String())),
  nodes: Type.Array(
    Type.Object(
      {
        id: Type.String({ minLength: 1 }),
        type: Type.String({ minLength: 1 }),
        version: Type.Optional(Type.Integer({ minimum: 1 })),
        params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        label: Type.Optional(Type.String()),
        ui: Type.Optional(Type.Object({ x: Type.Number(), y: Type.Number() })),
      },
      { additionalProperties: false },
    ),
  ),
  edges: Type.Array(Type.Object({ from: EndSchema, to: EndSchema }, { additionalProperties: false })),
  ui: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

/** Parse JSON text; a syntax error becomes a DocumentError with the line and column. */
export function parsePipelineText(text: string): { ok: true; value: unknown } | { ok: false; error: DocumentError } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    // JSON.parse's messages vary by engine and often omit the position: locate it with a
    // tolerant parser that reports offsets.
    const errs: ParseError[] = [];
    parseTree(text, errs, { disallowComments: true, allowTrailingComma: false });
    let where = '';
    const first = errs[0];
    if (first) {
      const before = text.slice(0, first.offset);
      const line = before.split('\n').length;
      const col = first.offset - before.lastIndexOf('\n');
      where = ` at line ${line}, column ${col} (${printParseErrorCode(first.error)})`;
    }
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { path: '', message: `not valid JSON${where}: ${msg}`, code: 'not-json' } };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validate, migrate and resolve a pipeline document against a registry.
 * Never throws for bad input: every problem is an entry in `errors`.
 */
export function loadPipeline(raw: unknown, registry: Registry, options: LoadOptions = {}): LoadResult {
  const warnings: string[] = [];
  const errors: DocumentError[] = [];
  const fail = (): LoadResult => ({ ok: false, errors: condenseMissingBlocks(errors, raw), warnings });
  const current = options.currentVersion ?? PIPELINE_VERSION;
  const migrations = options.migrations ?? documentMigrations;

  if (!isRecord(raw)) {
    errors.push({ path: '', message: 'a pipeline document must be a JSON object', code: 'format' });
    return fail();
  }
  if (raw['format'] !== PIPELINE_FORMAT) {
    errors.push({
      path: 'format',
      message: `expected "${PIPELINE_FORMAT}", got ${JSON.stringify(raw['format'])}`,
      code: 'format',
    });
    return fail();
  }
  let doc: Record<string, unknown> = structuredClone(raw);
  const version = doc['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    errors.push({
      path: 'version',
      message: `expected an integer >= 1, got ${JSON.stringify(version)}`,
      code: 'version',
    });
    return fail();
  }
  if (version > current) {
    errors.push({
      path: 'version',
      message: `document version ${version} is newer than this cortexflow understands (${current}); upgrade cortexflow`,
      code: 'version',
    });
    return fail();
  }
  for (let v = version; v < current; v++) {
    const m = migrations[v];
    if (!m) {
      errors.push({ path: 'version', message: `no migration from document version ${v} to ${v + 1}`, code: 'version' });
      return fail();
    }
    doc = m(doc);
    doc['version'] = v + 1;
    warnings.push(`document migrated from version ${v} to ${v + 1}`);
  }

  for (const issue of checkValue(DocumentSchema, doc)) {
    const message = issue.message.replace(/^unknown param/, 'unknown field');
    errors.push({ path: issue.path, message, code: 'schema' });
  }
  if (errors.length > 0) return fail();
  const d = doc as unknown as PipelineDocument;

  // Nodes: ids, types, block versions, params.
  const firstIndex = new Map<string, number>();
  const resolved: ResolvedNode[] = [];
  const namedPlugins = d.plugins ?? [];
  d.nodes.forEach((n, i) => {
    const prev = firstIndex.get(n.id);
    if (prev !== undefined) {
      errors.push({
        path: `nodes[${i}].id`,
        message: `duplicate node id "${n.id}" (first used at nodes[${prev}])`,
        code: 'duplicate-id',
      });
      return;
    }
    firstIndex.set(n.id, i);
    if (!registry.has(n.type)) {
      const hint = didYouMean(n.type, registry.types());
      let message = `unknown block type "${n.type}"`;
      if (hint) message += `; did you mean "${hint}"?`;
      if (namedPlugins.length > 0)
        message += ` This pipeline names the plugin(s) ${namedPlugins.join(', ')}: load them with --plugin PATH (or the editor's "Load plugin").`;
      errors.push({ path: `nodes[${i}].type`, message, code: 'unknown-type' });
      return;
    }
    const block = registry.get(n.type);
    let params: Record<string, unknown> = n.params ?? {};
    const nodeVersion = n.version ?? block.version;
    if (nodeVersion > block.version) {
      errors.push({
        path: `nodes[${i}].version`,
        message: `block "${n.type}" version ${nodeVersion} is newer than the installed one (${block.version})`,
        code: 'block-version',
      });
      return;
    }
    for (let v = nodeVersion; v < block.version; v++) {
      const m = block.migrations?.[v];
      if (!m) {
        errors.push({
          path: `nodes[${i}].version`,
          message: `block "${n.type}" has no migration from version ${v} to ${v + 1}`,
          code: 'block-version',
        });
        return;
      }
      params = m(structuredClone(params));
    }
    if (nodeVersion < block.version)
      warnings.push(`node "${n.id}": params migrated from ${n.type} v${nodeVersion} to v${block.version}`);
    const full = withDefaults(block.params, params) as Record<string, unknown>;
    const issues = checkValue(block.params, full);
    for (const issue of issues)
      errors.push({
        path: `nodes[${i}].params${issue.path ? `.${issue.path}` : ''}`,
        message: issue.message,
        code: 'param',
      });
    const inputs: Record<string, EdgeEnd[]> = {};
    for (const k of Object.keys(block.inputs)) inputs[k] = [];
    resolved.push({ id: n.id, index: i, type: n.type, block, params: full, label: n.label ?? n.id, inputs });
  });
  const byId = new Map(resolved.map((r) => [r.id, r]));

  // Edges: ends exist, ports exist, types connect, single inputs.
  const nodeIds = d.nodes.map((n) => n.id);
  const firstEdgeInto = new Map<string, number>();
  d.edges.forEach((e, i) => {
    const from = byId.get(e.from.node);
    const to = byId.get(e.to.node);
    for (const [side, end, node] of [
      ['from', e.from, from],
      ['to', e.to, to],
    ] as const) {
      if (!nodeIds.includes(end.node)) {
        const hint = didYouMean(end.node, nodeIds);
        errors.push({
          path: `edges[${i}].${side}.node`,
          message: `no node with id "${end.node}"${hint ? `; did you mean "${hint}"?` : ''}`,
          code: 'dangling-edge',
        });
      } else if (node) {
        const ports = side === 'from' ? node.block.outputs : node.block.inputs;
        if (!(end.port in ports)) {
          const names = Object.keys(ports);
          errors.push({
            path: `edges[${i}].${side}.port`,
            message: `block "${node.type}" has no ${side === 'from' ? 'output' : 'input'} "${end.port}"; expected ${
              names.length
                ? `one of: ${names.join(', ')}`
                : 'none (it has no ' + (side === 'from' ? 'outputs' : 'inputs') + ')'
            }`,
            code: 'unknown-port',
          });
        }
      }
    }
    if (!from || !to) return;
    const outType = from.block.outputs[e.from.port] as PortType | undefined;
    const inSpec = to.block.inputs[e.to.port] as InputSpec | undefined;
    if (!outType || !inSpec) return;
    const problem = connectionProblem(outType, inSpec);
    if (problem) {
      errors.push({
        path: `edges[${i}].to.port`,
        message: `${problem} (${e.from.node}.${e.from.port} -> ${e.to.node}.${e.to.port})`,
        code: 'incompatible',
      });
      return;
    }
    const key = `${e.to.node}\u0000${e.to.port}`;
    const prev = firstEdgeInto.get(key);
    if (prev !== undefined && !inSpec.multiple) {
      errors.push({
        path: `edges[${i}].to`,
        message: `input "${e.to.port}" of node "${e.to.node}" takes a single edge and already has one (edges[${prev}])`,
        code: 'single-input',
      });
      return;
    }
    if (prev === undefined) firstEdgeInto.set(key, i);
    to.inputs[e.to.port]?.push({ ...e.from });
  });

  // Required inputs.
  if (!options.allowIncomplete) {
    for (const n of resolved) {
      for (const [port, spec] of Object.entries(n.block.inputs as Record<string, InputSpec>)) {
        if (!spec.optional && !spec.multiple && (n.inputs[port]?.length ?? 0) === 0)
          errors.push({
            path: `nodes[${n.index}]`,
            message: `input "${port}" (${spec.type.name}) of node "${n.id}" is not connected`,
            code: 'missing-input',
          });
        if (spec.multiple && !spec.optional && (n.inputs[port]?.length ?? 0) === 0)
          errors.push({
            path: `nodes[${n.index}]`,
            message: `input "${port}" (${spec.type.name}) of node "${n.id}" needs at least one edge`,
            code: 'missing-input',
          });
      }
    }
  }

  // Cycles.
  for (const cycle of findCycles(resolved)) {
    errors.push({
      path: 'edges',
      message: `cycle: ${[...cycle, cycle[0]].join(' -> ')}; a pipeline must be acyclic`,
      code: 'cycle',
    });
  }
  if (errors.length > 0) return fail();

  // Block-level cross checks (only once the graph itself is sound).
  const upstreamOf = (id: string): ValidationContext['upstream'] => {
    const n = byId.get(id);
    const r: ValidationContext['upstream'] = {};
    if (!n) return r;
    for (const [port, ends] of Object.entries(n.inputs))
      r[port] = ends.map((end) => {
        const u = byId.get(end.node) as ResolvedNode;
        return { nodeId: u.id, type: u.type, port: end.port, params: u.params };
      });
    return r;
  };
  const ctxFor = (id: string): ValidationContext => ({
    upstream: upstreamOf(id),
    upstreamOf,
    nodeParams: (nid) => {
      const n = byId.get(nid);
      return n ? { type: n.type, params: n.params } : undefined;
    },
  });
  for (const n of resolved) {
    if (!n.block.validate) continue;
    let issues;
    try {
      issues = n.block.validate(n.params, ctxFor(n.id));
    } catch (e) {
      issues = [{ message: `validation of "${n.type}" threw: ${e instanceof Error ? e.message : String(e)}` }];
    }
    for (const issue of issues)
      errors.push({
        path: `nodes[${n.index}]${issue.param ? `.params.${issue.param}` : ''}`,
        message: issue.message,
        code: 'param',
      });
  }
  if (errors.length > 0) return fail();

  const document: PipelineDocument = {
    ...d,
    nodes: d.nodes.map((n, i) => {
      const r = resolved[i] as ResolvedNode;
      return { ...n, version: r.block.version, params: r.params };
    }),
  };
  return { ok: true, pipeline: { name: d.name, document, nodes: resolved, byId, edges: d.edges }, warnings };
}

/** Every elementary cycle's node list (one per strongly connected component with a cycle). */
function findCycles(nodes: ResolvedNode[]): string[][] {
  const succ = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const n of nodes) for (const ends of Object.values(n.inputs)) for (const e of ends) succ.get(e.node)?.push(n.id);
  // Tarjan's strongly connected components.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of succ.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      const selfLoop = (succ.get(v) ?? []).includes(v);
      if (comp.length > 1 || selfLoop) out.push(orderCycle(comp, succ));
    }
  };
  for (const n of nodes) if (!idx.has(n.id)) strong(n.id);
  return out;
}

/** Order a strongly connected component's nodes along one cycle through its first node. */
function orderCycle(comp: string[], succ: Map<string, string[]>): string[] {
  const set = new Set(comp);
  const start = [...comp].sort()[0] as string;
  // BFS back to start inside the component.
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift() as string;
    for (const w of succ.get(v) ?? []) {
      if (!set.has(w)) continue;
      if (w === start) {
        const path = [v];
        let c = v;
        while (c !== start) {
          c = prev.get(c) as string;
          path.push(c);
        }
        return path.reverse();
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return comp;
}

/**
 * Apply `NODE.PARAM=VALUE` overrides to a raw document (a copy). VALUE is parsed as JSON when it
 * parses, else taken as a string. Unknown nodes are reported; params are validated later by
 * {@link loadPipeline} like any other.
 */
export function applyOverrides(
  raw: unknown,
  sets: readonly string[],
): { ok: true; document: unknown } | { ok: false; errors: DocumentError[] } {
  if (!isRecord(raw) || !Array.isArray(raw['nodes'])) return { ok: true, document: raw };
  const doc = structuredClone(raw) as { nodes: Array<Record<string, unknown>> };
  const errors: DocumentError[] = [];
  for (const s of sets) {
    const m = /^([^.=]+)\.([^=]+)=(.*)$/s.exec(s);
    if (!m) {
      errors.push({ path: '', message: `--set "${s}": expected NODE.PARAM=VALUE`, code: 'param' });
      continue;
    }
    const [, nodeId, param, text] = m as unknown as [string, string, string, string];
    const node = doc.nodes.find((n) => n['id'] === nodeId);
    if (!node) {
      const ids = doc.nodes.map((n) => String(n['id']));
      const hint = didYouMean(nodeId, ids);
      errors.push({
        path: '',
        message: `--set "${s}": no node "${nodeId}"${hint ? `; did you mean "${hint}"?` : ''} (nodes: ${ids.join(', ')})`,
        code: 'param',
      });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    const params = isRecord(node['params']) ? node['params'] : {};
    setPath(params, param.split('.'), value);
    node['params'] = params;
  }
  return errors.length ? { ok: false, errors } : { ok: true, document: doc };
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let o = obj;
  for (const k of path.slice(0, -1)) {
    if (!isRecord(o[k])) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[path[path.length - 1] as string] = value;
}

/** Format document errors one per line: `edges[3].to.port: message`. */
export function formatErrors(errors: readonly DocumentError[]): string {
  return errors.map((e) => `${e.path || '(document)'}: ${e.message}`).join('\n');
}
