/**
 * `cortexflow worker --queue URL`: takes runs from the sweep queue and runs each exactly as
 * `cortexflow run` does, in a child process. The child keeps the CPU-bound training off this
 * process's event loop, which must stay free to renew BullMQ's job locks (a blocked loop would make
 * a healthy run look stalled and run twice).
 *
 * Delivery is at-least-once: a run whose worker died is run again from scratch by another worker, in
 * the same folder, every file written atomically; the submitter keys its table by job id, so each
 * run appears once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { writeAtomic, type Manifest } from '../artifacts.ts';
import { lockHolder } from '../outdir.ts';
import { parseQueueUrl, redactText } from './connection.ts';
import {
  cortexflowVersion,
  identifyPlugins,
  jobIdOf,
  KEY_PREFIX,
  QUEUE_NAME,
  runDirOf,
  type LocalPlugin,
  type RunJobData,
  type RunJobResult,
  type RunProgress,
} from './jobs.ts';

/** How long a job waits for a dead worker's run to release its folder (ms). */
const LOCK_WAIT_MS = 30_000;
const BIN = fileURLToPath(new URL('../../bin/cortexflow.mjs', import.meta.url));
const GUARD = fileURLToPath(new URL('./orphan-guard.mjs', import.meta.url));

export interface WorkerOptions {
  queue: string;
  concurrency: number;
  store: string;
  plugins: string[];
  /** BullMQ lock duration (ms): a dead worker's job goes back to the queue after about this long. */
  lockDurationMs: number;
  log: (line: string) => void;
}

/** Why the worker refuses a job, or undefined when it can run it. */
export function refusal(data: RunJobData, version: string, plugins: readonly LocalPlugin[]): string | undefined {
  if (data.cortexflowVersion !== version)
    return `this worker runs cortexflow ${version} but the sweep was submitted with cortexflow ${data.cortexflowVersion}; run workers of the same version`;
  for (const p of data.plugins) {
    const mine = plugins.find((q) => q.name === p.name);
    if (!mine)
      return `this worker has no plugin "${p.name}" (version ${p.version}); start it with --plugin pointing at that plugin`;
    if (mine.version !== p.version)
      return `plugin "${p.name}": this worker has version ${mine.version}, the sweep needs ${p.version}`;
  }
  return undefined;
}

interface ActiveRun {
  child: ChildProcess;
  job: Job<RunJobData, RunJobResult>;
  token: string | undefined;
}

/** Run a worker until SIGTERM/SIGINT (finish the current runs) or a second signal (hand them back). */
export async function runWorker(opts: WorkerOptions): Promise<number> {
  const conn = parseQueueUrl(opts.queue, true);
  const plugins = await identifyPlugins(opts.plugins);
  const version = cortexflowVersion();
  const store = resolve(opts.store);
  const name = `${os.hostname()}-${process.pid}`;
  const redis = new Redis(conn.options);
  // ioredis reports each failed reconnect; say it once per message and period, redacted.
  const lastSaid = new Map<string, number>();
  const sayOnce = (msg: string): void => {
    const now = Date.now();
    if (now - (lastSaid.get(msg) ?? 0) < 10_000) return;
    lastSaid.set(msg, now);
    opts.log(`worker ${name}: ${redactText(msg)}`);
  };
  redis.on('error', (e: Error) => sayOnce(`redis: ${e.message}`));
  const active = new Set<ActiveRun>();
  let inflight = 0;
  let stopping = 0;

  const processor = async (job: Job<RunJobData, RunJobResult>, token?: string): Promise<RunJobResult> => {
    inflight++;
    try {
      return await runJob(job, token);
    } finally {
      inflight--;
    }
  };

  const runJob = async (job: Job<RunJobData, RunJobResult>, token?: string): Promise<RunJobResult> => {
    const data = job.data;
    const jobId = job.id ?? jobIdOf(data.sweep, data.run);
    const takenAt = Date.now();
    opts.log(`worker ${name}: start ${jobId} (attempt ${job.attemptsMade + 1})`);
    const refused = refusal(data, version, plugins);
    if (refused) throw new UnrecoverableError(refused);
    if ((await redis.get(`${KEY_PREFIX}${data.sweep}:cancelled`)) !== null)
      throw new UnrecoverableError('the sweep was cancelled');
    const sweepDir = join(store, data.sweep);
    const pipelinePath = join(sweepDir, 'pipeline.json');
    if (!existsSync(pipelinePath) || readFileSync(pipelinePath, 'utf8') !== data.pipelineText)
      await writeAtomic(pipelinePath, data.pipelineText);
    const dir = runDirOf(store, data.sweep, data.run);
    // The run of a worker that died (a stalled job) may still be ending in a shared store: its guard
    // ends it once the IPC channel closes, which a loaded machine can delay. Wait for its lock rather
    // than fail this attempt on a busy folder.
    for (const t0 = Date.now(); Date.now() - t0 < LOCK_WAIT_MS && (await lockHolder(dir));)
      await new Promise((r) => setTimeout(r, 250));
    const args = ['--import', GUARD, BIN, 'run', pipelinePath, '--out', dir, '--json'];
    for (const p of data.plugins) args.push('--plugin', (plugins.find((q) => q.name === p.name) as LocalPlugin).spec);
    for (const s of [...data.sets, ...data.run.sets]) args.push('--set', s);
    if (data.backend) args.push('--backend', data.backend);
    const childStartedAt = Date.now();
    // Own process group: a Ctrl-C in the worker's terminal reaches the worker, which decides.
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true });
    const me: ActiveRun = { child, job, token };
    active.add(me);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    // Progress: NDJSON run events -> a fraction over the pipeline's nodes, sent at most twice a second.
    let nodes = 1;
    let finishedNodes = 0;
    let current: { node: string; f: number } | undefined;
    let lastSent = 0;
    let cancelled = false;
    let lastCancelCheck = Date.now();
    let buf = '';
    const send = (): void => {
      const now = Date.now();
      if (now - lastSent < 500) return;
      lastSent = now;
      const p: RunProgress = {
        fraction: Math.min(1, (finishedNodes + (current?.f ?? 0)) / nodes),
        worker: name,
        ...(current ? { node: current.node } : {}),
      };
      job.updateProgress(p as unknown as object).catch((e: unknown) => sayOnce(`progress: ${String(e)}`));
      if (now - lastCancelCheck > 2000) {
        lastCancelCheck = now;
        redis
          .get(`${KEY_PREFIX}${data.sweep}:cancelled`)
          .then((v) => {
            if (v !== null && !cancelled) {
              cancelled = true;
              child.kill('SIGINT');
            }
          })
          .catch(() => undefined);
      }
    };
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let e: { type?: string; data?: Record<string, unknown> };
        try {
          e = JSON.parse(line) as typeof e;
        } catch {
          continue;
        }
        const ev = e.data ?? {};
        if (e.type === 'run-started' && Array.isArray(ev['nodes'])) nodes = Math.max(1, ev['nodes'].length);
        else if (e.type === 'node-running') {
          const pr = ev['progress'] as { value?: number; max?: number } | undefined;
          const f = pr && typeof pr.value === 'number' && pr.max ? pr.value / pr.max : 0;
          current = { node: String(ev['node']), f };
        } else if (e.type && /^node-(done|cached|error|skipped|cancelled)$/.test(e.type)) {
          finishedNodes++;
          current = undefined;
        }
        send();
      }
    });
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
      child.on('close', (c, s) => res({ code: c, signal: s }));
    });
    active.delete(me);
    const childExitedAt = Date.now();
    if (stopping >= 2 && token) {
      // Handed back on a second SIGTERM: straight to the waiting list for another worker.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const tail = redactText(stderr.trim().split('\n').slice(-5).join(' | '));
    if (code === 2) throw new UnrecoverableError(`invalid pipeline on worker ${name}: ${tail}`);
    if (cancelled) throw new UnrecoverableError('the sweep was cancelled');
    const mf = join(dir, 'manifest.json');
    let manifest: Manifest | undefined;
    try {
      manifest = JSON.parse(readFileSync(mf, 'utf8')) as Manifest;
    } catch {
      manifest = undefined;
    }
    if (code === 0 && manifest?.status === 'done') {
      opts.log(`worker ${name}: done ${jobId} in ${((childExitedAt - childStartedAt) / 1000).toFixed(1)} s`);
      return { manifest, worker: name, takenAt, childStartedAt, childExitedAt };
    }
    if (manifest?.status === 'failed') {
      // The failed run's manifest is its row in the table (same as a local sweep's failed row);
      // BullMQ keeps only the error text, so the manifest is kept beside the job.
      await redis.hset(`${KEY_PREFIX}${data.sweep}:failed`, jobId, JSON.stringify(manifest));
      const errors = Object.entries(manifest.nodes)
        .filter(([, n]) => n.error)
        .map(([id, n]) => `${id}: ${n.error ?? ''}`)
        .join('; ');
      opts.log(`worker ${name}: failed ${jobId}: ${errors}`);
      throw new Error(errors || `run failed (exit ${code})`);
    }
    throw new Error(`run interrupted on worker ${name} (exit ${code ?? signal ?? '?'}): ${tail}`);
  };

  const worker = new Worker<RunJobData, RunJobResult>(QUEUE_NAME, processor, {
    connection: conn.options,
    concurrency: opts.concurrency,
    lockDuration: opts.lockDurationMs,
    stalledInterval: opts.lockDurationMs,
    // A run can be on a machine that dies more than once; the stalled count is not a run failure.
    maxStalledCount: 5,
  });
  worker.on('error', (e: Error) => sayOnce(`redis: ${e.message}`));
  worker.on('failed', (job, e) => {
    if (job && e.name === 'UnrecoverableError') opts.log(`worker ${name}: refused ${job.id ?? '?'}: ${e.message}`);
  });
  await worker.waitUntilReady();
  opts.log(
    `worker ${name}: serving ${conn.display} (concurrency ${opts.concurrency}, store ${store}, cortexflow ${version}` +
      `${plugins.length ? `, plugins ${plugins.map((p) => `${p.name}@${p.version}`).join(' ')}` : ''})`,
  );

  return await new Promise<number>((resolveExit) => {
    const onSignal = (sig: NodeJS.Signals): void => {
      stopping++;
      if (stopping === 1) {
        opts.log(
          `worker ${name}: ${sig}: finishing ${inflight} running run(s), taking no new ones (${sig} again: hand them back to the queue now)`,
        );
        void worker
          .close()
          .catch(() => undefined)
          .then(() => redis.quit().catch(() => undefined))
          .then(() => {
            opts.log(`worker ${name}: stopped`);
            resolveExit(0);
          });
      } else if (stopping === 2) {
        opts.log(`worker ${name}: ${sig} again: stopping ${active.size} run(s) and returning them to the queue`);
        for (const a of active) a.child.kill('SIGKILL');
      } else process.exit(130);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
