/**
 * Run the analyses on the authors' published multitask networks (Keras HDF5, github
 * katejarne/multitasking_RNN, folder Examples) and print the table of docs/original-networks.md.
 *
 *     npx tsx nodes/analysis/tools/authors-nets.ts /path/to/multitasking_RNN/Examples
 *
 * Their files are never copied into the project. For each network folder: the initial network
 * (`_N_00_initial.hdf5`) and the trained one the authors kept (`ok/*.hdf5`).
 */
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { authorsThreeTaskDataset } from './three-task.ts';
import { loadModelFile } from '../../model/load.ts';
import type { Dataset } from '../../ports/index.ts';
import { spectrumOf, eigenMatrix } from '../eigen.ts';
import { matrixStats } from '../weight-stats.ts';
import { pcaAnalysis } from '../pca.ts';
import { runSimulation } from '../../sim/run.ts';

const root = process.argv[2] ?? '/tmp/authors-nets/multitasking_RNN/Examples';

async function probe(): Promise<Dataset> {
  const p = (await authorsThreeTaskDataset(60, 60)).probe;
  if (!p) throw new Error('context.mux gave no probe');
  return p;
}

/** The first `n` trials of a dataset (the probe is jitter-major: the first 12 are jitter 1). */
function head(d: Dataset, n: number): Dataset {
  return {
    ...d,
    samples: n,
    conditions: d.conditions.slice(0, n),
    inputs: d.inputs.slice(0, n * d.T * d.channels),
    targets: d.targets.slice(0, n * d.T * d.outputs),
    mask: d.mask.slice(0, n * d.T),
  };
}

const f = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : String(v));
const pct = (r: number[]) => (100 * r.slice(0, 3).reduce((a, b) => a + b, 0)).toFixed(1);

const p36 = await probe();
const p12 = head(p36, 12);
const rows: string[] = [];
rows.push(
  '| network | N | state | radius | outside (>1.01) | dominant lambda | f tangent / atan2 (cycles/step) | Henrici | W_rec mean | W_rec std (x sqrt N) | skew | ex. kurtosis | PCA top 3, 12 cond (d=1) | PCA top 3, 36 cond | correct (36) |',
);
rows.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const dir of readdirSync(root).sort()) {
  const ok = join(root, dir, 'ok');
  const init = join(root, dir, '_N_00_initial.hdf5');
  if (!existsSync(ok) || !existsSync(init)) continue;
  const trainedFile = readdirSync(ok).find((x) => x.endsWith('.hdf5'));
  if (!trainedFile) continue;
  for (const [state, file] of [
    ['initial', init],
    [`trained (${trainedFile})`, join(ok, trainedFile)],
  ] as const) {
    const { model } = await loadModelFile(file);
    const s = spectrumOf(eigenMatrix(model, 'W_rec'), model.N, { matrix: 'W_rec', label: state, tolerance: 0.01 });
    const m = matrixStats('W_rec', model.weights.W_rec, 100, false);
    const t36 = (await runSimulation(model, p36, { conditions: 'all', label: state })).trajectories;
    const t12 = (await runSimulation(model, p12, { conditions: 'all', label: state })).trajectories;
    const pca12 = pcaAnalysis(t12, 3);
    const pca36 = pcaAnalysis(t36, 3);
    const correct = t36.accuracy.filter((a) => a >= 1).length;
    rows.push(
      `| ${dir} | ${model.N} | ${state} | ${f(s.radius)} | ${s.outside} | ${f(s.dominant.re)} ${s.dominant.im >= 0 ? '+' : '-'} ${f(Math.abs(s.dominant.im))}i | ${f(s.dominant.freqTangent, 4)} / ${f(s.dominant.freqAtan2, 4)} | ${f(s.henrici)} | ${f(m.mean, 4)} | ${f(m.std * Math.sqrt(model.N))} | ${f(m.skewness)} | ${f(m.excessKurtosis)} | ${pct(pca12.explainedVarianceRatio)} % | ${pct(pca36.explainedVarianceRatio)} % | ${correct}/36 |`,
    );
    process.stderr.write(`${dir} ${state} done\n`);
  }
}
process.stdout.write(rows.join('\n') + '\n');
