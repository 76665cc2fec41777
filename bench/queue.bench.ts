/**
 * Distributed sweeps (issue 17), with real processes and a redis-server of our own:
 * - throughput: a 40-run sweep of a short pipeline (the test fixture `seeded.json`: two tiny blocks,
 *   so each run is a whole `cortexflow run` process, ~1.5 s of CPU, nothing slept) with 1 worker
 *   vs 2 workers (one process each), the same sweep in local mode with 1 and 2 processes;
 * - per-job queue overhead from the submitter's queue-runs.json: queue pickup (worker free -> job
 *   taken), worker dispatch (taken -> child started), and finish -> row at the submitter;
 * - faults with counts: a worker SIGKILLed mid-run, a run that throws, Redis restarted (AOF), a
 *   worker SIGTERMed; then a simulated cluster of 8 workers, 200 runs, two killed at random moments.
 * `--quick` shrinks every size (smoke only).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliProcess, haveRedis, RedisProcess, starts, worker } from '../test/integration/queue-helpers.ts';
import type { BenchRow, BenchSuite } from './types.ts';

const PLUGIN = 'test/fixtures/test-plugin.ts';
const PIPE = 'test/fixtures/pipelines/seeded.json';
const tmp = (p: string): string => mkdtempSync(join(tmpdir(), p));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface QueueRun {
  run: string;
  state: string;
  worker?: string;
  addedAt?: number;
  processedAt?: number;
  childStartedAt?: number;
  childExitedAt?: number;
  finishedAt?: number;
  rowAt?: number;
}
interface Row {
  run: string;
  status: string;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2 : NaN;
};

async function startWorkers(url: string, store: string, n: number, extra: string[] = []): Promise<CliProcess[]> {
  const ws = Array.from({ length: n }, () => worker(url, store, ['--plugin', PLUGIN, ...extra]));
  for (const w of ws) await w.waitFor(/serving/, 120_000);
  return ws;
}

function submitter(url: string, out: string, seeds: string, extra: string[] = []): CliProcess {
  return new CliProcess(['sweep', PIPE, '--plugin', PLUGIN, '--queue', url, '--out', out, '--seeds', seeds, ...extra]);
}

/** A 40-run sweep on `workers` queue workers; wall time and overheads. */
async function queueSweep(runs: number, workers: number): Promise<{ wallS: number; log: QueueRun[] }> {
  const redis = await RedisProcess.start({ appendonly: true });
  const store = tmp('cf-bq-store-');
  const out = tmp('cf-bq-out-');
  const ws = await startWorkers(redis.url, store, workers);
  try {
    const t0 = Date.now();
    const s = submitter(redis.url, out, `1..${runs}`);
    const code = await s.exited;
    const wallS = (Date.now() - t0) / 1000;
    if (code !== 0) throw new Error(`queue sweep exited ${code}: ${s.stderr.slice(-1000)}`);
    const log = (JSON.parse(readFileSync(join(out, 'queue-runs.json'), 'utf8')) as { runs: QueueRun[] }).runs;
    return { wallS, log };
  } finally {
    await Promise.all(ws.map((w) => w.stop('SIGTERM')));
    await redis.down();
  }
}

async function localSweep(runs: number, workers: number): Promise<number> {
  const t0 = Date.now();
  const s = new CliProcess([
    'sweep',
    PIPE,
    '--plugin',
    PLUGIN,
    '--seeds',
    `1..${runs}`,
    '--workers',
    String(workers),
    '--out',
    tmp('cf-bl-'),
  ]);
  const code = await s.exited;
  if (code !== 0) throw new Error(`local sweep exited ${code}: ${s.stderr.slice(-1000)}`);
  return (Date.now() - t0) / 1000;
}

function overheads(log: QueueRun[]): { pickupMs: number; dispatchMs: number; rowMs: number; firstStartMs: number } {
  const pickups: number[] = [];
  const byWorker = new Map<string, QueueRun[]>();
  for (const r of log) if (r.worker) byWorker.set(r.worker, [...(byWorker.get(r.worker) ?? []), r]);
  for (const rs of byWorker.values()) {
    rs.sort((a, b) => (a.processedAt ?? 0) - (b.processedAt ?? 0));
    for (let i = 1; i < rs.length; i++)
      pickups.push((rs[i]?.processedAt ?? 0) - Math.max(rs[i]?.addedAt ?? 0, rs[i - 1]?.finishedAt ?? 0));
  }
  const first =
    Math.min(...log.map((r) => r.processedAt ?? Infinity)) - Math.min(...log.map((r) => r.addedAt ?? Infinity));
  return {
    pickupMs: median(pickups),
    dispatchMs: median(log.map((r) => (r.childStartedAt ?? 0) - (r.processedAt ?? 0))),
    rowMs: median(log.map((r) => (r.rowAt ?? 0) - (r.finishedAt ?? 0))),
    firstStartMs: first,
  };
}

/** Fault scenario: the counts the issue asks for. */
interface Counts {
  submitted: number;
  rows: number;
  distinctRows: number;
  failedRows: number;
  startedMoreThanOnce: number;
  lost: number;
  wallS: number;
}

async function fault(
  name: string,
  runs: number,
  nWorkers: number,
  extraSubmit: string[],
  workerExtra: string[],
  act: (ctx: { redis: RedisProcess; ws: CliProcess[]; s: CliProcess; store: string }) => Promise<void>,
): Promise<Counts & { name: string }> {
  const redis = await RedisProcess.start({ appendonly: true });
  const store = tmp('cf-bf-store-');
  const out = tmp('cf-bf-out-');
  const ws = await startWorkers(redis.url, store, nWorkers, workerExtra);
  const all = [...ws];
  try {
    const t0 = Date.now();
    const s = submitter(redis.url, out, `1..${runs}`, extraSubmit);
    await act({ redis, ws: all, s, store });
    const code = await s.exited;
    if (code !== 0 && code !== 1) throw new Error(`${name}: submitter exited ${code}: ${s.stderr.slice(-800)}`);
    const wallS = (Date.now() - t0) / 1000;
    const rows = (JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { runs: Row[] }).runs;
    const st = starts(all);
    const finished = rows.filter((r) => r.status === 'done' || r.status === 'failed');
    return {
      name,
      submitted: runs,
      rows: rows.length,
      distinctRows: new Set(rows.map((r) => r.run)).size,
      failedRows: rows.filter((r) => r.status === 'failed').length,
      startedMoreThanOnce: [...st.values()].filter((k) => k > 1).length,
      lost: runs - new Set(finished.map((r) => r.run)).size,
      wallS,
    };
  } finally {
    await Promise.all(all.map((w) => w.stop('SIGKILL')));
    await redis.down();
  }
}

const bench: BenchSuite = async ({ quick }) => {
  if (!haveRedis()) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
  const rows: BenchRow[] = [];
  // Each figure is printed as soon as it exists: a late failure does not lose the earlier ones.
  const push = (r: BenchRow): void => {
    rows.push(r);
    process.stderr.write(
      `  queue: ${r.name}: ${r.value} ${r.unit}${r.ratio !== undefined ? ` (ratio ${r.ratio.toFixed(3)} vs ${r.peer ?? ''})` : ''}${r.note ? ` [${r.note}]` : ''}\n`,
    );
  };
  const suite = 'queue';
  const N = quick ? 8 : 40;

  const local1 = await localSweep(N, 1);
  const local2 = await localSweep(N, 2);
  const q1 = await queueSweep(N, 1);
  const q2 = await queueSweep(N, 2);
  push({ suite, name: `local sweep, ${N} runs, 1 process`, value: local1, unit: 's' });
  push({
    suite,
    name: `local sweep, ${N} runs, 2 processes`,
    value: local2,
    unit: 's',
    peer: 'local 1 process',
    ratio: local1 / local2,
  });
  push({
    suite,
    name: `queue sweep, ${N} runs, 1 worker`,
    value: q1.wallS,
    unit: 's',
    peer: 'local 1 process',
    ratio: q1.wallS / local1,
  });
  push({
    suite,
    name: `queue sweep, ${N} runs, 2 workers`,
    value: q2.wallS,
    unit: 's',
    peer: 'queue 1 worker (speed-up)',
    ratio: q1.wallS / q2.wallS,
    note: 'target speed-up >= 1.8',
  });
  for (const [label, q] of [
    ['1 worker', q1],
    ['2 workers', q2],
  ] as const) {
    const o = overheads(q.log);
    push({
      suite,
      name: `queue pickup (worker free -> job taken), ${label}`,
      value: o.pickupMs,
      unit: 'ms median',
    });
    push({
      suite,
      name: `worker dispatch (job taken -> run started), ${label}`,
      value: o.dispatchMs,
      unit: 'ms median',
    });
    push({ suite, name: `finish -> row at the submitter, ${label}`, value: o.rowMs, unit: 'ms median' });
    push({ suite, name: `enqueue -> first job started, ${label}`, value: o.firstStartMs, unit: 'ms' });
  }

  const results: Array<Counts & { name: string }> = [];
  const attempt = async (p: Promise<Counts & { name: string }>): Promise<void> => {
    try {
      const r = await p;
      results.push(r);
      process.stderr.write(`  queue: fault ${JSON.stringify(r)}\n`);
    } catch (e) {
      push({ suite, name: 'fault scenario FAILED', value: NaN, unit: '', note: String(e).slice(0, 300) });
    }
  };
  await attempt(
    fault('worker SIGKILLed mid-run', quick ? 4 : 10, 2, ['--set', 's.ms=1500'], [], async ({ ws }) => {
      await ws[0]?.waitFor(/: start \S+ \(attempt 1\)/, 120_000);
      await sleep(700);
      await ws[0]?.stop('SIGKILL');
    }),
  );
  await attempt(
    fault(
      'a run throws (attempts 2)',
      quick ? 4 : 10,
      2,
      ['--set', 's.failOn=3', '--attempts', '2'],
      [],
      async () => {},
    ),
  );
  await attempt(
    fault(
      'Redis restarted mid-sweep (AOF)',
      quick ? 4 : 10,
      2,
      ['--set', 's.ms=500'],
      ['--lock-duration', '20000'],
      async ({ redis, ws }) => {
        await ws[0]?.waitFor(/: done /, 120_000);
        await redis.down();
        await sleep(1500);
        await redis.up();
      },
    ),
  );
  await attempt(
    fault('worker SIGTERMed mid-run', quick ? 4 : 10, 2, ['--set', 's.ms=1000'], [], async ({ ws }) => {
      await ws[0]?.waitFor(/: start \S+ \(attempt 1\)/, 120_000);
      ws[0]?.proc.kill('SIGTERM');
      await ws[0]?.exited;
    }),
  );
  await attempt(
    fault('8 workers, 2 SIGKILLed at random moments', quick ? 24 : 200, 8, [], [], async ({ ws }) => {
      const victims = [...ws].sort(() => Math.random() - 0.5).slice(0, 2);
      for (const v of victims) {
        await v.waitFor(/: start /, 300_000);
        await sleep(Math.random() * (quick ? 3000 : 20_000));
        await v.stop('SIGKILL');
      }
    }),
  );
  for (const r of results)
    push({
      suite,
      name: `fault: ${r.name}`,
      value: r.lost,
      unit: 'runs lost',
      note: `submitted ${r.submitted}, rows ${r.rows} (${r.distinctRows} distinct, ${r.failedRows} failed on purpose), started more than once ${r.startedMoreThanOnce}, ${r.wallS.toFixed(0)} s`,
    });
  return rows;
};
export default bench;
