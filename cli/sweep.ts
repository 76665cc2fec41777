/**
 * `cortexflow sweep`: run one pipeline for many seeds (and/or a params grid) with a pool of worker
 * processes, resume after an interruption without redoing finished runs, and gather every run's
 * headline numbers into one table (CSV and JSON) plus distribution figures.
 *
 * Each run is an ordinary `cortexflow run` in its own folder DIR/runs/RUN_ID/ with its own
 * manifest; files several runs hold byte for byte (datasets) are kept once in DIR/store/, hard-linked
 * into each run folder and referenced from its manifest: a run counts as finished when its manifest says "done" or "failed" (a failure of a
 * seed is a result, reported in the table; it is not retried). Interrupted runs ("running",
 * "cancelled" or no manifest) are started again.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Manifest } from './artifacts.ts';
import { writeAtomic } from './artifacts.ts';
import { lockHolder } from './outdir.ts';
import type { SweepRow } from './sweep-row.ts';

/** One run of the sweep: its id and the overrides that make it. */
export interface SweepRun {
  id: string;
  seed: number | undefined;
  sets: string[];
}

/** The sweep's content-addressed store of shared files (datasets): SWEEP/store/. */
export const storeDir = (out: string): string => join(out, 'store');

/** Parse `1..20`, `1,2,5`, `1..10,20` into seeds. */
export function parseSeeds(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.split(',')) {
    const p = part.trim();
    const m = /^(-?\d+)\.\.(-?\d+)$/.exec(p);
    if (m) {
      const a = Number(m[1]);
      const b = Number(m[2]);
      if (b < a) throw new Error(`--seeds "${spec}": range ${p} is empty`);
      if (b - a > 100_000) throw new Error(`--seeds "${spec}": range ${p} is too large`);
      for (let s = a; s <= b; s++) out.push(s);
    } else if (/^-?\d+$/.test(p)) out.push(Number(p));
    else throw new Error(`--seeds "${spec}": expected a list like 1..20 or 1,2,5`);
  }
  return [...new Set(out)];
}

/** Parse `NODE.PARAM=v1,v2,v3` into a grid axis (values parsed as JSON when they parse). */
export function parseGridAxis(spec: string): { key: string; values: string[] } {
  const m = /^([^=]+)=(.+)$/.exec(spec);
  if (!m?.[1] || !m[2] || !m[1].includes('.')) throw new Error(`--grid "${spec}": expected NODE.PARAM=v1,v2,...`);
  return { key: m[1], values: m[2].split(',').map((v) => v.trim()) };
}

/** Node ids of the pipeline that have a `seed` param (those a seed sweep sets). */
export function seedParams(doc: unknown, registryParamsOf: (type: string) => string[] | undefined): string[] {
  const nodes = (doc as { nodes?: Array<{ id?: unknown; type?: unknown }> }).nodes ?? [];
  return nodes
    .filter(
      (n) =>
        typeof n.id === 'string' && typeof n.type === 'string' && (registryParamsOf(n.type) ?? []).includes('seed'),
    )
    .map((n) => `${String(n.id)}.seed`);
}

/** Every run of a sweep: seeds x grid points (cartesian product). */
export function expandRuns(
  seeds: number[] | undefined,
  seedKeys: string[],
  grid: Array<{ key: string; values: string[] }>,
): SweepRun[] {
  let points: Array<{ id: string[]; sets: string[] }> = [{ id: [], sets: [] }];
  for (const axis of grid) {
    const next: typeof points = [];
    for (const p of points)
      for (const v of axis.values)
        next.push({ id: [...p.id, `${axis.key}=${v}`], sets: [...p.sets, `${axis.key}=${v}`] });
    points = next;
  }
  const runs: SweepRun[] = [];
  for (const p of points) {
    if (seeds === undefined) runs.push({ id: slugId(p.id.join('_') || 'run'), seed: undefined, sets: p.sets });
    else
      for (const s of seeds)
        runs.push({
          id: slugId([`seed-${s}`, ...p.id].join('_')),
          seed: s,
          sets: [...seedKeys.map((k) => `${k}=${s}`), ...p.sets],
        });
  }
  return runs;
}

function slugId(s: string): string {
  return s.replace(/[^A-Za-z0-9_.=-]+/g, '-');
}

/** Status of a run folder: finished ("done"/"failed") runs are not started again. */
export function runState(dir: string): 'done' | 'failed' | 'unfinished' {
  const f = join(dir, 'manifest.json');
  if (!existsSync(f)) return 'unfinished';
  try {
    const m = JSON.parse(readFileSync(f, 'utf8')) as Manifest;
    return m.status === 'done' || m.status === 'failed' ? m.status : 'unfinished';
  } catch {
    return 'unfinished';
  }
}

export interface SweepOptions {
  pipeline: string;
  out: string;
  runs: SweepRun[];
  workers: number;
  plugins: string[];
  sets: string[];
  backend?: string;
  /** Each run's `--artifacts`. */
  artifacts?: string;
  log: (line: string) => void;
  /** Stop: no new runs; running ones get SIGTERM (they cancel and keep what they finished). */
  signal?: AbortSignal;
  /** Stop at once: running ones get SIGKILL (the table is still written). */
  kill?: AbortSignal;
}

export type { SweepRow } from './sweep-row.ts';

const BIN = fileURLToPath(new URL('../bin/cortexflow.mjs', import.meta.url));

/**
 * Run one pipeline as a child `cortexflow run`; resolves with its exit code. A run folder that
 * already has a manifest (an interrupted run) is continued with `--resume`, so nodes it finished
 * are not computed again. The child runs in its own process group (a terminal's Ctrl-C reaches
 * only the sweep, which forwards one stop) and watches its stdin: if the sweep dies without
 * forwarding anything (SIGKILL), the pipe closes and the child cancels itself.
 */
function runChild(opts: SweepOptions, run: SweepRun, dir: string): Promise<number> {
  const resume = existsSync(join(dir, 'manifest.json'));
  const args = [BIN, 'run', opts.pipeline, resume ? '--resume' : '--out', dir, '--json'];
  for (const p of opts.plugins) args.push('--plugin', p);
  for (const s of [...opts.sets, ...run.sets]) args.push('--set', s);
  if (opts.backend) args.push('--backend', opts.backend);
  if (opts.artifacts !== undefined) args.push('--artifacts', opts.artifacts);
  // The runs' datasets (the same for every model seed of a pipeline) are kept once, here.
  args.push('--store', storeDir(opts.out));
  return new Promise((resolvePromise) => {
    // Parallel runs share the cores: each child's trainer gets its share (unless the user set one).
    const threads = process.env['CORTEXFLOW_THREADS'] ?? String(Math.max(1, Math.floor(defaultWorkers() / Math.max(1, opts.workers))));
    const child = spawn(process.execPath, args, {
      stdio: ['pipe', 'ignore', 'pipe'],
      detached: true,
      env: { ...process.env, CORTEXFLOW_WATCH_PARENT: '1', CORTEXFLOW_THREADS: threads },
    });
    children.add(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child.stdin.on('error', () => undefined); // the child may exit before reading anything
    const onStop = (): void => {
      child.kill('SIGTERM');
    };
    const onKill = (): void => {
      child.kill('SIGKILL');
    };
    opts.signal?.addEventListener('abort', onStop);
    opts.kill?.addEventListener('abort', onKill);
    if (opts.signal?.aborted) onStop();
    child.on('close', (code, sig) => {
      children.delete(child);
      opts.signal?.removeEventListener('abort', onStop);
      opts.kill?.removeEventListener('abort', onKill);
      if (code === 2) opts.log(`[${run.id}] invalid: ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
      resolvePromise(code ?? (sig ? 130 : 1)); // killed by a signal: stopped, not failed
    });
  });
}

/** The sweep's running child processes (a last-resort kill on exit). */
const children = new Set<ReturnType<typeof spawn>>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** Gather one run's numbers from its manifest: columns `node.port.metric`. */
export function rowOf(run: SweepRun, dir: string): SweepRow {
  const f = join(dir, 'manifest.json');
  if (!existsSync(f))
    return {
      run: run.id,
      seed: run.seed,
      status: 'missing',
      durationMs: undefined,
      error: undefined,
      values: {},
      sets: run.sets,
    };
  return rowFromManifest(run, JSON.parse(readFileSync(f, 'utf8')) as Manifest);
}

/** One run's table row from its manifest (the local pool reads it from disk, the queue receives it). */
export function rowFromManifest(run: SweepRun, m: Manifest): SweepRow {
  const values: Record<string, number> = {};
  const errors: string[] = [];
  for (const [nodeId, n] of Object.entries(m.nodes)) {
    if (n.error) errors.push(`${nodeId}: ${n.error}`);
    for (const [port, o] of Object.entries(n.outputs))
      for (const [k, v] of Object.entries(o.numbers ?? {})) values[`${nodeId}.${port}.${k}`] = v;
  }
  return {
    run: run.id,
    seed: run.seed,
    status: m.status,
    durationMs: m.durationMs,
    error: errors.length ? errors.join('; ') : undefined,
    values,
    sets: run.sets,
  };
}

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The sweep table as CSV: one row per run, one column per number. */
export function tableCsv(rows: SweepRow[]): string {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r.values)))].sort();
  const head = ['run', 'seed', 'status', 'duration_ms', 'error', 'sets', ...cols];
  const lines = [head.join(',')];
  for (const r of rows)
    lines.push(
      [r.run, r.seed, r.status, r.durationMs, r.error, r.sets.join(' '), ...cols.map((c) => r.values[c])]
        .map(csvCell)
        .join(','),
    );
  return `${lines.join('\n')}\n`;
}

/** Mean, std, min, max, n of every numeric column over the finished runs. */
export function describeColumns(
  rows: SweepRow[],
): Record<string, { n: number; mean: number; std: number; min: number; max: number }> {
  const out: Record<string, { n: number; mean: number; std: number; min: number; max: number }> = {};
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r.values)))].sort();
  for (const c of cols) {
    const xs = rows.map((r) => r.values[c]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (xs.length === 0) continue;
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
    out[c] = { n: xs.length, mean, std, min: Math.min(...xs), max: Math.max(...xs) };
  }
  return out;
}

/** Run the sweep. Returns the table rows (also written to DIR/sweep.csv and DIR/sweep.json). */
export async function runSweep(opts: SweepOptions): Promise<SweepRow[]> {
  await mkdir(join(opts.out, 'runs'), { recursive: true });
  await cleanStoreTemps(storeDir(opts.out));
  const todo = opts.runs.filter((r) => runState(join(opts.out, 'runs', r.id)) === 'unfinished');
  const skipped = opts.runs.length - todo.length;
  opts.log(
    `sweep: ${opts.runs.length} runs, ${skipped} already finished, ${todo.length} to run with ${opts.workers} worker(s)`,
  );
  let next = 0;
  let finished = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length && !opts.signal?.aborted) {
      const run = todo[next++] as SweepRun;
      const dir = join(opts.out, 'runs', run.id);
      const t0 = Date.now();
      // A run of an earlier, killed sweep may still be cancelling itself in this folder.
      for (let i = 0; i < 150 && (await lockHolder(dir)) && !opts.signal?.aborted; i++)
        await new Promise((r) => setTimeout(r, 200));
      const code = await runChild(opts, run, dir);
      finished++;
      const state = code === 0 ? 'done' : code === 130 ? 'cancelled' : code === 2 ? 'invalid' : 'failed';
      opts.log(`[${finished}/${todo.length}] ${run.id}: ${state} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.workers, todo.length)) }, () => worker()));
  const rows = opts.runs.map((r) => rowOf(r, join(opts.out, 'runs', r.id)));
  await writeSweepResults(opts, rows);
  return rows;
}

/** Write DIR/sweep.csv, DIR/sweep.json and the figures from the rows (local pool and queue alike). */
export async function writeSweepResults(
  opts: Pick<SweepOptions, 'out' | 'pipeline' | 'sets' | 'log'>,
  rows: SweepRow[],
): Promise<void> {
  await writeAtomic(join(opts.out, 'sweep.csv'), tableCsv(rows));
  await writeAtomic(
    join(opts.out, 'sweep.json'),
    `${JSON.stringify({ pipeline: opts.pipeline, sets: opts.sets, runs: rows, summary: describeColumns(rows) }, null, 2)}\n`,
  );
  // The figures' renderer (d3, the DOM shim, resvg) loads when a sweep writes them, not at start-up.
  const { writeSweepFigures } = await import('./sweep-figures.ts');
  const figures = await writeSweepFigures(opts.out, rows);
  if (figures.length > 0) opts.log(`sweep: ${figures.length} distribution figures (sweep.COLUMN.svg/.png)`);
}

/**
 * Remove the temporary files (`NAME.tmp-PID-N`) a killed run left in the store; the store has no
 * lock of its own, so only those whose process is gone are removed.
 */
async function cleanStoreTemps(store: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(store);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = /\.tmp-(\d+)-\d+$/.exec(name)?.[1];
    if (pid === undefined) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') await rm(join(store, name), { force: true });
    }
  }
}

/** Default worker count: every core. */
export function defaultWorkers(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/** Read a pipeline file as raw JSON (for seed param discovery). */
export async function readRaw(file: string): Promise<unknown> {
  // The same BOM rule as the run command (parsePipelineText).
  return JSON.parse((await readFile(resolve(file), 'utf8')).replace(/^\uFEFF/, '')) as unknown;
}
