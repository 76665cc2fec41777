/** `sweep status|collect|cancel --queue URL SWEEP`: a queue sweep looked at, gathered or stopped from any machine. */
import { cp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { slug } from '../../core/index.ts';
import { writeSweepResults } from '../sweep.ts';
import { QueueCommandError } from './connection.ts';
import { jobIdOf, KEY_PREFIX, type RunProgress } from './jobs.ts';
import { connect, JOB_STATE, rowsOf, type State, type Tracked } from './client.ts';
import { printSummary, writeQueueLog } from './results.ts';

/** Options of `sweep status|collect|cancel`. */
export interface SweepActionOptions {
  queue: string;
  out?: string;
  store?: string;
  json?: boolean;
  log: (line: string) => void;
}

/** `sweep status --queue URL [SWEEP]`: counts (and the sweeps there, without SWEEP). */
export async function sweepStatus(id: string | undefined, o: SweepActionOptions): Promise<number> {
  const client = await connect(o.queue, false);
  try {
    const ids = id ? [id] : (await client.redis.smembers('cortexflow:sweeps')).sort();
    const report = [];
    for (const s of ids) {
      const meta = await client.meta(s);
      const tracked: Tracked[] = meta.runs.map((run) => ({ run, jobId: jobIdOf(s, run), state: 'missing' }));
      await client.refresh(s, tracked);
      const count = (st: State): number => tracked.filter((t) => t.state === st).length;
      const running = await Promise.all(
        tracked
          .filter((t) => t.state === 'running')
          .map(async (t) => {
            const job = await client.queue.getJob(t.jobId);
            const p = job?.progress as RunProgress | undefined;
            return { run: t.run.id, fraction: p?.fraction ?? 0, worker: p?.worker };
          }),
      );
      const failed = tracked
        .filter((t) => t.state === 'failed')
        .map((t) => ({ run: t.run.id, error: t.row?.error ?? '' }));
      report.push({
        sweep: s,
        pipeline: meta.pipelineFile,
        runs: tracked.length,
        done: count('done'),
        running: count('running'),
        failed: count('failed'),
        waiting: count('waiting'),
        missing: count('missing'),
        cancelled: (await client.redis.get(`${KEY_PREFIX}${s}:cancelled`)) !== null,
        active: running,
        failures: failed,
      });
    }
    if (o.json) process.stdout.write(`${JSON.stringify(id ? report[0] : report, null, 2)}\n`);
    else {
      if (report.length === 0) process.stdout.write(`no sweeps on ${client.conn.display}\n`);
      for (const r of report) {
        process.stdout.write(
          `${r.sweep} (${r.pipeline}): ${r.done}/${r.runs} done, ${r.running} running, ${r.failed} failed, ` +
            `${r.waiting} waiting${r.missing ? `, ${r.missing} not in the queue` : ''}${r.cancelled ? ' [cancelled]' : ''}\n`,
        );
        for (const a of r.active)
          process.stdout.write(
            `  running ${a.run} ${Math.round(a.fraction * 100)}%${a.worker ? ` on ${a.worker}` : ''}\n`,
          );
        for (const f of r.failures) process.stdout.write(`  failed ${f.run}: ${f.error}\n`);
      }
    }
    return 0;
  } finally {
    await client.close();
  }
}

/** `sweep collect --queue URL SWEEP`: the table of what finished; with --store, the run folders too. */
export async function sweepCollect(id: string, o: SweepActionOptions): Promise<number> {
  const client = await connect(o.queue, false);
  try {
    const meta = await client.meta(id);
    const tracked: Tracked[] = meta.runs.map((run) => ({ run, jobId: jobIdOf(id, run), state: 'missing' }));
    await client.refresh(id, tracked);
    // The local sweep's default folder name for the same pipeline.
    const out = resolve(o.out ?? join('runs', `sweep-${slug(meta.name)}`));
    if (o.store) {
      const from = join(resolve(o.store), id, 'runs');
      if (!existsSync(from)) throw new QueueCommandError(`--store ${o.store}: no folder ${from} (wrong store?)`);
      if (resolve(from) !== resolve(out, 'runs')) await cp(from, join(out, 'runs'), { recursive: true, force: true });
    }
    const rows = rowsOf(tracked);
    await writeSweepResults({ out, pipeline: meta.pipelineFile, sets: meta.sets, log: o.log }, rows);
    await writeQueueLog(out, tracked);
    printSummary(rows, out);
    const open = rows.filter((r) => r.status !== 'done' && r.status !== 'failed').length;
    if (open > 0) o.log(`sweep ${id}: ${open} run(s) not finished yet; collect again later`);
    return rows.every((r) => r.status === 'done') ? 0 : 1;
  } finally {
    await client.close();
  }
}

/** `sweep cancel --queue URL SWEEP`: drop waiting runs; workers stop the running ones. */
export async function sweepCancel(id: string, o: SweepActionOptions): Promise<number> {
  const client = await connect(o.queue, false);
  try {
    const meta = await client.meta(id);
    await client.redis.set(`${KEY_PREFIX}${id}:cancelled`, new Date().toISOString());
    let removed = 0;
    let running = 0;
    for (const run of meta.runs) {
      const jobId = jobIdOf(id, run);
      const state = await client.queue.getJobState(jobId);
      if (state === 'active') running++;
      else if (JOB_STATE[state] === 'waiting') {
        await client.queue.remove(jobId);
        removed++;
      }
    }
    o.log(
      `sweep ${id} cancelled: ${removed} waiting run(s) removed, ${running} running run(s) stopped by their workers; ` +
        `finished runs are kept (submit the same sweep again to resume it)`,
    );
    return 0;
  } finally {
    await client.close();
  }
}
