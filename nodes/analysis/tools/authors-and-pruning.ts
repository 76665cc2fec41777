/**
 * Magnitude pruning of the authors' trained AND networks (github katejarne/RNN_study_with_keras,
 * code_paper_rep/Networks_and_files/networks/AND), on `task.and`'s noise-free probe; prints the rows
 * of docs/original-networks.md.
 *
 *     npx tsx nodes/analysis/tools/authors-and-pruning.ts /path/to/networks/AND
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runBlock } from '../../../core/index.ts';
import { andTask } from '../../tasks/index.ts';
import { loadModelFile } from '../../model/load.ts';
import type { Dataset, PruningCurve } from '../../ports/index.ts';
import { moments } from '../linalg.ts';
import { pruneBlock } from '../prune.ts';

const root = process.argv[2] ?? '/tmp/authors-nets/RNN_study_with_keras/code_paper_rep/Networks_and_files/networks/AND';
const ds = (await runBlock<{ dataset: Dataset }>(andTask, { params: { samples: 50, seed: 1 } })).outputs.dataset;
const fractions = [0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.14, 0.2, 0.36];
const cols: Array<{ name: string; cells: string[]; ok: string }> = [];
for (const d of readdirSync(root).sort()) {
  if (!existsSync(join(root, d))) continue;
  const f = readdirSync(join(root, d)).find((x) => x.startsWith('and_weights') && x.endsWith('.hdf5'));
  if (!f) continue;
  const { model } = await loadModelFile(join(root, d, f));
  const r = await runBlock<{ curve: PruningCurve }>(pruneBlock, {
    inputs: { model, dataset: ds },
    params: { fractions, variants: ['all', 'random'], engine: 'js' },
  });
  const [mag, rnd] = r.outputs.curve.curves;
  cols.push({
    name: `${d} (N = ${model.N}, std ${moments(model.weights.W_rec).std.toFixed(3)})`,
    cells: mag!.points.map(
      (p) =>
        `< ${p.threshold.toFixed(4)}: **${p.meanDistance.toFixed(2)}** (${p.distance.map((x) => x.toFixed(2)).join(', ')})${p.accuracy.every((a) => a >= 1) ? '' : ' wrong'}`,
    ),
    ok: `${Math.round(100 * mag!.maxFractionOk)} % / ${Math.round(100 * rnd!.maxFractionOk)} %`,
  });
}
process.stdout.write(`| removed | ${cols.map((c) => c.name).join(' | ')} |\n|---|${cols.map(() => '---|').join('')}\n`);
fractions.forEach((fr, i) =>
  process.stdout.write(`| ${Math.round(100 * fr)} % | ${cols.map((c) => c.cells[i]).join(' | ')} |\n`),
);
process.stdout.write(`| all correct up to (magnitude / random) | ${cols.map((c) => c.ok).join(' | ')} |\n`);
