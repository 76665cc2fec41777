/**
 * The submitting side of a distributed sweep: `cortexflow sweep PIPELINE --queue URL` puts one
 * BullMQ job per run on the queue and (unless `--detach`) follows it with a live bar, then writes the
 * same sweep.csv / sweep.json / figures as a local sweep (through the local sweep's own writer);
 * `sweep status|collect|cancel --queue URL SWEEP` work from any machine.
 */
import { cp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Manifest } from '../artifacts.ts';
import { writeAtomic } from '../artifacts.ts';
import { describeColumns, rowFromManifest, writeSweepResults, type SweepRow, type SweepRun } from '../sweep.ts';
import { parseQueueUrl, QueueCommandError, redactText, type QueueConnection } from './connection.ts';

export { QueueCommandError };
import {
  cortexflowVersion,
  identifyPlugins,
  jobIdOf,
  KEY_PREFIX,
  QUEUE_NAME,
  sweepIdOf,
  type RunJobData,
  type RunJobResult,
  type RunProgress,
  type SweepMeta,
} from './jobs.ts';

/** A user-facing failure of a queue command (printed without a stack, exit code 2). */

type State = 'done' | 'failed' | 'running' | 'waiting' | 'missing';

/** One run's place in the queue, and what the table says about it once finished. */
interface Tracked {
  run: SweepRun;
  jobId: string;
  state: State;
  row?: SweepRow;
  /** When this process turned the finished job into a row (ms since epoch). */
  rowAt?: number;
  job?: Job<RunJobData, RunJobResult> | undefined;
}

const JOB_STATE: Record<string, State> = {
  completed: 'done',
  failed: 'failed',
  active: 'running',
  waiting: 'waiting',
  'waiting-children': 'waiting',
  delayed: 'waiting',
  prioritized: 'waiting',
  unknown: 'missing',
};

class Client {
  readonly redis: Redis;
  private q: Queue<RunJobData, RunJobResult> | undefined;
  /** The client's last connection error (more telling than the retry limit a command reports). */
  lastError: string | undefined;
  constructor(readonly conn: QueueConnection) {
    this.redis = new Redis(conn.options);
    // Errors surface through the commands that fail; a reconnecting client is not an error by itself.
    this.redis.on('error', (e: Error) => {
      this.lastError = e.message;
    });
  }
  /**
   * The BullMQ queue, opened on first use: after {@link connect} has reached Redis, so a server that
   * cannot be reached costs one connection attempt, not a second one left handshaking at exit.
   */
  get queue(): Queue<RunJobData, RunJobResult> {
    if (!this.q) {
      this.q = new Queue<RunJobData, RunJobResult>(QUEUE_NAME, { connection: this.conn.options });
      this.q.on('error', () => undefined);
    }
    return this.q;
  }
  async close(): Promise<void> {
    await Promise.allSettled([this.q?.close(), this.redis.quit()]);
    this.redis.disconnect();
  }
  async meta(id: string): Promise<SweepMeta> {
    const text = await this.redis.get(`${KEY_PREFIX}${id}`);
    if (text === null) {
      const known = await this.redis.smembers('cortexflow:sweeps');
      throw new QueueCommandError(
        `no sweep "${id}" on ${this.conn.display}${known.length ? ` (sweeps there: ${known.sort().join(', ')})` : ' (it has no sweeps)'}`,
      );
    }
    return JSON.parse(text) as SweepMeta;
  }
  /** The state of each tracked run, and the row of those that finished since the last call. */
  async refresh(sweep: string, tracked: Tracked[]): Promise<void> {
    const open = tracked.filter((t) => t.state !== 'done' && t.state !== 'failed');
    const states = await Promise.all(open.map((t) => this.queue.getJobState(t.jobId)));
    const finished: Tracked[] = [];
    open.forEach((t, i) => {
      const s = JOB_STATE[String(states[i])] ?? 'waiting';
      t.state = s;
      if (s === 'done' || s === 'failed') finished.push(t);
    });
    if (finished.length === 0) return;
    const stash = await this.redis.hmget(`${KEY_PREFIX}${sweep}:failed`, ...finished.map((t) => t.jobId));
    await Promise.all(
      finished.map(async (t, i) => {
        const job = await this.queue.getJob(t.jobId);
        t.job = job;
        t.rowAt = Date.now();
        if (t.state === 'done' && job?.returnvalue?.manifest) t.row = rowFromManifest(t.run, job.returnvalue.manifest);
        else {
          const kept = stash[i];
          t.row = kept
            ? rowFromManifest(t.run, JSON.parse(kept) as Manifest)
            : failedRow(t.run, redactText(job?.failedReason ?? 'failed'));
        }
      }),
    );
  }
}

function failedRow(run: SweepRun, error: string, status = 'failed'): SweepRow {
  return { run: run.id, seed: run.seed, status, durationMs: undefined, error, values: {}, sets: run.sets };
}

/** Rows in the sweep's run order; a run not finished gets its queue state as status. */
function rowsOf(tracked: Tracked[]): SweepRow[] {
  return tracked.map((t) => t.row ?? failedRow(t.run, '', t.state === 'missing' ? 'missing' : t.state));
}

async function connect(url: string, persistent: boolean): Promise<Client> {
  const c = new Client(parseQueueUrl(url, persistent));
  try {
    await c.redis.ping();
  } catch (e) {
    await c.close();
    throw new QueueCommandError(
      `cannot reach Redis at ${c.conn.display}: ${redactText(c.lastError ?? (e instanceof Error ? e.message : String(e)))}`,
    );
  }
  return c;
}

/** What `cortexflow sweep PIPELINE --queue URL` was given (the local sweep's inputs plus the queue's). */
export interface QueueSweepInput {
  file: string;
  pipelineText: string;
  /** The pipeline document after the sweep's `--set` overrides (part of the sweep id). */
  resolvedDocument: unknown;
  name: string;
  runs: SweepRun[];
  sets: string[];
  plugins: string[];
  backend: string | undefined;
  out: string;
  queue: string;
  detach: boolean;
  /** Attempts per run before it is a failed row (a failing seed is retried attempts - 1 times). */
  attempts: number;
  log: (line: string) => void;
  /** Aborted on Ctrl-C: the submitter stops following, the sweep goes on. */
  signal: AbortSignal;
}

/** Submit (or resume) a sweep; follow it unless detached. Returns the exit code. */
export async function submitSweep(input: QueueSweepInput): Promise<number> {
  const plugins = (await identifyPlugins(input.plugins)).map(({ name, version }) => ({ name, version }));
  const version = cortexflowVersion();
  const id = sweepIdOf({
    name: input.name,
    resolvedDocument: input.resolvedDocument,
    plugins,
    backend: input.backend,
    version,
  });
  const client = await connect(input.queue, !input.detach);
  try {
    const key = `${KEY_PREFIX}${id}`;
    const old = await client.redis.get(key);
    const known = old ? (JSON.parse(old) as SweepMeta).runs : [];
    const seen = new Set(known.map((r) => r.id));
    const meta: SweepMeta = {
      id,
      name: input.name,
      pipelineFile: input.file,
      sets: input.sets,
      plugins,
      cortexflowVersion: version,
      createdAt: old ? (JSON.parse(old) as SweepMeta).createdAt : new Date().toISOString(),
      runs: [...known, ...input.runs.filter((r) => !seen.has(r.id))],
    };
    await client.redis.set(key, JSON.stringify(meta));
    await client.redis.sadd('cortexflow:sweeps', id);
    // Resubmitting a cancelled sweep resumes it.
    await client.redis.del(`${key}:cancelled`);
    const tracked: Tracked[] = input.runs.map((run) => ({ run, jobId: jobIdOf(id, run), state: 'missing' }));
    const before = await Promise.all(tracked.map((t) => client.queue.getJobState(t.jobId)));
    const submittedAt = Date.now();
    const fresh = tracked.filter((_, i) => before[i] === 'unknown');
    const base = {
      sweep: id,
      pipelineText: input.pipelineText,
      pipelineFile: input.file,
      sets: input.sets,
      plugins,
      cortexflowVersion: version,
      ...(input.backend ? { backend: input.backend } : {}),
    };
    for (let i = 0; i < fresh.length; i += 500)
      await client.queue.addBulk(
        fresh.slice(i, i + 500).map((t) => ({
          name: t.run.id,
          data: { ...base, run: t.run, submittedAt },
          opts: {
            jobId: t.jobId,
            attempts: input.attempts,
            backoff: { type: 'fixed', delay: 1000 },
            removeOnComplete: false,
            removeOnFail: false,
          },
        })),
      );
    input.log(
      `sweep ${id}: ${tracked.length} runs on ${client.conn.display}, ${fresh.length} queued now, ` +
        `${tracked.length - fresh.length} already queued or finished`,
    );
    if (input.detach) {
      input.log(`follow it from any machine: cortexflow sweep status --queue URL ${id}`);
      input.log(`gather the table: cortexflow sweep collect --queue URL ${id} [--store DIR] [--out DIR]`);
      return 0;
    }
    return await follow(client, id, tracked, input);
  } finally {
    await client.close();
  }
}

async function follow(client: Client, id: string, tracked: Tracked[], input: QueueSweepInput): Promise<number> {
  const ours = new Map(tracked.map((t) => [t.jobId, t]));
  const progress = new Map<string, RunProgress>();
  const events = new QueueEvents(QUEUE_NAME, { connection: client.conn.options });
  events.on('error', () => undefined);
  let wake: (() => void) | undefined;
  const poke = (): void => wake?.();
  events.on('progress', ({ jobId, data }) => {
    if (ours.has(jobId) && typeof data === 'object' && data !== null) progress.set(jobId, data as RunProgress);
  });
  events.on('completed', ({ jobId }) => ours.has(jobId) && poke());
  events.on('failed', ({ jobId }) => ours.has(jobId) && poke());
  input.signal.addEventListener('abort', poke);
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format:
            ' sweep [{bar}] {value}/{total} done | {running} running | {failed} failed | {waiting} waiting {runs}',
          barsize: 24,
          hideCursor: true,
          fps: 4,
        },
        cliProgress.Presets.shades_grey,
      )
    : undefined;
  bar?.start(tracked.length, 0, { running: 0, failed: 0, waiting: tracked.length, runs: '' });
  let lastLine = 0;
  let offline = false;
  try {
    for (;;) {
      try {
        await client.refresh(id, tracked);
        if (offline) input.log('sweep: Redis is back');
        offline = false;
      } catch (e) {
        if (!offline) input.log(`sweep: Redis unreachable (${redactText(String(e))}); retrying`);
        offline = true;
      }
      const n = (s: State): number => tracked.filter((t) => t.state === s).length;
      const running = tracked.filter((t) => t.state === 'running');
      const runs = running
        .slice(0, 4)
        .map((t) => `${t.run.id} ${Math.round(100 * (progress.get(t.jobId)?.fraction ?? 0))}%`)
        .join(', ');
      const counts = { running: running.length, failed: n('failed'), waiting: n('waiting') + n('missing'), runs };
      if (bar) bar.update(n('done') + n('failed'), counts);
      else if (Date.now() - lastLine > 5000) {
        lastLine = Date.now();
        input.log(
          `sweep: ${n('done')}/${tracked.length} done, ${counts.running} running, ${counts.failed} failed, ${counts.waiting} waiting${runs ? `; ${runs}` : ''}`,
        );
      }
      if (n('done') + n('failed') === tracked.length) break;
      if (input.signal.aborted) {
        bar?.stop();
        input.log(
          `\nsweep ${id} keeps running on the workers; follow it with: cortexflow sweep status --queue URL ${id}` +
            ` (or run this command again)`,
        );
        return 130;
      }
      if (n('missing') > 0 && (await client.redis.get(`${KEY_PREFIX}${id}:cancelled`)) !== null) {
        bar?.stop();
        input.log(`sweep ${id} was cancelled; the table lists what finished`);
        break;
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, 500);
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
      wake = undefined;
    }
  } finally {
    bar?.stop();
    input.signal.removeEventListener('abort', poke);
    await events.close().catch(() => undefined);
  }
  const rows = rowsOf(tracked);
  await writeSweepResults({ out: input.out, pipeline: input.file, sets: input.sets, log: input.log }, rows);
  await writeQueueLog(input.out, tracked);
  printSummary(rows, input.out);
  return rows.some((r) => r.status !== 'done') ? 1 : 0;
}

/** DIR/queue-runs.json: where and when each run went (for throughput and overhead figures). */
async function writeQueueLog(out: string, tracked: Tracked[]): Promise<void> {
  const runs = tracked.map((t) => ({
    run: t.run.id,
    job: t.jobId,
    state: t.state,
    attempts: t.job?.attemptsMade,
    worker: t.job?.returnvalue?.worker,
    addedAt: t.job?.timestamp,
    processedAt: t.job?.processedOn,
    childStartedAt: t.job?.returnvalue?.childStartedAt,
    childExitedAt: t.job?.returnvalue?.childExitedAt,
    finishedAt: t.job?.finishedOn,
    rowAt: t.rowAt,
  }));
  await writeAtomic(join(out, 'queue-runs.json'), `${JSON.stringify({ runs }, null, 2)}\n`);
}

function printSummary(rows: SweepRow[], out: string): void {
  for (const [k, v] of Object.entries(describeColumns(rows)))
    process.stdout.write(
      `${k.padEnd(48)} n=${v.n}  mean ${v.mean.toPrecision(4)}  std ${v.std.toPrecision(3)}  [${v.min.toPrecision(4)}, ${v.max.toPrecision(4)}]\n`,
    );
  for (const r of rows.filter((x) => x.status !== 'done'))
    process.stderr.write(`run ${r.run}: ${r.status}${r.error ? `: ${r.error}` : ''}\n`);
  process.stderr.write(`sweep table: ${join(out, 'sweep.csv')} (and sweep.json)\n`);
}

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
    // The local sweep's default folder name (main.ts slug()) for the same pipeline.
    const slug =
      meta.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 48) || 'pipeline';
    const out = resolve(o.out ?? join('runs', `sweep-${slug}`));
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
