/**
 * The block-definition API. A block is declared once, DOM-free, with typed ports and a params
 * schema; its `run` receives typed inputs and params and returns its outputs (a Promise), or an
 * Observable of progress/warning emissions ending in its outputs.
 */
import type { Observable } from 'rxjs';
import type { Static, TObject } from './schema.ts';
import type { InputSpec, PortType } from './ports.ts';

/** Map of input port name to its declaration. */
export type InputSpecs = Record<string, InputSpec>;
/** Map of output port name to its port type. */
export type OutputSpecs = Record<string, PortType<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The value a block receives for one input declaration. */
export type InputValue<S> =
  S extends InputSpec<infer T, infer M, infer O> ? (M extends true ? T[] : O extends true ? T | undefined : T) : never;

/** The values a block receives for its inputs. */
export type InputValues<I extends InputSpecs> = { [K in keyof I]: InputValue<I[K]> };

/** The values a block returns for its outputs. */
export type OutputValues<O extends OutputSpecs> = { [K in keyof O]: O[K] extends PortType<infer T> ? T : never };

/** Numbers a block reports while running (loss, validation loss, ...). */
export type Metrics = Record<string, number>;

/** What a block can emit while running (when `run` returns an Observable). */
export type BlockEmission<Out> =
  | { kind: 'progress'; value: number; max: number; metrics?: Metrics; message?: string }
  | { kind: 'warning'; message: string }
  | { kind: 'outputs'; outputs: Out };

/** Where a run happens, for blocks that care (tfjs backend choice, worker pools). */
export interface RunEnvironment {
  /** 'node' or 'browser'. */
  platform: 'node' | 'browser';
  /** Requested compute backend ('wasm', 'cpu'); blocks report the one they actually use. */
  backend?: string;
  /** The pipeline being run (name and nodes in document order), for reports. */
  pipeline?: {
    name: string;
    description?: string;
    nodes: Array<{ id: string; type: string; label: string; params: Record<string, unknown> }>;
  };
}

/** Everything `run` is given. */
export interface RunContext<I extends InputSpecs, P> {
  params: P;
  inputs: InputValues<I>;
  /** Fires when the run is cancelled: stop promptly, free resources, then throw or return. */
  signal: AbortSignal;
  /** The node's id in the pipeline, for messages. */
  nodeId: string;
  /** Report progress (value out of max) and optional metrics. (A property, so it can be destructured.) */
  progress: (value: number, max: number, metrics?: Metrics, message?: string) => void;
  /** A non-fatal problem the user should see (CLI and editor show it). */
  warn: (message: string) => void;
  env: RunEnvironment;
}

/** A static problem with a node's params or connections, found before anything runs. */
export interface ParamIssue {
  /** Param name (or dotted path inside it); omitted for a problem of the node as a whole. */
  param?: string;
  message: string;
}

/** What a block's `validate` hook sees of the pipeline around it. */
export interface ValidationContext {
  /** For each input port, the upstream nodes connected to it (type and resolved params). */
  upstream: Record<string, Array<{ nodeId: string; type: string; port: string; params: Record<string, unknown> }>>;
  /**
   * Resolved params of any node, walking further up the graph (e.g. the dataset size behind a
   * context multiplexer). Returns undefined for an unknown id.
   */
  nodeParams(nodeId: string): { type: string; params: Record<string, unknown> } | undefined;
  /** Upstream connections of any node, by input port. */
  upstreamOf(nodeId: string): ValidationContext['upstream'];
}

/** A block definition, as passed to {@link defineBlock}. */
export interface BlockSpec<I extends InputSpecs, O extends OutputSpecs, S extends TObject> {
  /** Public type name, `family.name` (`task.and`). */
  type: string;
  /** Increase when params change meaning; add a migration from the previous version. */
  version: number;
  title: string;
  category: string;
  /** A few sentences: what it does, and where the science comes from. */
  description: string;
  inputs: I;
  outputs: O;
  params: S;
  /**
   * Param migrations: `migrations[v]` turns params saved with block version v into version v+1.
   * Applied in order when a document names an older version.
   */
  migrations?: Record<number, (params: Record<string, unknown>) => Record<string, unknown>>;
  /**
   * The block reads `env.pipeline` (name, nodes, params), e.g. a report listing them: its cache key
   * then includes the pipeline's name and every node's params, so a rename re-renders it.
   */
  usesPipelineInfo?: boolean;
  /** Checks across params (and the connected upstream) that a schema cannot express. */
  // Method syntax on purpose: parameters stay bivariant, so any block is assignable to AnyBlock.
  validate?(params: Static<S>, ctx: ValidationContext): ParamIssue[];
  run(ctx: RunContext<I, Static<S>>): Promise<OutputValues<O>> | Observable<BlockEmission<OutputValues<O>>>;
}

/** A defined block (the same object, frozen, with its kind tag). */
export type BlockDefinition<
  I extends InputSpecs = InputSpecs,
  O extends OutputSpecs = OutputSpecs,
  S extends TObject = TObject,
> = Readonly<BlockSpec<I, O, S>> & { readonly kind: 'cortexflow/block' };

/** Any block definition, for registries and runtimes that do not care about its types. */
export type AnyBlock = BlockDefinition;

const TYPE_RE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/** Thrown when a block definition is malformed. */
export class BlockDefinitionError extends Error {
  override name = 'BlockDefinitionError';
}

/** Check a block definition's shape; returns every problem found. */
export function blockDefinitionProblems(def: unknown): string[] {
  const problems: string[] = [];
  if (typeof def !== 'object' || def === null) return ['a block definition must be an object'];
  const d = def as Record<string, unknown>;
  if (typeof d['type'] !== 'string' || !TYPE_RE.test(d['type']))
    problems.push(`"type" must look like "family.name" (lowercase, dot-separated), got ${JSON.stringify(d['type'])}`);
  if (typeof d['version'] !== 'number' || !Number.isInteger(d['version']) || d['version'] < 1)
    problems.push(`"version" must be an integer >= 1, got ${JSON.stringify(d['version'])}`);
  for (const k of ['title', 'category', 'description'])
    if (typeof d[k] !== 'string' || d[k] === '') problems.push(`"${k}" must be a non-empty string`);
  if (typeof d['run'] !== 'function') problems.push('"run" must be a function');
  const params = d['params'] as Record<string, unknown> | undefined;
  if (typeof params !== 'object' || params === null || params['type'] !== 'object')
    problems.push('"params" must be a params schema made with schema({...})');
  for (const side of ['inputs', 'outputs'] as const) {
    const ports = d[side];
    if (typeof ports !== 'object' || ports === null) {
      problems.push(`"${side}" must be an object (use {} for none)`);
      continue;
    }
    for (const [name, p] of Object.entries(ports)) {
      const pt = side === 'inputs' ? (p as InputSpec | undefined)?.type : (p as PortType | undefined);
      if (typeof pt?.name !== 'string' || typeof pt.summarize !== 'function')
        problems.push(`${side}.${name} must be ${side === 'inputs' ? 'made with input(PortType)' : 'a PortType'}`);
    }
  }
  return problems;
}

/** Declare a block. Validates the definition's shape and freezes it. */
export function defineBlock<I extends InputSpecs, O extends OutputSpecs, S extends TObject>(
  spec: BlockSpec<I, O, S>,
): BlockDefinition<I, O, S> {
  const problems = blockDefinitionProblems(spec);
  if (problems.length > 0) throw new BlockDefinitionError(`block ${JSON.stringify(spec.type)}: ${problems.join('; ')}`);
  return Object.freeze({ ...spec, kind: 'cortexflow/block' as const });
}

/**
 * An error a block throws when it fails but still has something worth keeping (e.g. the trainer's
 * last good checkpoint after a NaN loss). The node is marked failed and its dependents skipped,
 * but `outputs` are reported and written as artifacts so nothing is lost.
 */
export class BlockError extends Error {
  override name = 'BlockError';
  readonly outputs: Record<string, unknown> | undefined;
  constructor(message: string, options: { outputs?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.outputs = options.outputs;
  }
}
