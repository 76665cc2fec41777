/**
 * The submitter's view of the queue: a Redis client with the BullMQ queue opened on first use, and the
 * runs it tracks there, each turned into a sweep table row once finished.
 */
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Manifest } from '../artifacts.ts';
import { rowFromManifest, type SweepRow, type SweepRun } from '../sweep.ts';
import { parseQueueUrl, QueueCommandError, redactText, type QueueConnection } from './connection.ts';
import { KEY_PREFIX, QUEUE_NAME, type RunJobData, type RunJobResult, type SweepMeta } from './jobs.ts';

export type State = 'done' | 'failed' | 'running' | 'waiting' | 'missing';

/** One run's place in the queue, and what the table says about it once finished. */
export interface Tracked {
  run: SweepRun;
  jobId: string;
  state: State;
  row?: SweepRow;
  /** When this process turned the finished job into a row (ms since epoch). */
  rowAt?: number;
  job?: Job<RunJobData, RunJobResult> | undefined;
}

export const JOB_STATE: Record<string, State> = {
  completed: 'done',
  failed: 'failed',
  active: 'running',
  waiting: 'waiting',
  'waiting-children': 'waiting',
  delayed: 'waiting',
  prioritized: 'waiting',
  unknown: 'missing',
};

export class Client {
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
export function rowsOf(tracked: Tracked[]): SweepRow[] {
  return tracked.map((t) => t.row ?? failedRow(t.run, '', t.state === 'missing' ? 'missing' : t.state));
}

export async function connect(url: string, persistent: boolean): Promise<Client> {
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
