/**
 * A `Model` out to the formats Python users load: Keras 2 HDF5 (alpha = 1 only), safetensors and
 * NumPy .npz. docs/python.md has the lines that load each and re-simulate; a test runs them.
 *
 * Tensor names of safetensors and npz are those of a PyTorch `state_dict` of a module holding a
 * `torch.nn.RNN` as `rnn` and a `torch.nn.Linear` as `linear`:
 *
 *     rnn.weight_ih_l0 [N, inputs]  = W_in        rnn.bias_ih_l0 [N] = b
 *     rnn.weight_hh_l0 [N, N]       = W_rec       rnn.bias_hh_l0 [N] = 0
 *     linear.weight    [outputs, N] = W_out       linear.bias [outputs] = b_out
 *
 * so that `nn.RNN` computes h_t = f(W_in x_t + b + W_rec h_{t-1}) exactly as our cell does with
 * alpha = 1; alpha, the activation and the training noise go in the metadata (safetensors'
 * `__metadata__`, npz's `alpha`, `noise_sigma` and `metadata` entries), with every other field of
 * model.json. The Keras file follows the layout `keras.ts` reads (and Keras 2 writes), plus a
 * `cortexflow_model` root attribute that gives our own loader back the seed, noise and provenance.
 */
import { zipSync } from 'fflate';
import type { Model } from '../ports/model.ts';
import { encodeNpy } from '../lib/npy.ts';
import { MODEL_FORMAT, modelHeader, weightProblems } from './format.ts';
import { transpose } from './keras.ts';

/** Formats a model can be exported to. */
export const EXPORT_FORMATS = ['keras', 'safetensors', 'npz'] as const;
/** One of {@link EXPORT_FORMATS}. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** File extension written for each format. */
export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = {
  keras: '.h5',
  safetensors: '.safetensors',
  npz: '.npz',
};

/** An exported model: the file's bytes and what the export could not carry. */
export interface ExportedModel {
  format: ExportFormat;
  bytes: Uint8Array;
  /** Things the target format does not hold (constraints, extras), to tell the user. */
  warnings: string[];
}

/** Root attribute of our Keras files holding what Keras has no place for (JSON). */
export const KERAS_CORTEXFLOW_ATTR = 'cortexflow_model';

/** Why a model cannot be written as Keras, or undefined when it can. */
export function kerasRefusal(model: Model): string | undefined {
  if (model.cell !== 'ctrnn')
    return `the model's cell is "${model.cell}", not the built-in ctrnn; Keras' SimpleRNN only computes the ctrnn cell`;
  if (model.alpha !== 1)
    return (
      `alpha is ${model.alpha}, and Keras' SimpleRNN has no leak: it computes h = f(W_rec h + W_in x + b), which is ` +
      `our cell with alpha = 1 only. A network with alpha < 1 (h = (1 - alpha) h + alpha f(...)) would simulate ` +
      `differently in Keras; export it with --to safetensors or --to npz, which keep alpha`
    );
  return undefined;
}

function checkModel(model: Model): void {
  const problems = weightProblems(model);
  if (problems.length > 0) throw new Error(`cannot export the model: ${problems.join('; ')}`);
}

/** Fields of model.json other than the weights, for the metadata of every format. */
export function modelMetadata(model: Model): Record<string, unknown> {
  return { format: MODEL_FORMAT, ...modelHeader(model) };
}

function lostParts(model: Model, format: string): string[] {
  const warnings: string[] = [];
  if (model.constraints !== undefined)
    warnings.push(
      `${format}: the model's W_rec constraints (${Object.keys(model.constraints).join(', ')}) are not written; the weights already satisfy them`,
    );
  if (model.extras !== undefined && Object.keys(model.extras).length > 0)
    warnings.push(`${format}: the model's extras (${Object.keys(model.extras).join(', ')}) are not written`);
  return warnings;
}

/** The tensors of a model, named as a PyTorch nn.RNN + nn.Linear state_dict (see the module doc). */
export function torchTensors(model: Model): Array<{ name: string; data: Float32Array; shape: number[] }> {
  const { N, inputSize: I, outputSize: O, weights: w } = model;
  return [
    { name: 'rnn.weight_ih_l0', data: w.W_in, shape: [N, I] },
    { name: 'rnn.weight_hh_l0', data: w.W_rec, shape: [N, N] },
    { name: 'rnn.bias_ih_l0', data: w.b, shape: [N] },
    { name: 'rnn.bias_hh_l0', data: new Float32Array(N), shape: [N] },
    { name: 'linear.weight', data: w.W_out, shape: [O, N] },
    { name: 'linear.bias', data: w.b_out, shape: [O] },
  ];
}

/**
 * safetensors (https://github.com/huggingface/safetensors): an 8-byte little-endian header length,
 * a JSON header mapping names to dtype, shape and byte offsets (plus `__metadata__`, string to
 * string), then the raw little-endian data.
 */
export function toSafetensors(model: Model): ExportedModel {
  checkModel(model);
  const tensors = torchTensors(model);
  const meta = modelMetadata(model);
  const metadata: Record<string, string> = {
    alpha: String(model.alpha),
    activation: model.activation,
    noise_sigma: String(model.noiseSigma),
    cortexflow: JSON.stringify(meta),
  };
  const header: Record<string, unknown> = { __metadata__: metadata };
  let off = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [off, off + t.data.length * 4] };
    off += t.data.length * 4;
  }
  let text = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned (the format allows trailing spaces).
  text += ' '.repeat((8 - ((8 + new TextEncoder().encode(text).length) % 8)) % 8);
  const head = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + head.length + off);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let p = 8 + head.length;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++) dv.setFloat32(p + i * 4, t.data[i] as number, true);
    p += t.data.length * 4;
  }
  return { format: 'safetensors', bytes: out, warnings: lostParts(model, 'safetensors') };
}

/** A 0-d NumPy unicode array ('<U{n}'): how np.savez stores a str. */
function npyString(s: string): Uint8Array {
  const chars = Array.from(s);
  const n = Math.max(1, chars.length);
  const dict = `{'descr': '<U${n}', 'fortran_order': False, 'shape': (), }`;
  const pad = (64 - ((10 + dict.length + 1) % 64)) % 64;
  const header = dict + ' '.repeat(pad) + '\n';
  const out = new Uint8Array(10 + header.length + n * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8], 0);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const dv = new DataView(out.buffer);
  chars.forEach((c, i) => dv.setUint32(10 + header.length + i * 4, c.codePointAt(0) as number, true));
  return out;
}

/**
 * NumPy .npz (a zip of .npy files, as `np.savez` writes): the tensors by their PyTorch names, plus
 * `alpha` and `noise_sigma` (float64 scalars), `activation` (a str) and `metadata` (model.json's
 * other fields as a JSON str).
 */
export function toNpz(model: Model): ExportedModel {
  checkModel(model);
  const files: Record<string, Uint8Array> = {};
  for (const t of torchTensors(model)) files[`${t.name}.npy`] = encodeNpy(t.data, t.shape);
  files['alpha.npy'] = encodeNpy(new Float64Array([model.alpha]), []);
  files['noise_sigma.npy'] = encodeNpy(new Float64Array([model.noiseSigma]), []);
  files['activation.npy'] = npyString(model.activation);
  files['metadata.npy'] = npyString(JSON.stringify(modelMetadata(model)));
  // Stored, not deflated, like np.savez; a fixed date keeps the bytes the same for the same model.
  const bytes = zipSync(
    Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [v, { level: 0, mtime: new Date(1980, 0, 1) }]])),
  );
  return { format: 'npz', bytes, warnings: lostParts(model, 'npz') };
}

let fileCounter = 0;

/**
 * Keras 2 HDF5 (what `model.save("net.h5")` writes for a Sequential SimpleRNN + Dense network and
 * `keras.models.load_model` reads), for alpha = 1 models; throws with the reason otherwise.
 */
export async function toKerasH5(model: Model): Promise<ExportedModel> {
  checkModel(model);
  const refusal = kerasRefusal(model);
  if (refusal !== undefined) throw new Error(`cannot export to Keras: ${refusal}`);
  const { N, inputSize: I, outputSize: O, weights: w } = model;
  const useBias = model.useBias || w.b.some((v) => v !== 0);
  const rnn = 'simple_rnn_1';
  const dense = 'dense_1';
  const glorot = {
    class_name: 'VarianceScaling',
    config: { scale: 1.0, mode: 'fan_avg', distribution: 'uniform', seed: null },
  };
  const zeros = { class_name: 'Zeros', config: {} };
  const config = {
    class_name: 'Sequential',
    config: {
      name: 'sequential_1',
      layers: [
        {
          class_name: 'SimpleRNN',
          config: {
            name: rnn,
            trainable: true,
            batch_input_shape: [null, null, I],
            dtype: 'float32',
            return_sequences: true,
            return_state: false,
            go_backwards: false,
            stateful: false,
            unroll: false,
            units: N,
            activation: model.activation,
            use_bias: useBias,
            kernel_initializer: glorot,
            recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } },
            bias_initializer: zeros,
            kernel_regularizer: null,
            recurrent_regularizer: null,
            bias_regularizer: null,
            activity_regularizer: null,
            kernel_constraint: null,
            recurrent_constraint: null,
            bias_constraint: null,
            dropout: 0.0,
            recurrent_dropout: 0.0,
          },
        },
        {
          class_name: 'Dense',
          config: {
            name: dense,
            trainable: true,
            dtype: 'float32',
            units: O,
            activation: 'linear',
            use_bias: true,
            kernel_initializer: glorot,
            bias_initializer: zeros,
            kernel_regularizer: null,
            bias_regularizer: null,
            activity_regularizer: null,
            kernel_constraint: null,
            bias_constraint: null,
          },
        },
      ],
    },
  };
  const h5 = (await import('h5wasm')).default;
  const mod = await h5.ready;
  const fsPath = `/cortexflow-export-${++fileCounter}.h5`;
  const f = new h5.File(fsPath, 'w');
  try {
    // Keras 2.3.1 (the authors' later version) wrote these three root attributes and this layout;
    // h5py stores strings as variable-length UTF-8 and name lists as fixed-length byte strings.
    f.create_attribute('keras_version', '2.3.1');
    f.create_attribute('backend', 'tensorflow');
    f.create_attribute('model_config', JSON.stringify(config));
    f.create_attribute(KERAS_CORTEXFLOW_ATTR, JSON.stringify(modelMetadata(model)));
    const wg = f.create_group('model_weights');
    wg.create_attribute('keras_version', '2.3.1');
    wg.create_attribute('backend', 'tensorflow');
    const fixed = (names: string[]): [string[], number[], string] => [
      names,
      [names.length],
      `S${Math.max(1, ...names.map((s) => s.length))}`,
    ];
    const [ln, lnShape, lnType] = fixed([rnn, dense]);
    wg.create_attribute('layer_names', ln, lnShape, lnType);
    const put = (layer: string, weights: Array<[string, Float32Array, number[]]>): void => {
      const g = wg.create_group(layer);
      const [wn, wnShape, wnType] = fixed(weights.map(([n]) => `${layer}/${n}:0`));
      g.create_attribute('weight_names', wn, wnShape, wnType);
      const inner = g.create_group(layer);
      for (const [n, data, shape] of weights) inner.create_dataset({ name: `${n}:0`, data, shape, dtype: '<f' });
    };
    // Keras computes x @ kernel: kernel = W_in^T [I, N], recurrent_kernel = W_rec^T, Dense kernel = W_out^T.
    put(rnn, [
      ['kernel', transpose(w.W_in, N, I), [I, N]],
      ['recurrent_kernel', transpose(w.W_rec, N, N), [N, N]],
      ...(useBias ? ([['bias', Float32Array.from(w.b), [N]]] as Array<[string, Float32Array, number[]]>) : []),
    ]);
    put(dense, [
      ['kernel', transpose(w.W_out, O, N), [N, O]],
      ['bias', Float32Array.from(w.b_out), [O]],
    ]);
    f.flush();
  } finally {
    f.close();
  }
  try {
    const bytes = mod.FS.readFile(fsPath);
    const warnings = lostParts(model, 'keras');
    if (model.noiseSigma > 0)
      warnings.push(
        `keras: the training noise (noiseSigma ${model.noiseSigma}) has no SimpleRNN setting; it is kept in the ${KERAS_CORTEXFLOW_ATTR} attribute only`,
      );
    return { format: 'keras', bytes, warnings };
  } finally {
    mod.FS.unlink(fsPath);
  }
}

/** Export a model to `format`. */
export async function exportModel(model: Model, format: ExportFormat): Promise<ExportedModel> {
  if (format === 'keras') return toKerasH5(model);
  if (format === 'safetensors') return toSafetensors(model);
  return toNpz(model);
}
