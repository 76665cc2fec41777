/** Built-in blocks of the "model" family. */
import type { AnyBlock } from '../../core/index.ts';
import { modelCtrnn } from './ctrnn.ts';
import { modelLoad } from './load.ts';
import { modelSave } from './save.ts';

export const modelBlocks: AnyBlock[] = [modelCtrnn, modelLoad, modelSave];

export { modelCtrnn, createCtrnn, type CtrnnOptions } from './ctrnn.ts';
export { modelLoad, modelFromFiles, loadModelFile, loadModelUrl, isUrl, type ModelFile } from './load.ts';
export { modelFromKerasH5, isHdf5 } from './keras.ts';
export { modelSave, ModelFilePort, type ExportedModelFile } from './save.ts';
export {
  exportModel,
  toKerasH5,
  toSafetensors,
  toNpz,
  kerasRefusal,
  EXPORT_FORMATS,
  EXPORT_EXTENSIONS,
  type ExportFormat,
  type ExportedModel,
} from './export.ts';
export { encodeModel, decodeModel, modelArtifacts, type SavedModel, type SavedModelJson } from './format.ts';
export { describeDataset, type DatasetDescription } from './describe.ts';
export { simulate, activations, type SimulationResult } from './simulate.ts';
