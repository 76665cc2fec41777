/**
 * `model.save`: a model written as a file Python users load (Keras HDF5, safetensors, .npz). The file
 * is the block's output, so it lands in the run's results folder like every other artifact
 * (`<out>/<node>/file/model.h5`): a pipeline cannot make cortexflow write anywhere else.
 */
import { defineBlock, definePortType, input, oneOf, schema } from '../../core/index.ts';
import { ModelPort } from '../ports/index.ts';
import { EXPORT_EXTENSIONS, EXPORT_FORMATS, exportModel, kerasRefusal, type ExportFormat } from './export.ts';

/** A model exported to a file format: written as `model.<ext>` in the port's folder. */
export interface ExportedModelFile {
  format: ExportFormat;
  /** File name, `model.h5`, `model.safetensors` or `model.npz`. */
  name: string;
  bytes: Uint8Array;
}

const MEDIA: Record<ExportFormat, string> = {
  keras: 'application/x-hdf5',
  safetensors: 'application/octet-stream',
  npz: 'application/zip',
};

/** The port type of an exported model file. */
export const ModelFilePort = definePortType<ExportedModelFile>({
  name: 'ModelFile',
  description: 'A model exported for Python (Keras HDF5, safetensors or .npz); see docs/python.md.',
  color: '#aa3377',
  summarize: (f) => `${f.name} (${f.format}, ${f.bytes.length} bytes)`,
  artifacts: (f) => [{ suffix: `/${f.name}`, data: f.bytes, mediaType: MEDIA[f.format] }],
});

export const modelSave = defineBlock({
  type: 'model.save',
  version: 1,
  title: 'Save model for Python',
  category: 'Model',
  description:
    'Writes the model as a file Python reads (docs/python.md): Keras 2 HDF5 (SimpleRNN + Dense; alpha = 1 only, since ' +
    "SimpleRNN has no leak), safetensors or NumPy .npz with the tensor names of a PyTorch nn.RNN ('rnn.weight_ih_l0', ...) " +
    "and nn.Linear ('linear.weight', 'linear.bias') and alpha, activation and noise in the metadata. The file goes into the " +
    'results folder with the other outputs. The same as `cortexflow export MODEL --to FORMAT`.',
  inputs: { model: input(ModelPort) },
  outputs: { file: ModelFilePort },
  params: schema({
    format: oneOf(EXPORT_FORMATS, 'safetensors', {
      description:
        'keras: model.h5 for keras.models.load_model (alpha = 1 only); safetensors: model.safetensors; npz: model.npz for np.load.',
    }),
  }),
  run: async ({ params, inputs, warn }) => {
    const model = inputs.model;
    if (params.format === 'keras') {
      const why = kerasRefusal(model);
      if (why !== undefined) throw new Error(`format: cannot write Keras: ${why}`);
    }
    const out = await exportModel(model, params.format);
    for (const w of out.warnings) warn(w);
    return { file: { format: out.format, name: `model${EXPORT_EXTENSIONS[out.format]}`, bytes: out.bytes } };
  },
});
