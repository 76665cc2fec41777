/**
 * Port types: what flows along an edge. A port type knows how to summarise a value in one line
 * (CLI, editor) and how to write it as artifact files. Whether an output may feed an input is
 * decided by the input side ({@link canConnect}).
 */

/** One file an output writes: `suffix` is appended to the port name (".json", "/inputs.npy"). */
export interface Artifact {
  suffix: string;
  data: string | Uint8Array;
  /** Media type, for the editor's downloads and the report. */
  mediaType?: string;
  /**
   * Content that other runs may hold byte for byte (a dataset a seed sweep trains every network
   * on): a front end may keep it once per content hash and link it into each run folder.
   */
  shared?: boolean;
}

/**
 * What a front end can show of a value without holding the value (the editor's page gets this
 * from its worker): a figure, or a loss curve.
 */
export type PortPreview =
  | { kind: 'figure'; title: string; caption: string; svg: string }
  | { kind: 'history'; loss: number[]; steps: number[]; valLoss: number[] };

/** A kind of value carried by ports. `T` is the value's TypeScript type. */
export interface PortType<T = unknown> {
  /** Public name (`Dataset`, `Model`), unique in a registry. */
  readonly name: string;
  /** One sentence for the docs and the editor's tooltips. */
  readonly description: string;
  /** Socket colour in the editor (CSS colour). */
  readonly color: string;
  /** One line for the CLI and the editor ("4000 samples x 210 steps, 2 in / 1 out"). */
  summarize(value: T): string;
  /** Files to write for a value; none when omitted. */
  artifacts?(value: T): Artifact[] | Promise<Artifact[]>;
  /**
   * The value's headline numbers (spectral radius, final loss...), recorded in the run manifest and
   * gathered across runs by `cortexflow sweep`.
   */
  numbers?(value: T): Record<string, number>;
  /** What the editor shows of a value (a figure, a loss curve); nothing when omitted. */
  preview?(value: T): PortPreview | undefined;
  /** Compile-time only: lets `InputValue` recover `T`. Never set. */
  readonly __type?: T;
}

/** Define a port type. */
export function definePortType<T>(def: PortType<T>): PortType<T> {
  return Object.freeze({ ...def });
}

/** The input-side wildcard: an input of type Any accepts every output. */
export const Any: PortType<unknown> = definePortType<unknown>({
  name: 'Any',
  description: 'Accepts a value of any port type.',
  color: '#888888',
  summarize: (v) => summarizeUnknown(v),
});

/** Plain JSON-able data; used by small utility blocks and tests. */
export const Json: PortType<unknown> = definePortType<unknown>({
  name: 'Json',
  description: 'Plain JSON data.',
  color: '#b0b0b0',
  summarize: (v) => summarizeUnknown(v),
  artifacts: (v) => [{ suffix: '.json', data: JSON.stringify(v, null, 2), mediaType: 'application/json' }],
});

/** A single number. */
export const NumberPort: PortType<number> = definePortType<number>({
  name: 'Number',
  description: 'A single number.',
  color: '#4477aa',
  summarize: (v) => formatNumber(v),
  artifacts: (v) => [{ suffix: '.json', data: JSON.stringify(v), mediaType: 'application/json' }],
  numbers: (v) => ({ value: v }),
});

/** Short, readable number formatting for summaries. */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}

function summarizeUnknown(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'number') return formatNumber(v);
  if (Array.isArray(v)) return `list of ${v.length}`;
  if (typeof v === 'object') return `object with ${Object.keys(v).length} keys`;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Declaration of an input port. */
export interface InputSpec<T = unknown, M extends boolean = boolean, O extends boolean = boolean> {
  readonly type: PortType<T>;
  /** Several edges may enter; the block receives an array in edge order. */
  readonly multiple: M;
  /** The block may run without this input connected. */
  readonly optional: O;
  /** Other port type names this input also accepts. */
  readonly accepts: readonly string[];
  readonly description?: string;
}

interface InputOptions {
  accepts?: readonly PortType[];
  description?: string;
}

/**
 * Declare an input port of a port type. Overloads (not inferred booleans) fix `multiple` and
 * `optional` as literal types, so the block's `run` sees `T`, `T[]` or `T | undefined` exactly.
 */
export function input<T>(
  type: PortType<T>,
  options?: InputOptions & { multiple?: false; optional?: false },
): InputSpec<T, false, false>;
export function input<T>(
  type: PortType<T>,
  options: InputOptions & { multiple: true; optional?: boolean },
): InputSpec<T, true, boolean>;
export function input<T>(
  type: PortType<T>,
  options: InputOptions & { multiple?: false; optional: true },
): InputSpec<T, false, true>;
export function input<T>(
  type: PortType<T>,
  options: InputOptions & { multiple?: boolean; optional?: boolean } = {},
): InputSpec<T, boolean, boolean> {
  const spec: InputSpec<T, boolean, boolean> = {
    type,
    multiple: options.multiple ?? false,
    optional: options.optional ?? false,
    accepts: (options.accepts ?? []).map((p) => p.name),
    ...(options.description !== undefined ? { description: options.description } : {}),
  };
  return Object.freeze(spec);
}

/** Can an output of type `from` feed the input `to`? Returns null when yes, else the reason. */
export function connectionProblem(from: PortType, to: InputSpec): string | null {
  if (to.type.name === Any.name) return null;
  if (from.name === to.type.name) return null;
  if (to.accepts.includes(from.name)) return null;
  const accepted = [to.type.name, ...to.accepts].join(' or ');
  return `a ${from.name} output cannot feed an input that expects ${accepted}`;
}

/** Can an output of type `from` feed the input `to`? The one rule used by core and editor. */
export function canConnect(from: PortType, to: InputSpec): boolean {
  return connectionProblem(from, to) === null;
}
