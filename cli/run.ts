/**
 * The main thread of `cortexflow run`: starts the pipeline in a worker thread (run-worker.ts),
 * records and displays its events, and keeps every stop honoured however busy the worker is.
 *
 * - First Ctrl-C (SIGINT) or SIGTERM: the worker is asked to cancel; if it has not finished
 *   within {@link CANCEL_GRACE_MS} (a block holding its thread), it is terminated. Either way the
 *   manifest says "cancelled" and the process ends; nothing the blocks left (timers, sockets)
 *   can keep it alive, since the worker is terminated at the end.
 * - Second signal: the manifest is written synchronously as "cancelled" and the process exits.
 * - `--node-timeout`: the worker fails a node whose time is up; a node that does not yield at
 *   all is stopped here by terminating the worker (its run then fails).
 * - With CORTEXFLOW_WATCH_PARENT=1 (set by `cortexflow sweep` for its runs) the end of stdin
 *   counts as SIGTERM (bin/cortexflow.mjs): a run never outlives a killed sweep.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { plan, RUN_MANIFEST_FORMAT, type ResolvedPipeline } from '../core/index.ts';
import type { Manifest, RunRecorder } from './artifacts.ts';
import { valuesDir } from './outdir.ts';
import type { Display } from './progress.ts';
import type { FromWorker, NodePayload, ToWorker, WireEvent, WorkerLoad, WorkerStart } from './run-worker.ts';

/** How long a cancelled worker gets to stop by itself before it is terminated. */
export const CANCEL_GRACE_MS = 2000;

/** A run's worker thread, started early so that it loads while the main thread checks things. */
export interface PreparedWorker {
  readonly worker: Worker;
  /** Messages that arrived before the run started (a load failure). */
  readonly early: FromWorker[];
  dispose(): Promise<void>;
}

/**
 * Start the worker thread now; it loads the blocks, plugins and pipeline and waits for
 * {@link runInWorker}. Unreferenced until then, so an early exit (invalid pipeline, locked
 * folder) is not held up by it; `dispose` terminates it.
 */
export function prepareWorker(load: WorkerLoad): PreparedWorker {
  const worker = new Worker(new URL('./run-worker.mjs', import.meta.url), { workerData: load });
  worker.unref();
  const early: FromWorker[] = [];
  worker.on('message', (m: FromWorker) => early.push(m));
  worker.on('error', () => undefined); // reported by runInWorker's own listener, or irrelevant
  return {
    worker,
    early,
    dispose: async () => {
      await worker.terminate();
    },
  };
}

export interface WorkerRunOptions {
  prepared: PreparedWorker;
  start: WorkerStart;
  recorder: RunRecorder;
  display: Display | undefined;
  /** Print each event as an NDJSON line. */
  json: (e: WireEvent) => void;
  /** Called on the second signal, after the manifest was written: exits the process. */
  exitNow: () => void;
  log: (line: string) => void;
}

type FinalStatus = Exclude<Manifest['status'], 'running'>;

/** Run the task in a worker thread; resolves with the run's final status when it has ended. */
export async function runInWorker(o: WorkerRunOptions): Promise<FinalStatus> {
  const { recorder } = o;
  const t0 = Date.now();
  const worker = o.prepared.worker;
  worker.removeAllListeners('message');
  worker.ref();
  let finished: FinalStatus | undefined;
  let plan: string[] = [];
  const runningSince = new Map<string, number>();
  let resolveEnd: () => void = () => undefined;
  const ended = new Promise<void>((r) => {
    resolveEnd = r;
  });

  const deliver = (e: WireEvent, payload?: NodePayload): void => {
    if (finished) return;
    if (e.type === 'run-started') plan = e.data.nodes;
    else if (e.type === 'node-running') {
      if (!runningSince.has(e.data.node)) runningSince.set(e.data.node, Date.now());
    } else if (e.type !== 'node-warning' && e.type !== 'node-queued' && e.type !== 'run-finished')
      runningSince.delete(e.data.node);
    recorder.record(e, payload);
    o.display?.event(e);
    o.json(e);
    if (e.type === 'run-finished') {
      finished = e.data.status;
      resolveEnd();
    }
  };

  /** End the run here (the worker is gone or being terminated): settle every unfinished node. */
  const abandon = (status: FinalStatus, why: string, failing?: { node: string; message: string }): void => {
    if (finished) return;
    for (const id of plan) {
      const phase = recorder.phase(id);
      if (phase !== 'queued' && phase !== 'running') continue;
      if (failing?.node === id || (status === 'failed' && phase === 'running' && !failing))
        deliver({
          type: 'node-error',
          data: {
            node: id,
            message: failing?.node === id ? failing.message : why,
            durationMs: Date.now() - (runningSince.get(id) ?? t0),
          },
        });
      else if (status === 'failed' && !failing) deliver({ type: 'node-skipped', data: { node: id, reason: why } });
      else deliver({ type: 'node-cancelled', data: { node: id } });
    }
    deliver({ type: 'run-finished', data: { status, durationMs: Date.now() - t0, counts: recorder.counts() } });
  };

  const onMessage = (m: FromWorker): void => {
    if (m.kind === 'event') deliver(m.event, m.payload);
    else {
      o.log(`error: ${m.message}`);
      abandon('failed', `the run stopped: ${m.message}`);
    }
  };
  for (const m of o.prepared.early) onMessage(m);
  worker.on('message', onMessage);
  worker.on('error', (e: Error) => {
    o.log(`error: the run's worker thread failed: ${e.message}`);
    abandon('failed', `the run's worker thread failed: ${e.message}`);
  });
  worker.on('exit', (code) => {
    abandon('failed', `the run's worker thread ended unexpectedly (exit code ${code})`);
  });

  worker.postMessage({ kind: 'start', start: o.start } satisfies ToWorker);

  let grace: NodeJS.Timeout | undefined;
  let signals = 0;
  const onSignal = (): void => {
    signals++;
    if (signals === 1) {
      o.log('\ncancelling (Ctrl-C again to quit at once)...');
      worker.postMessage({ kind: 'cancel' } satisfies ToWorker);
      grace = setTimeout(() => {
        if (finished) return;
        o.log(`a block did not stop within ${CANCEL_GRACE_MS / 1000} s; stopping its thread`);
        abandon('cancelled', 'cancelled');
        void worker.terminate();
      }, CANCEL_GRACE_MS);
    } else {
      abandon('cancelled', 'cancelled');
      recorder.writeManifestSync('cancelled');
      o.exitNow();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A node that does not yield cannot be stopped by the worker's own timer: stop the worker.
  const limit = o.start.nodeTimeoutMs;
  const watchdog =
    limit > 0
      ? setInterval(() => {
          for (const [id, since] of runningSince)
            if (Date.now() - since > limit + CANCEL_GRACE_MS) {
              const message =
                `stopped: it ran longer than --node-timeout (${limit / 1000} s) and did not yield; ` +
                'its thread was terminated, so the rest of the run was cancelled';
              abandon('failed', 'cancelled', { node: id, message });
              void worker.terminate();
              return;
            }
        }, 250)
      : undefined;

  try {
    await ended;
  } finally {
    if (grace) clearTimeout(grace);
    if (watchdog) clearInterval(watchdog);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    worker.removeAllListeners('exit');
    // Whatever the blocks left behind (timers, open handles) ends with their thread.
    await worker.terminate();
  }
  return finished ?? 'failed';
}

/** The manifest.json of a results folder, or undefined when there is none (or it is unreadable). */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  try {
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    return m.format === RUN_MANIFEST_FORMAT && typeof m.nodes === 'object' && m.nodes !== null ? m : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a resumed run can reuse: the keys of nodes the previous run finished ("done"/"cached")
 * whose content key is unchanged, whose files are all on disk and whose values were kept.
 * `alreadyDone`: the previous run ended done with every planned node unchanged.
 */
export function resumePlan(
  previous: Manifest,
  pipeline: ResolvedPipeline,
  keys: Map<string, string>,
  targets: readonly string[],
  dir: string,
): { keys: string[]; alreadyDone: boolean } {
  const planned = plan(pipeline, targets.length ? targets : undefined);
  const finished = (id: string): boolean => {
    const n = Object.hasOwn(previous.nodes, id) ? previous.nodes[id] : undefined;
    if (!n || (n.status !== 'done' && n.status !== 'cached') || n.key === undefined || n.key !== keys.get(id))
      return false;
    return Object.values(n.outputs ?? {}).every((o) => o.files.every((f) => existsSync(join(dir, f))));
  };
  const alreadyDone = previous.status === 'done' && planned.every((n) => finished(n.id));
  const out = new Set<string>();
  for (const n of planned) {
    const key = keys.get(n.id);
    if (key && finished(n.id) && existsSync(join(valuesDir(dir), `${key}.v8`))) out.add(key);
  }
  return { keys: [...out], alreadyDone };
}
