/**
 * Fixed points of the authors' trained multitask networks (github katejarne/multitasking_RNN,
 * Examples/*\/ok/*.hdf5) under the zero input and each context level held on, starts sampled on the
 * 3-task probe's trajectories. Prints the rows of docs/original-networks.md.
 *
 *     npx tsx nodes/analysis/tools/authors-fixed-points.ts /path/to/multitasking_RNN/Examples [starts]
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runBlock } from '../../../core/index.ts';
import { authorsThreeTaskDataset } from './three-task.ts';
import { loadModelFile } from '../../model/load.ts';
import { simRun } from '../../sim/run.ts';
import type { FixedPoints, Trajectories } from '../../ports/index.ts';
import { fixedPointsBlock } from '../fixed-points.ts';

const root = process.argv[2] ?? '/tmp/authors-nets/multitasking_RNN/Examples';
const starts = Number(process.argv[3] ?? 1024);
const data = await authorsThreeTaskDataset(60, 60);
process.stdout.write(
  '| network | input | points | stable | saddle | unstable | largest \\|lambda\\| of the stable points | q range | time |\n|---|---|---|---|---|---|---|---|---|\n',
);
for (const dir of readdirSync(root).sort()) {
  const ok = join(root, dir, 'ok');
  if (!existsSync(ok)) continue;
  const file = readdirSync(ok).find((x) => x.endsWith('.hdf5'));
  if (!file) continue;
  const { model } = await loadModelFile(join(ok, file));
  const traj = (await runBlock<{ trajectories: Trajectories }>(simRun, { inputs: { model, dataset: data } })).outputs
    .trajectories;
  const t0 = Date.now();
  const r = await runBlock<{ points: FixedPoints }>(fixedPointsBlock, {
    inputs: { model, trajectories: traj },
    params: { starts },
  });
  const secs = (Date.now() - t0) / 1000;
  for (const inp of r.outputs.points.inputs ?? []) {
    const pts = r.outputs.points.points.filter((p) => p.inputLabel === inp.label);
    const n = (s: string) => pts.filter((p) => p.stability === s).length;
    const st = pts.filter((p) => p.stability === 'stable').map((p) => p.maxAbsEigenvalue.toFixed(3));
    const qs = pts.map((p) => p.q);
    process.stdout.write(
      `| ${dir} (N = ${model.N}) | ${inp.label} | ${pts.length} | ${n('stable')} | ${n('saddle')} | ${n('unstable')} | ${st.join(', ')} | ${qs.length ? `${Math.min(...qs).toExponential(0)}-${Math.max(...qs).toExponential(0)}` : ''} | ${secs.toFixed(0)} s (all inputs) |\n`,
    );
  }
  process.stderr.write(`${dir}: ${r.warnings.join('; ')}\n`);
}
