/**
 * Write the time-to-criterion data (and each seed's initial weights) to a folder, so recipes can be
 * explored by hand with ttc.ts / torch_ttc.py without rebuilding the dataset every run.
 *
 * usage: bin/tsx.mjs bench/peers/ttc-prepare.ts DIR N[,N...] SEED[,SEED...] [RECIPE_JSON] [STEPS]
 * (RECIPE_JSON: the recipe's initialisation choices, e.g. '{"gain":1.1}', and its batchSize (256),
 * for the batch sequence of each seed over STEPS steps (6000) that the PyTorch peer replays)
 */
import {
  threeTaskDataset,
  writeBatchOrder,
  writeDataset,
  writeInitialWeights,
  type InitChoice,
} from './ttc-data.ts';

const [dir, ns, seeds, initArg, stepsArg] = process.argv.slice(2);
const init = JSON.parse(initArg ?? '{}') as InitChoice & { batchSize?: number };
if (!dir || !ns || !seeds) throw new Error('usage: ttc-prepare.ts DIR N[,N...] SEED[,SEED...]');
const ds = await threeTaskDataset();
writeDataset(dir, ds, 10);
for (const N of ns.split(',').map(Number))
  for (const seed of seeds.split(',').map(Number)) writeInitialWeights(dir, ds, N, seed, init);
for (const seed of seeds.split(',').map(Number))
  writeBatchOrder(dir, ds, seed, init.batchSize ?? 256, Number(stepsArg ?? 6000));
