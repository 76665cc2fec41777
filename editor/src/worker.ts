/**
 * The runtime worker: validates the pipeline document with the core, runs it with the core runtime
 * (RxJS, the same code the CLI runs) and streams its events to the page. tfjs uses the wasm backend
 * here (SIMD; threaded on every core when the page is cross-origin isolated, see isolation.ts),
 * falling back to cpu.
 * A RunCache lives as long as the worker, so a re-run only re-executes what changed.
 */
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { Subscription } from 'rxjs';
import * as core from '../../core/index.ts';
import {
  errorForWire,
  execute,
  loadPipeline,
  RunCache,
  serialiseEvent,
  type ResolvedPipeline,
  type RunEvent,
} from '../../core/index.ts';
import * as nodes from '../../nodes/index.ts';
import { builtinRegistry } from '../../nodes/index.ts';
import { configureWasmPaths, describeBackend, tf, useBackend } from '../../nodes/lib/tf.ts';
import { installBundled } from './plugins.ts';
import { poolThreads, threadsNote } from './isolation.ts';
import { previewsOf, type FromWorker, type ToWorker, type WireEvent } from './protocol.ts';
import { RunArchive } from './run-archive.ts';
import { installUserPlugin, provideModules } from './user-plugins.ts';

interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

const registry = builtinRegistry({ onWarning: () => {} });
const cache = new RunCache(512);
const installedPlugins = new Set<string>();
provideModules({ 'cortexflow/core': core, 'cortexflow/nodes': nodes });
/** The last run, for downloads. */
let archive: RunArchive | undefined;
let backend = 'cpu';

const ready = (async (): Promise<void> => {
  configureWasmPaths({
    'tfjs-backend-wasm.wasm': wasmUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
  // Every core where the page is cross-origin isolated, else one (tfjs then loads the single-thread build).
  setThreadsCount(poolThreads());
  try {
    const info = await useBackend(undefined, 'wasm');
    backend = info.backend;
    const wasm = info.backend === 'wasm';
    const threaded = wasm && (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
    scope.postMessage({ type: 'ready', backend: describeBackend(info) + threadsNote(wasm ? getThreadsCount() : 1, threaded) });
  } catch (e) {
    scope.postMessage({ type: 'ready', backend: `cpu (${e instanceof Error ? e.message : String(e)})` });
  }
})();

let current: { runId: number; sub: Subscription; abort: AbortController } | undefined;

/** The event without values (core's serialiser), plus what the page can show of them. */
function toWire(e: RunEvent, pipeline: ResolvedPipeline): WireEvent {
  const wire = serialiseEvent(e);
  if (e.type !== 'node-done' && e.type !== 'node-cached' && e.type !== 'node-error') return wire as WireEvent;
  const ports = pipeline.byId.get(e.data.node)?.block.outputs ?? {};
  if (e.type === 'node-error' && !e.data.values) return wire as WireEvent;
  return { type: wire.type, data: { ...wire.data, previews: previewsOf(ports, e.data.values) } } as WireEvent;
}

async function run(msg: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  await ready;
  current?.abort.abort();
  current?.sub.unsubscribe();
  const wanted = [
    ...(msg.plugins ?? []).map((id) => ({ id, install: () => installBundled(id, registry) })),
    ...(msg.userPlugins ?? []).map((p) => ({ id: p.id, install: () => installUserPlugin(p, registry) })),
  ];
  for (const p of wanted) {
    if (installedPlugins.has(p.id)) continue;
    try {
      await p.install();
      installedPlugins.add(p.id);
    } catch (e) {
      scope.postMessage({ type: 'crashed', runId: msg.runId, message: e instanceof Error ? e.message : String(e) });
      return;
    }
  }
  const loaded = loadPipeline(msg.document, registry);
  if (!loaded.ok) {
    scope.postMessage({ type: 'invalid', runId: msg.runId, errors: loaded.errors.map(errorForWire) });
    return;
  }
  const abort = new AbortController();
  const rec = new RunArchive(loaded.pipeline, {
    file: msg.file ?? 'pipeline.json',
    plugins: msg.document.plugins ?? [],
  });
  archive = rec;
  try {
    const sub = execute(loaded.pipeline, {
      cache,
      signal: abort.signal,
      env: { platform: 'browser', backend },
      ...(msg.targets ? { targets: msg.targets } : {}),
    }).subscribe({
      next: (event) => {
        rec.record(event);
        scope.postMessage({ type: 'event', runId: msg.runId, event: toWire(event, loaded.pipeline) });
      },
      error: (e: unknown) =>
        scope.postMessage({ type: 'crashed', runId: msg.runId, message: e instanceof Error ? e.message : String(e) }),
    });
    current = { runId: msg.runId, sub, abort };
  } catch (e) {
    scope.postMessage({ type: 'crashed', runId: msg.runId, message: e instanceof Error ? e.message : String(e) });
  }
}

async function exportFiles(msg: Extract<ToWorker, { type: 'export' }>): Promise<void> {
  const reply = (r: Omit<Extract<FromWorker, { type: 'exported' }>, 'type' | 'requestId'>): void =>
    scope.postMessage({ type: 'exported', requestId: msg.requestId, ...r });
  if (!archive) return reply({ files: [], error: 'nothing has run yet: run the pipeline first' });
  try {
    if (msg.node !== undefined && msg.port !== undefined) {
      const files = await archive.portFiles(msg.node, msg.port);
      if (!files)
        return reply({ files: [], error: `${msg.node}.${msg.port} has no result to download (run it first)` });
      return reply({ files });
    }
    const files = await archive.files();
    return reply({ files, manifest: archive.manifest });
  } catch (e) {
    return reply({ files: [], error: e instanceof Error ? e.message : String(e) });
  }
}

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  if (msg.type === 'run') void run(msg);
  else if (msg.type === 'export') void exportFiles(msg);
  else if (msg.type === 'stop') {
    if (current && current.runId === msg.runId) current.abort.abort(new Error('stopped from the editor'));
  } else if (msg.type === 'clear-cache') cache.clear();
};
