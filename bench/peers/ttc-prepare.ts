/**
 * Write the time-to-criterion data (and each seed's initial weights) to a folder, so recipes can be
 * explored by hand with ttc.ts / torch_ttc.py without rebuilding the dataset every run.
 *
 * usage: bin/tsx.mjs bench/peers/ttc-prepare.ts DIR N[,N...] SEED[,SEED...]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy } from '../../nodes/lib/npy.ts';
import { createCtrnn } from '../../nodes/model/ctrnn.ts';
import { threeTaskDataset, writeDataset } from './ttc-data.ts';

const [dir, ns, seeds] = process.argv.slice(2);
if (!dir || !ns || !seeds) throw new Error('usage: ttc-prepare.ts DIR N[,N...] SEED[,SEED...]');
const ds = await threeTaskDataset();
writeDataset(dir, ds, 10);
for (const N of ns.split(',').map(Number))
  for (const seed of seeds.split(',').map(Number)) {
    const w = createCtrnn(
      {
        N,
        inputSize: ds.channels,
        outputSize: ds.outputs,
        alpha: 1,
        activation: 'tanh',
        useBias: false,
        recurrentInit: 'orthogonal',
        gain: 1,
        inputInit: 'glorot-uniform',
        outputInit: 'glorot-uniform',
        noiseSigma: 0,
        seed,
      },
      { bench: 'ttc' },
    ).weights;
    writeFileSync(join(dir, `W_rec_${N}_${seed}.npy`), encodeNpy(w.W_rec, [N, N]));
    writeFileSync(join(dir, `W_in_${N}_${seed}.npy`), encodeNpy(w.W_in, [N, ds.channels]));
    writeFileSync(join(dir, `W_out_${N}_${seed}.npy`), encodeNpy(w.W_out, [ds.outputs, N]));
  }
