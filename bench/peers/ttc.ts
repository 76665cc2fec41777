/**
 * One time-to-criterion run of OUR trainer (a child process of the trainer bench, so its max RSS is
 * its own). Reads the data written by ttc-data.ts, initialises with model.ctrnn's init for the seed,
 * (the same weights writeInitialWeights gives the PyTorch peer), trains with the recipe, prints one JSON line.
 *
 * usage: ttc.ts DIR N SEED '{"lr":1e-4,"batchSize":256,...}' MAX_SECONDS
 */
import { describeBackend, useBackend } from '../../nodes/lib/tf.ts';
import { gradientPool } from '../../nodes/train/pool.ts';
import { trainModel, type TrainOptions } from '../../nodes/train/trainer.ts';
import { cellConfig } from '../../nodes/train/bptt.ts';
import { checkCriterion } from '../../nodes/train/criterion.ts';
import { forwardJs, readoutJs } from '../../nodes/train/bptt-js.ts';
import { gatherBatch, packTheta, range } from '../../nodes/train/layout.ts';
import type { Model } from '../../nodes/ports/model.ts';
import { BlockError } from '../../core/block.ts';
import { initialModel, readDataset, type InitChoice } from './ttc-data.ts';

const [dir, nArg, seedArg, recipeArg, maxSecArg] = process.argv.slice(2);
if (!dir || !nArg || !seedArg || !recipeArg || !maxSecArg)
  throw new Error('usage: ttc.ts DIR N SEED RECIPE_JSON MAX_SECONDS');
const N = Number(nArg);
const seed = Number(seedArg);
const recipe = JSON.parse(recipeArg) as Partial<TrainOptions> & InitChoice & { workers?: 1 | 2 };
const ds = readDataset(dir);
const model = initialModel(ds, N, seed, recipe);
const info = await useBackend(process.env['CORTEXFLOW_BACKEND'] ?? 'wasm');
const options: TrainOptions = {
  lr: 1e-4,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  decay: 1e-4,
  batchSize: 256,
  epochs: 1000,
  maxSteps: 1_000_000,
  clipNorm: 0,
  validateEvery: 0,
  lossThreshold: 0,
  criterionEvery: 50,
  stopAtCriterion: true,
  criterionTolerance: 0.3,
  criterionDelay: 10,
  checkpointEvery: 0,
  seed,
  gradient: 'hand',
  ...recipe,
};
const pool = await gradientPool(model, recipe.workers ?? 1, {
  platform: 'node',
  backend: info.backend,
  batchSize: options.batchSize,
});
const ac = new AbortController();
const timer = setTimeout(() => ac.abort(), Number(maxSecArg) * 1000);
const t0 = performance.now();
let last = { step: 0, passed: 0, total: 0 };
let result: Record<string, unknown>;
let final: Model = model;
try {
  const r = await trainModel(model, ds, options, {
    backend: describeBackend(info),
    signal: ac.signal,
    ...(pool ? { gradient: pool.gradient } : {}),
    progress: (step, _max, m) => {
      if (m['criterionPassed'] !== undefined) {
        last = { step, passed: m['criterionPassed'], total: m['criterionTotal'] ?? 0 };
        process.stderr.write(
          `ttc ours N=${N} seed=${seed}: step ${step} loss ${m['loss']?.toPrecision(3)} criterion ${last.passed}/${last.total} ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
        );
      }
    },
  });
  final = r.model;
  result = {
    met: r.history.criterionMetAt !== undefined,
    steps: r.history.criterionMetAt ?? r.history.totalSteps,
    seconds: r.history.totalMs / 1000,
  };
} catch (e) {
  if (!(e instanceof BlockError) && !(e instanceof Error && e.name === 'AbortError')) throw e;
  // A diverged run (BlockError) counts as not met; its message goes to the log.
  if (e instanceof BlockError) process.stderr.write(`ttc ours N=${N} seed=${seed}: ${e.message}\n`);
  final = e instanceof BlockError ? ((e.outputs?.['model'] as Model | undefined) ?? model) : model;
  result = { met: false, steps: last.step, seconds: (performance.now() - t0) / 1000 };
}
clearTimeout(timer);
// Which probe conditions fail, with the final weights (only known when training returned normally).
const probe = ds.probe;
let failing: Array<{ key: string; jitter: number; maxError: number }> = [];
if (probe && final !== model) {
  const c = cellConfig(final);
  const th = packTheta(final);
  const pb = gatherBatch(probe, range(0, probe.samples));
  const y = readoutJs(c, th, forwardJs(c, th, pb).H, pb.T * pb.B);
  const r = checkCriterion(probe, y, { tolerance: options.criterionTolerance, delay: options.criterionDelay });
  failing = r.met.flatMap((m, s) =>
    m
      ? []
      : [
          {
            key: probe.conditions[s]?.key ?? '?',
            jitter: probe.conditions[s]?.jitter ?? 0,
            maxError: r.maxError[s] ?? NaN,
          },
        ],
  );
}
await pool?.close();
process.stdout.write(
  JSON.stringify({
    side: 'ours',
    backend: info.backend,
    N,
    seed,
    ...result,
    last,
    failing,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    threads: pool?.threads ?? 1,
  }) + '\n',
);
