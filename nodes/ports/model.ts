/** The `Model` port type; the model's data types and checks are in model-data.ts (no import circle with model/format.ts). */
export * from './model-data.ts';
import type { Model } from './model-data.ts';
import { definePortType } from '../../core/index.ts';
import { modelArtifacts } from '../model/format.ts';

/**
 * The `Model` port type. Artifacts: `PORT/model.json` (hyperparameters, seed, provenance, trainedOn
 * and a tfjs weights manifest) and `PORT/weights.bin` (little-endian float32); `model.load` reads
 * them back bit-exactly. See docs/models.md.
 */
export const ModelPort = definePortType<Model>({
  name: 'Model',
  description: 'A recurrent network: hyperparameters and weights.',
  color: '#ee6677',
  summarize: (m) =>
    `${m.cell} N=${m.N}, ${m.inputSize} in / ${m.outputSize} out, alpha=${m.alpha}, ${m.activation}${m.trainedOn ? ', trained' : ''}`,
  artifacts: (m) => modelArtifacts(m),
});
