/** `cortexflow sweep FILE`: the local pool of runs (or, with --queue, a BullMQ queue). */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatErrors, slug } from '../core/index.ts';
import { parseArtifacts } from './artifact-select.ts';
import { makeRegistry, readPipeline, UsageError } from './pipeline-load.ts';
import {
  defaultWorkers,
  describeColumns,
  expandRuns,
  parseGridAxis,
  parseSeeds,
  readRaw,
  runSweep,
  seedParams,
} from './sweep.ts';
import { sweepAction, sweepOnQueue, SWEEP_ACTIONS, type SweepQueueCliOptions } from './queue/commands.ts';

export interface SweepCliOptions extends SweepQueueCliOptions {
  seeds?: string;
  /** `--seed-nodes a,b`: only these nodes' seeds follow --seeds (the rest keep the file's). */
  seedNodes?: string;
  grid: string[];
  set: string[];
  plugin: string[];
  workers?: string;
  out?: string;
  backend?: string;
  artifacts?: string;
}

export async function sweepCommand(file: string, sweepId: string | undefined, opts: SweepCliOptions): Promise<number> {
  if ((SWEEP_ACTIONS as readonly string[]).includes(file) && !existsSync(file)) return sweepAction(file, sweepId, opts);
  if (sweepId !== undefined) throw new UsageError(`sweep: unexpected argument "${sweepId}"`);
  const { registry } = await makeRegistry(opts.plugin);
  // Validate once up front, with the first run's overrides, so a broken file fails fast.
  const loaded = await readPipeline(file, registry, opts.set);
  if ('errors' in loaded) {
    process.stderr.write(`${file}: invalid pipeline, nothing was run:\n${formatErrors(loaded.errors)}\n`);
    return 2;
  }
  let seeds: number[] | undefined;
  let grid;
  try {
    seeds = opts.seeds !== undefined ? parseSeeds(opts.seeds) : undefined;
    grid = opts.grid.map(parseGridAxis);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (seeds === undefined && grid.length === 0) throw new UsageError('sweep needs --seeds and/or --grid');
  const raw = await readRaw(file);
  const seedKeys = seedParams(raw, (type) =>
    registry.has(type) ? Object.keys((registry.get(type).params as { properties: object }).properties) : undefined,
  );
  if (seeds !== undefined && seedKeys.length === 0)
    throw new UsageError(`${file}: no node has a "seed" param to sweep`);
  if (opts.seedNodes !== undefined) {
    if (seeds === undefined) throw new UsageError('--seed-nodes goes with --seeds');
    const wanted = opts.seedNodes.split(',').map((s) => s.trim());
    const have = seedKeys.map((k) => k.slice(0, -'.seed'.length));
    const bad = wanted.find((w) => !have.includes(w));
    if (bad !== undefined)
      throw new UsageError(`--seed-nodes "${opts.seedNodes}": "${bad}" is not a node with a "seed" param (those: ${have.join(', ')})`);
    seedKeys.splice(0, seedKeys.length, ...wanted.map((w) => `${w}.seed`));
  }
  const runs = expandRuns(seeds, seedKeys, grid);
  const workers = opts.workers !== undefined ? Number(opts.workers) : defaultWorkers();
  if (!Number.isInteger(workers) || workers < 1)
    throw new UsageError(`--workers "${opts.workers}": expected an integer >= 1`);
  const out = resolve(opts.out ?? join('runs', `sweep-${slug(loaded.pipeline.name)}`));
  if (opts.artifacts !== undefined) {
    if (opts.queue) throw new UsageError('--artifacts is not supported with --queue yet (queue workers write every output)');
    try {
      parseArtifacts(opts.artifacts);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (opts.queue)
    return sweepOnQueue({
      file,
      name: loaded.pipeline.name,
      runs,
      sets: opts.set,
      plugins: opts.plugin,
      backend: opts.backend,
      out,
      options: opts,
    });
  const controller = new AbortController();
  const hard = new AbortController();
  let stops = 0;
  // SIGINT or SIGTERM: forwarded to the runs, which cancel; the table of what finished is written.
  const onSigint = (): void => {
    stops++;
    if (stops === 1) {
      process.stderr.write(
        '\nstopping the sweep: running runs are cancelled, finished ones are kept; run the same command again to resume (again to kill them at once)\n',
      );
      controller.abort();
    } else hard.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  if (seeds !== undefined) process.stderr.write(`sweep: seeds set through ${seedKeys.join(', ')}\n`);
  const rows = await runSweep({
    pipeline: file,
    out,
    runs,
    workers,
    plugins: opts.plugin,
    sets: opts.set,
    ...(opts.backend ? { backend: opts.backend } : {}),
    ...(opts.artifacts !== undefined ? { artifacts: opts.artifacts } : {}),
    log: (l) => process.stderr.write(`${l}\n`),
    signal: controller.signal,
    kill: hard.signal,
  });
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);
  const summary = describeColumns(rows);
  const failed = rows.filter((r) => r.status !== 'done');
  for (const [k, v] of Object.entries(summary))
    process.stdout.write(
      `${k.padEnd(48)} n=${v.n}  mean ${v.mean.toPrecision(4)}  std ${v.std.toPrecision(3)}  [${v.min.toPrecision(4)}, ${v.max.toPrecision(4)}]\n`,
    );
  for (const r of failed) process.stderr.write(`run ${r.run}: ${r.status}${r.error ? `: ${r.error}` : ''}\n`);
  process.stderr.write(`sweep table: ${join(out, 'sweep.csv')} (and sweep.json)\n`);
  if (controller.signal.aborted) return 130;
  return failed.length > 0 ? 1 : 0;
}
