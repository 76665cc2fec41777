/**
 * Read a Keras 2 HDF5 file holding a SimpleRNN + Dense network (the form in which Jarne & Laje
 * published their trained networks) into a `Model` with alpha = 1.
 *
 * Keras 2 layout (checked on the authors' files, Keras 2.0.6 and 2.3.1):
 *
 *     /                       attrs: keras_version, backend, model_config (JSON), [training_config]
 *     /model_weights          attrs: layer_names = [simple_rnn_1, dense_1]
 *     /model_weights/simple_rnn_1            attrs: weight_names = [simple_rnn_1/kernel:0, simple_rnn_1/recurrent_kernel:0, (bias:0)]
 *     /model_weights/simple_rnn_1/simple_rnn_1/kernel:0            [inputs, N]
 *     /model_weights/simple_rnn_1/simple_rnn_1/recurrent_kernel:0  [N, N]
 *     /model_weights/dense_1/dense_1/kernel:0                      [N, outputs]   bias:0 [outputs]
 *
 * A weights-only file (`model.save_weights`) has `layer_names` on the root and no model_config.
 * Keras computes x @ kernel, so W_in = kernel^T, W_rec = recurrent_kernel^T, W_out = dense kernel^T.
 *
 * Pure: bytes in, Model out. h5wasm (HDF5 compiled to WebAssembly, maintained by NIST) is loaded
 * lazily and the bytes go through its in-memory file system, so this runs in Node and in a browser.
 */
import type { Activation, Model } from '../ports/model.ts';
import { describeContent } from '../lib/files.ts';
import { isHdf5 } from '../lib/hdf5.ts';
import {
  asString,
  asStringList,
  configLayers,
  errorText,
  IDENTITY_LAYERS,
  isRecord,
  KerasFormatError,
  restoreCortexflowFields,
  RNN_ACTIVATIONS,
  toFloat32,
  transpose,
  type LayerInfo,
} from './keras-parts.ts';

export { isHdf5 } from '../lib/hdf5.ts';
export { transpose } from './keras-parts.ts';

/** A Keras-loaded model and what the loader noticed on the way. */
export interface KerasLoadResult {
  model: Model;
  warnings: string[];
}

let fileCounter = 0;

/**
 * Read a Keras 2 HDF5 SimpleRNN + Dense network from bytes. `name` (the file name) is used in
 * messages and recorded in the provenance.
 */
export async function modelFromKerasH5(bytes: Uint8Array, name = 'the file'): Promise<KerasLoadResult> {
  const where = name;
  if (!isHdf5(bytes))
    throw new Error(
      `${where} is not an HDF5 file (found ${describeContent(bytes)}); expected a Keras .h5/.hdf5 file or a cortexflow model.json`,
    );
  const h5 = (await import('h5wasm')).default;
  const mod = await h5.ready;
  const fsPath = `/cortexflow-keras-${++fileCounter}.h5`;
  mod.FS.writeFile(fsPath, bytes);
  let file: InstanceType<typeof h5.File> | undefined;
  try {
    let opened: InstanceType<typeof h5.File> | undefined;
    try {
      opened = new h5.File(fsPath, 'r');
    } catch (e) {
      throw new Error(
        `${where} has an HDF5 signature but could not be opened (${errorText(e)}); the file may be truncated or damaged`,
      );
    }
    // h5wasm does not throw on a failed open: it returns a negative file id.
    if (opened.file_id < 0n)
      throw new Error(`${where} has an HDF5 signature but could not be opened; the file may be truncated or damaged`);
    file = opened;
    try {
      return readKeras(h5, file, where);
    } catch (e) {
      if (e instanceof KerasFormatError) throw new Error(e.message);
      throw new Error(
        `${where}: could not read the HDF5 file (${errorText(e)}); the file may be truncated or damaged`,
        { cause: e },
      );
    }
  } finally {
    try {
      file?.close();
    } finally {
      mod.FS.unlink(fsPath);
    }
  }
}

type H5 = (typeof import('h5wasm'))['default'];
type H5Group = InstanceType<H5['Group']>;

function readKeras(h5: H5, file: H5Group, where: string): KerasLoadResult {
  const warnings: string[] = [];
  const rootKeys = file.keys();
  const rootAttrs = file.attrs;
  const attr = (g: H5Group, k: string): unknown => (k in g.attrs ? g.attrs[k]?.value : undefined);

  // Where the weights are: /model_weights (full save) or the root (save_weights).
  let wg: H5Group;
  if (rootKeys.includes('model_weights')) {
    const g = file.get('model_weights');
    if (!(g instanceof h5.Group)) throw new KerasFormatError(`${where}: /model_weights is not a group`);
    wg = g;
  } else if ('layer_names' in rootAttrs) wg = file;
  else
    throw new KerasFormatError(
      `${where} is an HDF5 file but not a Keras 2 model: no /model_weights group and no layer_names attribute (found ${
        rootKeys.length ? `groups/datasets ${rootKeys.slice(0, 8).join(', ')}` : 'an empty root'
      })${
        rootKeys.includes('layers') && rootKeys.includes('vars')
          ? '; this looks like a Keras 3 .weights.h5 file, which cortexflow does not read: save with Keras 2 / tf.keras (model.save("net.h5"))'
          : ''
      }`,
    );
  const layerNames = asStringList(attr(wg, 'layer_names'));
  if (layerNames === undefined)
    throw new KerasFormatError(`${where}: ${wg.path} has no readable layer_names attribute`);

  const configText = asString(attr(file, 'model_config'));
  let layers: LayerInfo[] | undefined;
  if (configText !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(configText);
    } catch (e) {
      throw new KerasFormatError(`${where}: model_config is not valid JSON (${(e as Error).message})`);
    }
    layers = configLayers(parsed, where);
  } else
    warnings.push(
      `${where} holds weights only (no model_config): the activation is not recorded, assuming tanh (Keras' SimpleRNN default)`,
    );

  // Weights of every layer that has some.
  const weightsOf = new Map<string, Map<string, { data: Float32Array; shape: number[] }>>();
  for (const ln of layerNames) {
    const g = wg.get(ln);
    if (!(g instanceof h5.Group))
      throw new KerasFormatError(`${where}: layer "${ln}" named in layer_names has no group`);
    const names = asStringList(attr(g, 'weight_names')) ?? [];
    const m = new Map<string, { data: Float32Array; shape: number[] }>();
    for (const wn of names) {
      const ds = g.get(wn);
      if (!(ds instanceof h5.Dataset))
        throw new KerasFormatError(`${where}: weight "${wn}" of layer "${ln}" is missing`);
      const short = wn.split('/').pop()?.replace(/:\d+$/, '') ?? wn;
      m.set(short, { data: toFloat32(ds.value, `weight ${wn}`, where), shape: ds.shape ?? [] });
    }
    if (m.size > 0) weightsOf.set(ln, m);
  }

  const describeFound = (): string =>
    layers
      ? layers.map((l) => `${l.className} "${l.name}"`).join(', ')
      : [...weightsOf].map(([ln, m]) => `"${ln}" (${[...m.keys()].join(', ')})`).join(', ');

  // Find the SimpleRNN and the Dense layer.
  let rnnName: string | undefined;
  let denseName: string | undefined;
  let rnnConfig: Record<string, unknown> = {};
  let denseConfig: Record<string, unknown> = {};
  if (layers) {
    for (const l of layers) {
      let cls = l.className;
      let cfg = l.config;
      if (cls === 'TimeDistributed' && isRecord(cfg['layer'])) {
        cls = String(cfg['layer']['class_name']);
        cfg = isRecord(cfg['layer']['config']) ? cfg['layer']['config'] : {};
      }
      if (cls === 'SimpleRNN' && rnnName === undefined && denseName === undefined) {
        rnnName = l.name;
        rnnConfig = cfg;
      } else if (cls === 'Dense' && rnnName !== undefined && denseName === undefined) {
        denseName = l.name;
        denseConfig = cfg;
      } else if (!IDENTITY_LAYERS.has(cls))
        throw new KerasFormatError(
          `${where} is not a SimpleRNN + Dense network: it has layer ${cls} "${l.name}" (layers found: ${describeFound()}); cortexflow loads one SimpleRNN followed by one Dense layer`,
        );
    }
  } else {
    for (const [ln, m] of weightsOf) {
      if (m.has('recurrent_kernel') && rnnName === undefined) rnnName = ln;
      else if (m.has('kernel') && !m.has('recurrent_kernel') && rnnName !== undefined && denseName === undefined)
        denseName = ln;
      else
        throw new KerasFormatError(
          `${where} is not a SimpleRNN + Dense network (layers with weights: ${describeFound()})`,
        );
    }
  }
  if (rnnName === undefined || denseName === undefined)
    throw new KerasFormatError(
      `${where} is not a SimpleRNN + Dense network (layers found: ${describeFound() || 'none'}); cortexflow loads one SimpleRNN followed by one Dense layer`,
    );

  // Settings that change the computation.
  const activationRaw = layers ? rnnConfig['activation'] : 'tanh';
  if (typeof activationRaw !== 'string' || !RNN_ACTIVATIONS.includes(activationRaw as Activation))
    throw new KerasFormatError(
      `${where}: SimpleRNN "${rnnName}" uses activation ${JSON.stringify(activationRaw)}; supported: ${RNN_ACTIVATIONS.join(', ')}`,
    );
  const activation = activationRaw as Activation;
  if (rnnConfig['go_backwards'] === true)
    throw new KerasFormatError(
      `${where}: SimpleRNN "${rnnName}" has go_backwards = true, which cortexflow does not support`,
    );
  if (layers && rnnConfig['return_sequences'] === false)
    warnings.push(
      `${where}: SimpleRNN "${rnnName}" had return_sequences = false (Keras gave only the last step); cortexflow outputs every step`,
    );
  const denseAct = denseConfig['activation'];
  if (layers && denseAct !== undefined && denseAct !== 'linear')
    throw new KerasFormatError(
      `${where}: Dense "${denseName}" uses activation ${JSON.stringify(denseAct)}; only a linear readout is supported`,
    );

  const rw = weightsOf.get(rnnName);
  const dw = weightsOf.get(denseName);
  const kernel = rw?.get('kernel');
  const recurrent = rw?.get('recurrent_kernel');
  const dKernel = dw?.get('kernel');
  if (!kernel || !recurrent)
    throw new KerasFormatError(
      `${where}: SimpleRNN "${rnnName}" lacks kernel or recurrent_kernel weights (found ${[...(rw?.keys() ?? [])].join(', ') || 'none'})`,
    );
  if (!dKernel)
    throw new KerasFormatError(
      `${where}: Dense "${denseName}" has no kernel weight (found ${[...(dw?.keys() ?? [])].join(', ') || 'none'})`,
    );
  const [I, N] = kernel.shape;
  const [N2, O] = dKernel.shape;
  if (I === undefined || N === undefined || kernel.shape.length !== 2)
    throw new KerasFormatError(
      `${where}: SimpleRNN kernel has shape [${kernel.shape.join(', ')}], expected [inputs, units]`,
    );
  if (recurrent.shape.length !== 2 || recurrent.shape[0] !== N || recurrent.shape[1] !== N)
    throw new KerasFormatError(
      `${where}: SimpleRNN recurrent_kernel has shape [${recurrent.shape.join(', ')}], expected [${N}, ${N}]`,
    );
  if (O === undefined || N2 !== N || dKernel.shape.length !== 2)
    throw new KerasFormatError(
      `${where}: Dense kernel has shape [${dKernel.shape.join(', ')}], expected [${N}, outputs] to follow a SimpleRNN of ${N} units`,
    );
  const bias = rw?.get('bias');
  if (bias && bias.data.length !== N)
    throw new KerasFormatError(`${where}: SimpleRNN bias has ${bias.data.length} values, expected ${N}`);
  const dBias = dw?.get('bias');
  if (dBias && dBias.data.length !== O)
    throw new KerasFormatError(`${where}: Dense bias has ${dBias.data.length} values, expected ${O}`);

  const kerasVersion = asString(attr(file, 'keras_version')) ?? asString(attr(wg, 'keras_version'));
  const trainingText = asString(attr(file, 'training_config'));
  let trainingConfig: unknown;
  if (trainingText !== undefined) {
    try {
      trainingConfig = JSON.parse(trainingText);
    } catch {
      trainingConfig = trainingText;
    }
  }
  const model: Model = {
    cell: 'ctrnn',
    N,
    inputSize: I,
    outputSize: O,
    alpha: 1,
    activation,
    useBias: bias !== undefined,
    noiseSigma: 0,
    weights: {
      W_rec: transpose(recurrent.data, N, N),
      W_in: transpose(kernel.data, I, N),
      W_out: transpose(dKernel.data, N, O),
      b: bias ? Float32Array.from(bias.data) : new Float32Array(N),
      b_out: dBias ? Float32Array.from(dBias.data) : new Float32Array(O),
    },
    seed: 0,
    provenance: {
      block: 'model.load',
      source: where,
      format: 'keras-hdf5',
      seed: 'unknown (Keras file; 0 recorded)',
      ...(kerasVersion !== undefined ? { kerasVersion } : {}),
      layers: { rnn: rnnName, dense: denseName },
      ...(layers
        ? {
            recurrentInitializer: rnnConfig['recurrent_initializer'],
            kernelInitializer: rnnConfig['kernel_initializer'],
          }
        : {}),
      ...(trainingConfig !== undefined ? { trainingConfig } : {}),
    },
    // Keras writes training_config only for a compiled model: the authors' trained nets have it,
    // their "_initial" saves do not. The dataset itself is not in the file.
    ...(trainingConfig !== undefined
      ? {
          trainedOn: {
            source: where,
            format: 'keras-hdf5',
            note: 'compiled (trained) in Keras; the training dataset is not recorded in the file',
          },
        }
      : {}),
  };
  restoreCortexflowFields(model, asString(attr(file, 'cortexflow_model')));
  return { model, warnings };
}
