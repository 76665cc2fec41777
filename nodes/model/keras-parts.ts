/**
 * What the Keras reader makes of a file's parts: the layer list of its model_config, typed weights,
 * string attributes, and the cortexflow fields an exported file carries; errors about the content.
 */
import type { Activation, Model } from '../ports/model.ts';

export interface LayerInfo {
  name: string;
  className: string;
  config: Record<string, unknown>;
}

export const RNN_ACTIVATIONS: readonly Activation[] = ['tanh', 'relu', 'softplus', 'sigmoid'];
/** Weightless layers that are the identity at inference. */
export const IDENTITY_LAYERS = new Set([
  'InputLayer',
  'Dropout',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'Masking',
]);

/** Errors this module raises about the file's content (others come from h5wasm and get wrapped). */
export class KerasFormatError extends Error {}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v).replace(/\0+$/, '');
  return undefined;
}

export function asStringList(v: unknown): string[] | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) {
    const out = v.map(asString);
    return out.every((s): s is string => s !== undefined) ? out : undefined;
  }
  return undefined;
}

/** The layers named in a Keras model_config, in order (Sequential 2.0 list form, 2.2+ object form, Functional). */
export function configLayers(config: unknown, where: string): LayerInfo[] {
  if (!isRecord(config)) throw new KerasFormatError(`${where}: model_config is not a JSON object`);
  const inner = config['config'];
  const list = Array.isArray(inner)
    ? inner
    : isRecord(inner) && Array.isArray(inner['layers'])
      ? inner['layers']
      : undefined;
  if (list === undefined)
    throw new KerasFormatError(`${where}: model_config of class ${String(config['class_name'])} has no layer list`);
  return list.map((l: unknown, i: number) => {
    if (!isRecord(l)) throw new KerasFormatError(`${where}: model_config layer ${i} is not an object`);
    const cfg = isRecord(l['config']) ? l['config'] : {};
    const name =
      typeof l['name'] === 'string' ? l['name'] : typeof cfg['name'] === 'string' ? cfg['name'] : `layer_${i}`;
    return { name, className: String(l['class_name']), config: cfg };
  });
}

export function toFloat32(value: unknown, what: string, where: string): Float32Array {
  if (value instanceof Float32Array) return value;
  if (value instanceof Float64Array) return Float32Array.from(value);
  throw new KerasFormatError(
    `${where}: ${what} is not a float array (got ${value === null ? 'null' : typeof value}); expected float32 or float64 weights`,
  );
}

/** Transpose a row-major [rows, cols] matrix (Keras' kernels are our matrices transposed). */
export function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j] as number;
  return out;
}

/**
 * A file cortexflow exported (`model.save`, `cortexflow export --to keras`) carries what Keras has no
 * place for (seed, training noise, provenance, training description) in a `cortexflow_model` root
 * attribute; take them back when they describe this very network, so that a round trip loses
 * nothing. Keras ignores the attribute.
 */
export function restoreCortexflowFields(model: Model, text: string | undefined): void {
  if (text === undefined) return;
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch {
    return;
  }
  if (!isRecord(meta) || meta['format'] !== 'cortexflow/model') return;
  if (meta['N'] !== model.N || meta['inputSize'] !== model.inputSize || meta['outputSize'] !== model.outputSize) return;
  if (typeof meta['cell'] === 'string') model.cell = meta['cell'];
  if (typeof meta['noiseSigma'] === 'number' && Number.isFinite(meta['noiseSigma']))
    model.noiseSigma = meta['noiseSigma'];
  if (typeof meta['seed'] === 'number' && Number.isFinite(meta['seed'])) model.seed = meta['seed'];
  if (typeof meta['useBias'] === 'boolean') model.useBias = meta['useBias'];
  if (isRecord(meta['provenance'])) model.provenance = { ...meta['provenance'], loadedFrom: model.provenance };
  if (isRecord(meta['trainedOn'])) model.trainedOn = meta['trainedOn'];
}
