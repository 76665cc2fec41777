/**
 * The submitting side of a distributed sweep: `cortexflow sweep PIPELINE --queue URL` puts one
 * BullMQ job per run on the queue and (unless `--detach`) follows it with a live bar, then writes the
 * same sweep.csv / sweep.json / figures as a local sweep (through the local sweep's own writer);
 * `sweep status|collect|cancel --queue URL SWEEP` work from any machine.
 */
import cliProgress from 'cli-progress';
import { QueueEvents } from 'bullmq';
import { writeSweepResults, type SweepRun } from '../sweep.ts';
import { redactText } from './connection.ts';
import {
  cortexflowVersion,
  identifyPlugins,
  jobIdOf,
  KEY_PREFIX,
  QUEUE_NAME,
  sweepIdOf,
  type RunProgress,
  type SweepMeta,
} from './jobs.ts';
import { connect, rowsOf, type Client, type State, type Tracked } from './client.ts';
import { printSummary, writeQueueLog } from './results.ts';

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
