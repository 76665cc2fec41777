/**
 * Task library: time and memory to generate the authors' multitask dataset (3 x 15,050 trials of
 * AND / OR / XOR, T = 290, 3 channels) with the context multiplexer. Goal: under 2 s, and memory =
 * the typed arrays plus little else.
 */
import { runBlock } from '../core/index.ts';
import { andTask, orTask, xorTask } from '../nodes/tasks/index.ts';
import { contextMux } from '../nodes/context/index.ts';
import type { Dataset } from '../nodes/ports/index.ts';
import os from 'node:os';
import type { BenchRow, BenchSuite } from './types.ts';

function typedBytes(d: Dataset): number {
  let b = d.inputs.byteLength + d.targets.byteLength + d.mask.byteLength;
  if (d.probe) b += typedBytes(d.probe);
  return b;
}

const MB = 2 ** 20;

const suite: BenchSuite = async ({ quick }) => {
  const samples = quick ? 1505 : 15050;
  const rows: BenchRow[] = [];
  const label = `3 x ${samples} trials, T = 290`;
  // Warm-up on a small size so the JIT is not measured.
  {
    const small = [];
    for (const b of [andTask, orTask, xorTask])
      small.push((await runBlock<{ dataset: Dataset }>(b, { params: { samples: 200, baseline: 0 } })).outputs.dataset);
    await runBlock(contextMux, { inputs: { tasks: small }, params: { T: 290 } });
  }
  (globalThis as { gc?: () => void }).gc?.();
  const m0 = process.memoryUsage();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const tasks: Dataset[] = [];
  for (const [b, seed] of [
    [andTask, 1],
    [orTask, 2],
    [xorTask, 3],
  ] as const)
    tasks.push((await runBlock<{ dataset: Dataset }>(b, { params: { samples, seed, baseline: 0 } })).outputs.dataset);
  const t1 = performance.now();
  const mux = (await runBlock<{ dataset: Dataset }>(contextMux, { inputs: { tasks }, params: { T: 290 } })).outputs
    .dataset;
  const t2 = performance.now();
  const c1 = process.cpuUsage(c0);
  const m1 = process.memoryUsage();
  const arrays = tasks.reduce((a, d) => a + typedBytes(d), 0) + typedBytes(mux);
  rows.push(
    { suite: 'tasks', name: `AND+OR+XOR generation, ${label}`, value: (t1 - t0) / 1000, unit: 's' },
    { suite: 'tasks', name: `context.mux (3-task scheme), ${label}`, value: (t2 - t1) / 1000, unit: 's' },
    {
      suite: 'tasks',
      name: `total, ${label}`,
      value: (t2 - t0) / 1000,
      unit: 's',
      note: quick ? 'quick size' : 'goal < 2 s',
    },
    {
      suite: 'tasks',
      name: `total CPU time (user + system), ${label}`,
      value: (c1.user + c1.system) / 1e6,
      unit: 's',
      note: `load average ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores: wall time above is inflated by other work`,
    },
    { suite: 'tasks', name: 'typed arrays held (3 task datasets + multitask)', value: arrays / MB, unit: 'MiB' },
    {
      suite: 'tasks',
      name: 'process arrayBuffers growth',
      value: (m1.arrayBuffers - m0.arrayBuffers) / MB,
      unit: 'MiB',
      ratio: (m1.arrayBuffers - m0.arrayBuffers) / arrays,
      peer: 'typed arrays',
    },
    {
      suite: 'tasks',
      name: 'process RSS growth',
      value: (m1.rss - m0.rss) / MB,
      unit: 'MiB',
      ratio: (m1.rss - m0.rss) / arrays,
      peer: 'typed arrays',
    },
    { suite: 'tasks', name: 'JS heap growth (labels, objects)', value: (m1.heapUsed - m0.heapUsed) / MB, unit: 'MiB' },
  );
  if (mux.samples !== 3 * samples || mux.T !== 290)
    throw new Error(`unexpected multitask dataset: ${mux.samples} x ${mux.T}`);
  return rows;
};

export default suite;
