/**
 * Runtime overhead: a 100-node pipeline of trivial blocks (a chain, and a wide fan-in), run end to
 * end through validation, planning and execution; reported as ms per node.
 */
import { lastValueFrom, toArray } from 'rxjs';
import { execute, loadPipeline, RunCache } from '../core/index.ts';
import { testRegistry } from '../test/fixtures/blocks.ts';
import type { BenchRow, BenchSuite } from './types.ts';

function chain(n: number): unknown {
  const nodes = [{ id: 'n0', type: 'test.const', params: { value: 1 } }];
  const edges = [];
  for (let i = 1; i < n; i++) {
    nodes.push({ id: `n${i}`, type: 'test.slow', params: { steps: 1, ms: 0 } } as never);
    edges.push({ from: { node: `n${i - 1}`, port: 'value' }, to: { node: `n${i}`, port: 'x' } });
  }
  return { format: 'cortexflow/pipeline', version: 1, name: 'chain', nodes, edges };
}

function wide(n: number): unknown {
  const nodes: Array<{ id: string; type: string; params?: Record<string, unknown> }> = [];
  const edges = [];
  for (let i = 0; i < n - 1; i++) {
    nodes.push({ id: `c${i}`, type: 'test.const', params: { value: i } });
    edges.push({ from: { node: `c${i}`, port: 'value' }, to: { node: 'sum', port: 'values' } });
  }
  nodes.push({ id: 'sum', type: 'test.sum' });
  return { format: 'cortexflow/pipeline', version: 1, name: 'wide', nodes, edges };
}

async function time(doc: unknown, reps: number, cache?: RunCache): Promise<number> {
  const reg = testRegistry();
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const loaded = loadPipeline(doc, reg);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    await lastValueFrom(execute(loaded.pipeline, cache ? { cache } : {}).pipe(toArray()));
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}

const suite: BenchSuite = async ({ quick }) => {
  const reps = quick ? 5 : 20;
  const n = 100;
  const rows: BenchRow[] = [];
  // test.slow with ms 0 still waits one timer tick per node: report the pure overhead with the
  // const/sum pipeline and the timer-bound chain separately.
  const wideMs = await time(wide(n), reps);
  rows.push({
    suite: 'runtime',
    name: `100-node fan-in of trivial blocks (load+plan+run)`,
    value: wideMs / n,
    unit: 'ms/node',
    note: `${wideMs.toFixed(1)} ms total`,
  });
  const chainMs = await time(chain(n), reps);
  rows.push({
    suite: 'runtime',
    name: `100-node chain (each node waits one timer tick)`,
    value: chainMs / n,
    unit: 'ms/node',
    note: `${chainMs.toFixed(1)} ms total`,
  });
  const cache = new RunCache();
  await time(wide(n), 1, cache);
  const cachedMs = await time(wide(n), reps, cache);
  rows.push({
    suite: 'runtime',
    name: `100-node fan-in, all cached`,
    value: cachedMs / n,
    unit: 'ms/node',
    note: `${cachedMs.toFixed(1)} ms total`,
  });
  return rows;
};
export default suite;
