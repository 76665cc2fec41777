/**
 * The worker thread a `cortexflow run` computes in. The main thread keeps the terminal, the
 * signals and the disk; this thread loads the same pipeline, runs it, and posts every run event
 * with what the main thread needs to record it: each output's artifact bytes, its headline
 * numbers, and (for `--resume`) the serialised output values. A block that blocks this thread
 * for minutes (a big synchronous computation, a plugin's busy loop) cannot delay Ctrl-C: the main
 * thread terminates this one when it does not stop in time.
 *
 * Two watchdogs live here, around every block's `run`:
 * - a promise that can never settle (nothing left in the event loop could resolve it) fails its
 *   node with a message, instead of letting the process end silently with exit code 13;
 * - `--node-timeout`: the node's AbortSignal fires and the node fails when its time is up (a
 *   block that never yields is stopped by the main thread's watchdog instead).
 */
import { setMaxListeners } from 'node:events';
import v8 from 'node:v8';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Observable, type Subscription } from 'rxjs';
import {
  fromBlockRun,
  serialiseEvent,
  type SerialisedRunEvent,
  execute,
  RunCache,
  type AnyBlock,
  type Artifact,
  type BlockEmission,
  type PortType,
  type ResolvedNode,
  type ResolvedPipeline,
} from '../core/index.ts';

/** What the worker loads as soon as it starts (in parallel with the main thread's own checks). */
export interface WorkerLoad {
  file: string;
  sets: string[];
  plugins: string[];
  targets: string[];
  backend?: string;
}

/** How to run, sent once the main thread has validated the pipeline and locked the folder. */
export interface WorkerStart {
  /** Per-node time limit in ms; 0 = none. */
  nodeTimeoutMs: number;
  /** Output values larger than this (serialised) are not kept for --resume; 0 = no limit. */
  maxValueBytes: number;
  /** Node keys whose outputs (files on disk and serialised values in `valuesDir`) are reused. */
  reuseKeys: string[];
  valuesDir: string;
}

/** A run event as it crosses the thread boundary: no in-process values (core's serialiser). */
export type WireEvent = SerialisedRunEvent;

/** One output port's serialised form. */
export interface OutputPayload {
  artifacts: Artifact[];
  numbers?: Record<string, number>;
  /** Why the artifacts or numbers could not be made. */
  errors: string[];
}

/** Everything the main thread writes for a node that produced outputs. */
export interface NodePayload {
  key: string;
  outputs: Record<string, OutputPayload>;
  /** `v8.serialize` of the node's output values, deflated (absent when not plain data or over the limit). */
  values?: Uint8Array;
  /** The outputs came from a previous run's files (nothing to write again). */
  reused: boolean;
}

export type FromWorker =
  { kind: 'event'; event: WireEvent; payload?: NodePayload } | { kind: 'fatal'; message: string };

export type ToWorker = { kind: 'cancel' } | { kind: 'start'; start: WorkerStart };

/** Only plain data survives v8 (de)serialisation unchanged; a class instance would lose its prototype. */
export function isPlainData(v: unknown, seen = new Set<object>()): boolean {
  if (v === null || v === undefined) return true;
  const t = typeof v;
  if (t === 'number' || t === 'string' || t === 'boolean' || t === 'bigint') return true;
  if (t !== 'object') return false; // functions, symbols
  const o = v;
  if (seen.has(o)) return true;
  seen.add(o);
  if (ArrayBuffer.isView(o) || o instanceof ArrayBuffer || o instanceof Date) return true;
  if (Array.isArray(o)) return o.every((x) => isPlainData(x, seen));
  if (o instanceof Map) return [...o].every(([k, x]) => isPlainData(k, seen) && isPlainData(x, seen));
  if (o instanceof Set) return [...o].every((x) => isPlainData(x, seen));
  const proto = Object.getPrototypeOf(o) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(o).every((x) => isPlainData(x, seen));
}

function message(e: unknown): string {
  return e instanceof Error ? e.message || e.name : String(e);
}

/** Nodes whose block is running, with the function that fails them. */
const running = new Map<string, (e: Error) => void>();

/** Wrap a node's block with the watchdogs (see the module comment). */
function guarded(node: ResolvedNode, timeoutMs: number): ResolvedNode {
  const block = node.block;
  const run = (ctx: Parameters<AnyBlock['run']>[0]) =>
    new Observable<BlockEmission<Record<string, unknown>>>((sub) => {
      let settled = false;
      let inner: Subscription | undefined;
      let timer: NodeJS.Timeout | undefined;
      const limit = new AbortController();
      const signal = timeoutMs > 0 ? AbortSignal.any([ctx.signal, limit.signal]) : ctx.signal;
      const finish = (): void => {
        settled = true;
        running.delete(node.id);
        if (timer) clearTimeout(timer);
      };
      const fail = (e: unknown): void => {
        if (settled) return;
        finish();
        sub.error(e);
      };
      running.set(node.id, fail);
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          const err = new Error(`stopped: it ran longer than --node-timeout (${timeoutMs / 1000} s)`);
          limit.abort(err);
          fail(err);
        }, timeoutMs);
        timer.unref(); // the limit alone must not keep a stalled block "alive" (see beforeExit)
      }
      // One turn of the event loop first, so the outputs of nodes that just finished are
      // serialised and posted before a block that may hold this thread for a long time starts.
      const start = setImmediate(() => {
        // core's fromBlockRun turns the block's Promise or Observable into emissions; its progress
        // and warnings reach the runtime through this Observable.
        inner = fromBlockRun(block, { ...ctx, signal }).subscribe({
          next: (e) => {
            if (!settled) sub.next(e);
          },
          error: fail,
          complete: () => {
            if (settled) return;
            finish();
            sub.complete();
          },
        });
      });
      return () => {
        if (!settled) finish();
        clearImmediate(start);
        inner?.unsubscribe();
      };
    });
  return { ...node, block: { ...block, run } };
}

/** Serialise a node's outputs for the main thread. */
async function payloadOf(
  node: ResolvedNode,
  key: string,
  values: Record<string, unknown>,
  reused: boolean,
  maxValueBytes: number,
  withValues: boolean,
): Promise<NodePayload> {
  const outputs: Record<string, OutputPayload> = {};
  for (const [port, value] of Object.entries(values)) {
    const pt = node.block.outputs[port] as PortType | undefined;
    if (!pt) continue;
    const o: OutputPayload = { artifacts: [], errors: [] };
    if (pt.numbers)
      try {
        o.numbers = pt.numbers(value);
      } catch (e) {
        o.errors.push(`${node.id}.${port}: numbers() threw: ${message(e)}`);
      }
    if (!reused && pt.artifacts)
      try {
        o.artifacts = await pt.artifacts(value);
      } catch (e) {
        o.errors.push(`${node.id}.${port}: could not serialise: ${message(e)}`);
      }
    outputs[port] = o;
  }
  const p: NodePayload = { key, outputs, reused };
  if (withValues && !reused && isPlainData(values)) {
    try {
      // Deflated (zlib level 1, native): a task's 48 MB of noise-free trials keep in ~0.3 MB.
      const bytes = deflateRawSync(v8.serialize(values), { level: 1 });
      if (maxValueBytes === 0 || bytes.byteLength <= maxValueBytes) p.values = bytes;
    } catch {
      /* not serialisable: this node is recomputed on --resume */
    }
  }
  return p;
}

/** Load the previous run's output values for the keys it may reuse. */
async function preload(task: WorkerStart, cache: RunCache): Promise<Set<string>> {
  const reused = new Set<string>();
  for (const key of task.reuseKeys) {
    if (!/^[0-9a-f]{16}$/.test(key)) continue;
    try {
      const values = v8.deserialize(inflateRawSync(await readFile(join(task.valuesDir, `${key}.v8`)))) as Record<string, unknown>;
      cache.set(key, { values });
      reused.add(key);
    } catch {
      /* missing or unreadable: the node is computed again */
    }
  }
  return reused;
}

/** The worker's main: load, run, post. */
async function work(load: WorkerLoad): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const post = (m: FromWorker): void => port.postMessage(m);
  const controller = new AbortController();
  // The runtime listens to the run's signal once per running node: 2,000 nodes are not a leak.
  setMaxListeners(0, controller.signal);
  let begin: (s: WorkerStart) => void = () => undefined;
  const started = new Promise<WorkerStart>((r) => {
    begin = r;
  });
  port.on('message', (m: ToWorker) => {
    if (m.kind === 'cancel') controller.abort(new Error('cancelled by the user'));
    else begin(m.start);
  });
  process.on('beforeExit', () => {
    for (const fail of [...running.values()])
      fail(
        new Error(
          `never finished: its block returned a promise that can never settle ` +
            '(nothing it waits on is left: no timer, I/O or worker)',
        ),
      );
  });

  const { makeRegistry, readPipeline } = await import('./pipeline-load.ts');
  const { registry } = await makeRegistry(load.plugins, () => undefined);
  const loaded = await readPipeline(load.file, registry, load.sets);
  const task = await started;
  // From here the port must not keep this thread alive: an empty event loop is how a stalled
  // block shows (beforeExit above).
  port.unref();
  if ('errors' in loaded) {
    post({ kind: 'fatal', message: `the pipeline did not load in the worker: ${loaded.errors.length} error(s)` });
    return;
  }
  const base = loaded.pipeline;
  const nodes = base.nodes.map((n) => guarded(n, task.nodeTimeoutMs));
  const pipeline: ResolvedPipeline = { ...base, nodes, byId: new Map(nodes.map((n) => [n.id, n])) };
  const cache = new RunCache(Math.max(256, nodes.length + task.reuseKeys.length + 1));
  const reused = await preload(task, cache);

  let chain: Promise<void> = Promise.resolve();
  await new Promise<void>((resolve) => {
    execute(pipeline, {
      signal: controller.signal,
      cache,
      ...(load.targets.length ? { targets: load.targets } : {}),
      env: { platform: 'node', ...(load.backend ? { backend: load.backend } : {}) },
    }).subscribe({
      next: (e) => {
        // Posted strictly in order; a node's files are serialised before later events go out.
        chain = chain.then(async () => {
          let payload: NodePayload | undefined;
          if (e.type === 'node-done' || e.type === 'node-cached') {
            const node = pipeline.byId.get(e.data.node) as ResolvedNode;
            const isReused = e.type === 'node-cached' && reused.has(e.data.key);
            payload = await payloadOf(node, e.data.key, e.data.values, isReused, task.maxValueBytes, true);
          } else if (e.type === 'node-error' && e.data.values) {
            const node = pipeline.byId.get(e.data.node) as ResolvedNode;
            payload = await payloadOf(node, '', e.data.values, false, task.maxValueBytes, false);
          }
          post({ kind: 'event', event: serialiseEvent(e), ...(payload ? { payload } : {}) });
        });
      },
      error: (err: unknown) => {
        chain = chain.then(() => post({ kind: 'fatal', message: message(err) }));
        resolve();
      },
      complete: resolve,
    });
  });
  await chain;
}

if (!isMainThread && parentPort) {
  work(workerData as WorkerLoad).catch((e: unknown) => {
    parentPort?.postMessage({ kind: 'fatal', message: message(e) } satisfies FromWorker);
  });
}
