/**
 * The saved form of a `Model`: `model.json` (hyperparameters, seed, provenance, the dataset it was
 * trained on, and a tfjs weights manifest) plus `weights.bin` (the weights, little-endian, in the
 * manifest's order). The manifest is tfjs's own format:
 *
 *     "weightsManifest": [{ "paths": ["weights.bin"], "weights": [{ "name": "W_rec", "shape": [N, N], "dtype": "float32" }, ...] }]
 *
 * so `tf.io.decodeWeights` reads the same bytes. Matrices are in the mathematical orientation of
 * `nodes/ports/model.ts` (W_rec [N, N] with row i = inputs to unit i), row-major.
 *
 * Pure functions: no file system, so the editor can save and load bytes the same way.
 */
import {
  constraintProblems,
  type Activation,
  type Model,
  type ModelConstraints,
  type ModelWeights,
} from '../ports/model-data.ts';

/** `format` field of every saved model. */
export const MODEL_FORMAT = 'cortexflow/model';
/** Version of the saved form; increase on an incompatible change and keep reading older ones. */
export const MODEL_FORMAT_VERSION = 1;

/**
 * Constraint arrays written after the weights, as manifest entries `constraints/<key>` (float32).
 * Older readers ignore them (they only look up the weights they know); files without them load as
 * unconstrained models.
 */
export const CONSTRAINT_NAMES = ['recurrentSign', 'recurrentMask'] as const;

/** The weight names of the built-in cell, in the order they are written. */
export const WEIGHT_NAMES = ['W_rec', 'W_in', 'W_out', 'b', 'b_out'] as const;

/** Dtypes of the tfjs manifest that we write and read. */
export type ManifestDtype = 'float32' | 'int32';

/** One entry of a tfjs weights manifest. */
export interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: ManifestDtype;
}

/** One group of a tfjs weights manifest. */
export interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

/** The fields of `model.json` that describe the network: everything but its weights and extras. */
export type ModelHeader = Pick<
  Model,
  'cell' | 'N' | 'inputSize' | 'outputSize' | 'alpha' | 'activation' | 'useBias' | 'noiseSigma' | 'seed' | 'provenance' | 'trainedOn'
>;

/** {@link ModelHeader} of a model: the one place that lists what a saved network records (model.json, exports). */
export function modelHeader(model: Model): ModelHeader {
  return {
    cell: model.cell,
    N: model.N,
    inputSize: model.inputSize,
    outputSize: model.outputSize,
    alpha: model.alpha,
    activation: model.activation,
    useBias: model.useBias,
    noiseSigma: model.noiseSigma,
    seed: model.seed,
    provenance: model.provenance,
    ...(model.trainedOn !== undefined ? { trainedOn: model.trainedOn } : {}),
  };
}

/** The contents of `model.json`. */
export type SavedModelJson = { format: typeof MODEL_FORMAT; version: number } & ModelHeader & {
    /** JSON-able extras; typed-array extras live in the manifest as `extras/<key>`. */
    extras?: Record<string, unknown>;
    weightsManifest: ManifestGroup[];
  };

/** The two files of a saved model. */
export interface SavedModel {
  json: SavedModelJson;
  /** The bytes of `weights.bin`. */
  weights: Uint8Array;
}

const ACTIVATIONS: readonly Activation[] = ['tanh', 'relu', 'softplus', 'sigmoid'];
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Typed arrays that can be stored bit-exactly in JSON (as numbers) when tfjs has no dtype for them. */
const JSON_TYPED: Record<string, (a: number[]) => ArrayLike<number>> = {
  Float64Array: (a) => Float64Array.from(a),
  Uint8Array: (a) => Uint8Array.from(a),
  Int8Array: (a) => Int8Array.from(a),
  Uint16Array: (a) => Uint16Array.from(a),
  Int16Array: (a) => Int16Array.from(a),
  Uint32Array: (a) => Uint32Array.from(a),
};

function toBytes(a: Float32Array | Int32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
  const out = new Uint8Array(a.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) {
    if (a instanceof Float32Array) dv.setFloat32(i * 4, a[i] as number, true);
    else dv.setInt32(i * 4, a[i] as number, true);
  }
  return out;
}

function fromBytes(bytes: Uint8Array, offset: number, count: number, dtype: ManifestDtype): Float32Array | Int32Array {
  const out = dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + count * 4));
    return out;
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 4);
  for (let i = 0; i < count; i++) out[i] = dtype === 'float32' ? dv.getFloat32(i * 4, true) : dv.getInt32(i * 4, true);
  return out;
}

/** Expected shape of each built-in weight. */
export function weightShapes(
  m: Pick<Model, 'N' | 'inputSize' | 'outputSize'>,
): Record<(typeof WEIGHT_NAMES)[number], number[]> {
  return {
    W_rec: [m.N, m.N],
    W_in: [m.N, m.inputSize],
    W_out: [m.outputSize, m.N],
    b: [m.N],
    b_out: [m.outputSize],
  };
}

/** Check that a model's weights have the sizes its hyperparameters say; returns the problems. */
export function weightProblems(m: Model): string[] {
  const problems: string[] = [];
  const shapes = weightShapes(m);
  for (const name of WEIGHT_NAMES) {
    const a = m.weights[name];
    const want = shapes[name].reduce((p, d) => p * d, 1);
    if (!(a instanceof Float32Array)) problems.push(`${name} must be a Float32Array`);
    else if (a.length !== want)
      problems.push(`${name} has ${a.length} values, expected ${shapes[name].join('x')} = ${want}`);
  }
  return problems;
}

/** Encode a model as `model.json` + `weights.bin`. */
export function encodeModel(model: Model): SavedModel {
  const problems = [...weightProblems(model), ...constraintProblems(model)];
  if (problems.length > 0) throw new Error(`cannot save model: ${problems.join('; ')}`);
  const entries: ManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  const shapes = weightShapes(model);
  for (const name of WEIGHT_NAMES) {
    entries.push({ name, shape: shapes[name], dtype: 'float32' });
    chunks.push(toBytes(model.weights[name]));
  }
  for (const key of CONSTRAINT_NAMES) {
    const a = model.constraints?.[key];
    if (a === undefined) continue;
    entries.push({
      name: `constraints/${key}`,
      shape: key === 'recurrentSign' ? [model.N] : [model.N, model.N],
      dtype: 'float32',
    });
    chunks.push(toBytes(a));
  }
  let jsonExtras: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(model.extras ?? {})) {
    if (value instanceof Float32Array || value instanceof Int32Array) {
      entries.push({
        name: `extras/${key}`,
        shape: [value.length],
        dtype: value instanceof Float32Array ? 'float32' : 'int32',
      });
      chunks.push(toBytes(value));
    } else if (ArrayBuffer.isView(value) && !(value instanceof DataView) && value.constructor.name in JSON_TYPED) {
      jsonExtras ??= {};
      jsonExtras[key] = {
        $typedArray: value.constructor.name,
        data: Array.from(value as unknown as ArrayLike<number>),
      };
    } else {
      const text = JSON.stringify(value);
      if (text === undefined) throw new Error(`cannot save model: extras.${key} is not JSON-able or a typed array`);
      jsonExtras ??= {};
      jsonExtras[key] = JSON.parse(text) as unknown;
    }
  }
  const total = chunks.reduce((s, c) => s + c.length, 0);
  const weights = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    weights.set(c, off);
    off += c.length;
  }
  const json: SavedModelJson = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    ...modelHeader(model),
    ...(jsonExtras !== undefined ? { extras: jsonExtras } : {}),
    weightsManifest: [{ paths: ['weights.bin'], weights: entries }],
  };
  return { json, weights };
}

/** The files written for a model output: `PORT/model.json` and `PORT/weights.bin`. */
export function modelArtifacts(model: Model): Array<{ suffix: string; data: string | Uint8Array; mediaType: string }> {
  const saved = encodeModel(model);
  return [
    { suffix: '/model.json', data: JSON.stringify(saved.json, null, 1), mediaType: 'application/json' },
    { suffix: '/weights.bin', data: saved.weights, mediaType: 'application/octet-stream' },
  ];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Read `model.json` text (or its parsed object) and the bytes of its weights back into a `Model`,
 * bit-exactly. `where` names the source in error messages. `weights` maps each path of the manifest
 * to its bytes; a single Uint8Array is taken as the file of a single-path manifest.
 */
export function decodeModel(
  json: unknown,
  weights: Uint8Array | Record<string, Uint8Array>,
  where = 'model.json',
): Model {
  let doc: unknown = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch {
      // Not the parser's message: V8 quotes the text around the error, which may be a secret the
      // path pointed at.
      throw new Error(`${where} is not valid JSON; expected a cortexflow model.json`);
    }
  }
  if (!isRecord(doc))
    throw new Error(`${where}: expected a JSON object, got ${Array.isArray(doc) ? 'an array' : typeof doc}`);
  if (doc['format'] !== MODEL_FORMAT)
    throw new Error(
      // Not the value: until "format" matches, the JSON may be any file the path pointed at.
      `${where}: "format" is ${doc['format'] === undefined ? 'missing' : `not "${MODEL_FORMAT}"`}, expected "${MODEL_FORMAT}" (is this a cortexflow model.json?)`,
    );
  const version = doc['version'];
  if (typeof version !== 'number' || version > MODEL_FORMAT_VERSION)
    throw new Error(
      `${where}: format version ${JSON.stringify(version)} is newer than this cortexflow reads (${MODEL_FORMAT_VERSION}); update cortexflow`,
    );
  const intField = (k: string, min: number): number => {
    const v = doc[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
      throw new Error(`${where}: "${k}" must be an integer >= ${min}, got ${JSON.stringify(v)}`);
    return v;
  };
  const numField = (k: string): number => {
    const v = doc[k];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new Error(`${where}: "${k}" must be a finite number, got ${JSON.stringify(v)}`);
    return v;
  };
  const N = intField('N', 1);
  const inputSize = intField('inputSize', 1);
  const outputSize = intField('outputSize', 1);
  const alpha = numField('alpha');
  const noiseSigma = numField('noiseSigma');
  const seed = numField('seed');
  const activation = doc['activation'];
  if (typeof activation !== 'string' || !ACTIVATIONS.includes(activation as Activation))
    throw new Error(`${where}: "activation" is ${shortValue(activation)}, expected one of ${ACTIVATIONS.join(', ')}`);
  if (typeof doc['useBias'] !== 'boolean') throw new Error(`${where}: "useBias" must be true or false`);
  if (typeof doc['cell'] !== 'string') throw new Error(`${where}: "cell" must be a string`);
  const manifest = doc['weightsManifest'];
  if (!Array.isArray(manifest) || manifest.length === 0)
    throw new Error(`${where}: "weightsManifest" must be a non-empty list of { paths, weights } groups (tfjs format)`);

  const files: Record<string, Uint8Array> = weights instanceof Uint8Array ? {} : weights;
  const arrays = new Map<string, Float32Array | Int32Array>();
  for (const [gi, group] of manifest.entries()) {
    if (!isRecord(group) || !Array.isArray(group['paths']) || !Array.isArray(group['weights']))
      throw new Error(`${where}: weightsManifest[${gi}] must have "paths" and "weights" lists`);
    const paths = group['paths'] as unknown[];
    const parts: Uint8Array[] = [];
    for (const p of paths) {
      if (typeof p !== 'string') throw new Error(`${where}: weightsManifest[${gi}].paths must hold file names`);
      const bytes =
        weights instanceof Uint8Array && manifest.length === 1 && paths.length === 1
          ? weights
          : (files[p] ?? files[p.split(/[\\/]/).pop() ?? p]);
      if (bytes === undefined) throw new Error(`${where}: weights file "${p}" named in the manifest was not given`);
      parts.push(bytes);
    }
    const data = parts.length === 1 ? (parts[0] as Uint8Array) : concat(parts);
    let off = 0;
    for (const [wi, e] of (group['weights'] as unknown[]).entries()) {
      if (!isRecord(e) || typeof e['name'] !== 'string' || !Array.isArray(e['shape']))
        throw new Error(`${where}: weightsManifest[${gi}].weights[${wi}] must have "name" and "shape"`);
      const dtype = e['dtype'];
      if (dtype !== 'float32' && dtype !== 'int32')
        throw new Error(
          `${where}: weight "${e['name']}" has dtype ${JSON.stringify(dtype)}; only float32 and int32 are supported`,
        );
      const count = (e['shape'] as unknown[]).reduce<number>((p, d) => p * (typeof d === 'number' ? d : NaN), 1);
      if (!Number.isInteger(count) || count < 0)
        throw new Error(`${where}: weight "${e['name']}" has an invalid shape ${JSON.stringify(e['shape'])}`);
      if (off + count * 4 > data.length)
        throw new Error(
          `${where}: weights file is too short: "${e['name']}" needs bytes ${off}..${off + count * 4}, the file has ${data.length} (truncated or the wrong weights.bin?)`,
        );
      arrays.set(e['name'], fromBytes(data, off, count, dtype));
      off += count * 4;
    }
    if (off !== data.length)
      throw new Error(
        `${where}: weights file has ${data.length} bytes, the manifest describes ${off} (the wrong weights.bin?)`,
      );
  }

  const shapes = weightShapes({ N, inputSize, outputSize });
  const w: Partial<ModelWeights> = {};
  for (const name of WEIGHT_NAMES) {
    const a = arrays.get(name);
    if (a === undefined) throw new Error(`${where}: the manifest has no weight "${name}"`);
    const want = shapes[name].reduce((p, d) => p * d, 1);
    if (!(a instanceof Float32Array) || a.length !== want)
      throw new Error(
        `${where}: weight "${name}" has ${a.length} values, expected float32 ${shapes[name].join('x')} for N=${N}, in ${inputSize}, out ${outputSize}`,
      );
    w[name] = a;
  }
  let extras: Record<string, unknown> | undefined;
  const jsonExtras = doc['extras'];
  if (isRecord(jsonExtras)) {
    extras = {};
    for (const [k, v] of Object.entries(jsonExtras)) {
      if (isRecord(v) && typeof v['$typedArray'] === 'string' && Array.isArray(v['data'])) {
        const make = JSON_TYPED[v['$typedArray']];
        if (make === undefined)
          throw new Error(`${where}: extras.${k} has unknown typed array kind ${v['$typedArray']}`);
        extras[k] = make(v['data'] as number[]);
      } else extras[k] = v;
    }
  }
  let constraints: ModelConstraints | undefined;
  for (const key of CONSTRAINT_NAMES) {
    const a = arrays.get(`constraints/${key}`);
    if (a === undefined) continue;
    if (!(a instanceof Float32Array)) throw new Error(`${where}: "constraints/${key}" must be float32`);
    constraints ??= {};
    constraints[key] = a;
  }
  if (constraints !== undefined) {
    const cp = constraintProblems({ N, constraints });
    if (cp.length > 0) throw new Error(`${where}: ${cp.join('; ')}`);
  }
  for (const [name, a] of arrays) {
    if (!name.startsWith('extras/')) continue;
    extras ??= {};
    extras[name.slice('extras/'.length)] = a;
  }
  const provenance = isRecord(doc['provenance']) ? doc['provenance'] : {};
  return {
    cell: doc['cell'],
    N,
    inputSize,
    outputSize,
    alpha,
    activation: activation as Activation,
    useBias: doc['useBias'],
    noiseSigma,
    weights: w as ModelWeights,
    seed,
    provenance,
    ...(isRecord(doc['trainedOn']) ? { trainedOn: doc['trainedOn'] } : {}),
    ...(extras !== undefined ? { extras } : {}),
    ...(constraints !== undefined ? { constraints } : {}),
  };
}

/** A value from the file for a message, cut short: a field of a JSON file may hold anything. */
function shortValue(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 24)}... (${text.length} characters)` : text;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
