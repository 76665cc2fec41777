/**
 * The runtime: plans a resolved pipeline (topological order, only the sub-graph the requested
 * nodes need) and executes it as an Observable of {@link RunEvent}s.
 *
 * - Independent branches run concurrently; a node starts as soon as all its inputs are ready.
 * - Outputs are cached by a hash of (type, version, params, upstream keys): after one param
 *   change, exactly that node and its downstream re-execute.
 * - A block that throws fails its own node; its dependents are skipped; other branches finish.
 * - Unsubscribing cancels at once (blocks see their AbortSignal fire; no further events). Aborting
 *   `options.signal` cancels gracefully: running and pending nodes are reported as cancelled and a
 *   final `run-finished` with status "cancelled" is emitted.
 */
import {
  catchError,
  defer,
  forkJoin,
  from,
  isObservable,
  last,
  map,
  mergeMap,
  Observable,
  of,
  shareReplay,
  takeUntil,
  tap,
  fromEvent,
  EMPTY,
  type Subscription,
} from 'rxjs';
import { BlockError, type BlockEmission, type Metrics, type RunEnvironment } from './block.ts';
import type { ResolvedNode, ResolvedPipeline } from './document.ts';
import { hashKey } from './hash.ts';
import type { InputSpec, PortType } from './ports.ts';

/** What an output looked like: its port type and one-line summary. */
export interface OutputSummary {
  type: string;
  summary: string;
}

/** The events of a run: a discriminated `{ type, data }` union. */
export type RunEvent =
  | { type: 'run-started'; data: { runId: string; nodes: string[]; time: number } }
  | { type: 'node-queued'; data: { node: string } }
  | {
      type: 'node-running';
      data: { node: string; progress?: { value: number; max: number }; metrics?: Metrics; message?: string };
    }
  | { type: 'node-warning'; data: { node: string; message: string } }
  | {
      type: 'node-cached';
      data: { node: string; key: string; outputs: Record<string, OutputSummary>; values: Record<string, unknown> };
    }
  | {
      type: 'node-done';
      data: {
        node: string;
        key: string;
        durationMs: number;
        outputs: Record<string, OutputSummary>;
        values: Record<string, unknown>;
      };
    }
  | {
      type: 'node-error';
      data: {
        node: string;
        message: string;
        durationMs: number;
        /** Outputs the block kept despite failing (e.g. the last good checkpoint). */
        outputs?: Record<string, OutputSummary>;
        values?: Record<string, unknown>;
      };
    }
  | { type: 'node-skipped'; data: { node: string; reason: string } }
  | { type: 'node-cancelled'; data: { node: string } }
  | {
      type: 'run-finished';
      data: {
        status: 'done' | 'failed' | 'cancelled';
        durationMs: number;
        counts: { done: number; cached: number; failed: number; skipped: number; cancelled: number };
      };
    };

export type RunEventType = RunEvent['type'];

/** A node's cached outputs. */
export interface CacheEntry {
  values: Record<string, unknown>;
}

/** Output cache keyed by node hash. A plain LRU over entries. */
export class RunCache {
  private readonly entries = new Map<string, CacheEntry>();
  constructor(readonly maxEntries = 256) {}
  get(key: string): CacheEntry | undefined {
    const e = this.entries.get(key);
    if (e) {
      this.entries.delete(key);
      this.entries.set(key, e);
    }
    return e;
  }
  set(key: string, entry: CacheEntry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
  get size(): number {
    return this.entries.size;
  }
  clear(): void {
    this.entries.clear();
  }
}

export interface ExecuteOptions {
  /** Run only what these nodes need (default: every node). */
  targets?: readonly string[];
  /** Reuse outputs across runs (default: a fresh cache, i.e. none reused). */
  cache?: RunCache;
  /** Graceful cancellation (Ctrl-C, the editor's Stop). */
  signal?: AbortSignal;
  env?: Partial<RunEnvironment>;
  /** Clock (tests). */
  now?: () => number;
}

/** The nodes needed for `targets`, in a stable topological order (document order breaks ties). */
export function plan(pipeline: ResolvedPipeline, targets?: readonly string[]): ResolvedNode[] {
  const needed = new Set<string>();
  const visit = (id: string): void => {
    if (needed.has(id)) return;
    const n = pipeline.byId.get(id);
    if (!n) throw new Error(`unknown node "${id}"; nodes: ${[...pipeline.byId.keys()].join(', ')}`);
    needed.add(id);
    for (const ends of Object.values(n.inputs)) for (const e of ends) visit(e.node);
  };
  for (const t of targets ?? pipeline.nodes.map((n) => n.id)) visit(t);
  const nodes = pipeline.nodes.filter((n) => needed.has(n.id));
  const indeg = new Map(nodes.map((n) => [n.id, 0]));
  const succ = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const n of nodes)
    for (const ends of Object.values(n.inputs))
      for (const e of ends) {
        indeg.set(n.id, (indeg.get(n.id) ?? 0) + 1);
        succ.get(e.node)?.push(n.id);
      }
  const order: ResolvedNode[] = [];
  const ready = nodes.filter((n) => indeg.get(n.id) === 0);
  while (ready.length > 0) {
    ready.sort((a, b) => a.index - b.index);
    const n = ready.shift() as ResolvedNode;
    order.push(n);
    for (const s of succ.get(n.id) ?? []) {
      const d = (indeg.get(s) ?? 0) - 1;
      indeg.set(s, d);
      if (d === 0) ready.push(pipeline.byId.get(s) as ResolvedNode);
    }
  }
  if (order.length !== nodes.length) throw new Error('the pipeline has a cycle');
  return order;
}

type Outcome =
  | { kind: 'ok'; key: string; values: Record<string, unknown> }
  | { kind: 'failed'; node: string }
  | { kind: 'cancelled' };

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

function summarize(node: ResolvedNode, values: Record<string, unknown>): Record<string, OutputSummary> {
  const out: Record<string, OutputSummary> = {};
  for (const [port, value] of Object.entries(values)) {
    const pt = node.block.outputs[port] as PortType | undefined;
    if (!pt) continue;
    let summary: string;
    try {
      summary = pt.summarize(value);
    } catch (e) {
      summary = `(summary failed: ${errorMessage(e)})`;
    }
    out[port] = { type: pt.name, summary };
  }
  return out;
}

/** Cache key of every node of a pipeline (independent of what is planned). */
export function nodeKeys(pipeline: ResolvedPipeline): Map<string, string> {
  const keys = new Map<string, string>();
  for (const n of plan(pipeline)) {
    const inputs: Record<string, string[]> = {};
    for (const [port, ends] of Object.entries(n.inputs))
      inputs[port] = ends.map((e) => `${keys.get(e.node) ?? '?'}:${e.port}`);
    const pipelineInfo = n.block.usesPipelineInfo
      ? {
          name: pipeline.name,
          description: pipeline.document.description,
          nodes: pipeline.nodes.map((m) => [m.id, m.type, m.label, m.params]),
        }
      : undefined;
    keys.set(n.id, hashKey({ type: n.type, version: n.block.version, params: n.params, inputs, pipelineInfo }));
  }
  return keys;
}

let runCounter = 0;

/** Execute a pipeline. See the module comment for the semantics. */
export function execute(pipeline: ResolvedPipeline, options: ExecuteOptions = {}): Observable<RunEvent> {
  return new Observable<RunEvent>((subscriber) => {
    const now = options.now ?? (() => Date.now());
    const started = now();
    const order = plan(pipeline, options.targets);
    const keys = nodeKeys(pipeline);
    const cache = options.cache ?? new RunCache();
    const hard = new AbortController();
    const env: RunEnvironment = {
      platform: typeof window === 'undefined' && typeof process !== 'undefined' ? 'node' : 'browser',
      pipeline: {
        name: pipeline.name,
        ...(pipeline.document.description !== undefined ? { description: pipeline.document.description } : {}),
        nodes: pipeline.nodes.map((n) => ({ id: n.id, type: n.type, label: n.label, params: n.params })),
      },
      ...options.env,
    };
    const counts = { done: 0, cached: 0, failed: 0, skipped: 0, cancelled: 0 };
    const emit = (e: RunEvent): void => {
      if (!subscriber.closed) subscriber.next(e);
    };
    const soft = options.signal;
    const cancelled = (): boolean => soft?.aborted === true || hard.signal.aborted;
    const cancel$ = soft ? fromEvent(soft, 'abort') : EMPTY;
    // One listener per signal for the whole run (not one per node): abort every running block.
    const active = new Set<AbortController>();
    const abortAll = (reason: unknown): void => {
      for (const c of active) c.abort(reason);
    };
    const onSoftAbort = (): void => abortAll(soft?.reason);
    soft?.addEventListener('abort', onSoftAbort);

    runCounter += 1;
    emit({
      type: 'run-started',
      data: { runId: `run-${started}-${runCounter}`, nodes: order.map((n) => n.id), time: started },
    });
    for (const n of order) emit({ type: 'node-queued', data: { node: n.id } });

    const results = new Map<string, Observable<Outcome>>();
    const runNode = (node: ResolvedNode, upstream: Map<string, Outcome>): Observable<Outcome> => {
      const key = keys.get(node.id) as string;
      if (cancelled()) {
        counts.cancelled++;
        emit({ type: 'node-cancelled', data: { node: node.id } });
        return of({ kind: 'cancelled' });
      }
      for (const [uid, o] of upstream) {
        if (o.kind !== 'ok') {
          counts.skipped++;
          const reason =
            o.kind === 'failed' && o.node === uid
              ? `upstream node "${uid}" failed`
              : o.kind === 'failed'
                ? `upstream node "${o.node}" failed`
                : `upstream node "${uid}" was cancelled`;
          emit({ type: 'node-skipped', data: { node: node.id, reason } });
          return of(o.kind === 'failed' ? o : ({ kind: 'cancelled' } as const));
        }
      }
      const hit = cache.get(key);
      if (hit) {
        counts.cached++;
        emit({
          type: 'node-cached',
          data: { node: node.id, key, outputs: summarize(node, hit.values), values: hit.values },
        });
        return of({ kind: 'ok', key, values: hit.values });
      }
      // Gather inputs.
      const inputs: Record<string, unknown> = {};
      for (const [port, spec] of Object.entries(node.block.inputs as Record<string, InputSpec>)) {
        const ends = node.inputs[port] ?? [];
        const vals = ends.map((e) => {
          const o = upstream.get(e.node) as Extract<Outcome, { kind: 'ok' }>;
          return o.values[e.port];
        });
        inputs[port] = spec.multiple ? vals : vals[0];
      }
      const t0 = now();
      const nodeAbort = new AbortController();
      active.add(nodeAbort);
      const cleanup = (): void => {
        active.delete(nodeAbort);
      };
      emit({ type: 'node-running', data: { node: node.id } });
      const progress = (value: number, max: number, metrics?: Metrics, message?: string): void => {
        if (nodeAbort.signal.aborted) return;
        emit({
          type: 'node-running',
          data: {
            node: node.id,
            progress: { value, max },
            ...(metrics !== undefined ? { metrics } : {}),
            ...(message !== undefined ? { message } : {}),
          },
        });
      };
      const warn = (message: string): void => emit({ type: 'node-warning', data: { node: node.id, message } });
      const run$ = defer(() => {
        const r = node.block.run({
          params: node.params,
          inputs,
          signal: nodeAbort.signal,
          nodeId: node.id,
          progress,
          warn,
          env,
        });
        if (isObservable(r)) {
          return (r as Observable<BlockEmission<Record<string, unknown>>>).pipe(
            tap((e) => {
              if (e.kind === 'progress') progress(e.value, e.max, e.metrics, e.message);
              else if (e.kind === 'warning') warn(e.message);
            }),
            last((e) => e.kind === 'outputs', undefined),
            map((e) => {
              if (!e || e.kind !== 'outputs') throw new Error('the block completed without emitting its outputs');
              return e.outputs;
            }),
          );
        }
        return from(r as Promise<Record<string, unknown>>);
      });
      return run$.pipe(
        takeUntil(cancel$),
        last(undefined, undefined),
        map((values): Outcome => {
          cleanup();
          if (values === undefined || cancelled()) {
            counts.cancelled++;
            emit({ type: 'node-cancelled', data: { node: node.id } });
            return { kind: 'cancelled' };
          }
          const missing = Object.keys(node.block.outputs).filter((p) => !(p in values) || values[p] === undefined);
          if (missing.length > 0) throw new Error(`the block returned no value for output(s) ${missing.join(', ')}`);
          cache.set(key, { values });
          counts.done++;
          emit({
            type: 'node-done',
            data: { node: node.id, key, durationMs: now() - t0, outputs: summarize(node, values), values },
          });
          return { kind: 'ok', key, values };
        }),
        catchError((e: unknown): Observable<Outcome> => {
          cleanup();
          if (cancelled()) {
            counts.cancelled++;
            emit({ type: 'node-cancelled', data: { node: node.id } });
            return of({ kind: 'cancelled' });
          }
          counts.failed++;
          const partial = e instanceof BlockError ? e.outputs : undefined;
          emit({
            type: 'node-error',
            data: {
              node: node.id,
              message: errorMessage(e),
              durationMs: now() - t0,
              ...(partial ? { outputs: summarize(node, partial), values: partial } : {}),
            },
          });
          return of({ kind: 'failed', node: node.id });
        }),
      );
    };

    for (const node of order) {
      const ups = [...new Set(Object.values(node.inputs).flatMap((ends) => ends.map((e) => e.node)))];
      const upstream$ =
        ups.length === 0
          ? of(new Map<string, Outcome>())
          : forkJoin(ups.map((u) => results.get(u) as Observable<Outcome>)).pipe(
              map((outs) => new Map(ups.map((u, i) => [u, outs[i] as Outcome]))),
            );
      results.set(
        node.id,
        upstream$.pipe(
          mergeMap((u) => runNode(node, u)),
          shareReplay(1),
        ),
      );
    }

    const all: Subscription = forkJoin(order.map((n) => results.get(n.id) as Observable<Outcome>)).subscribe({
      complete: () => {
        const status = counts.cancelled > 0 || cancelled() ? 'cancelled' : counts.failed > 0 ? 'failed' : 'done';
        emit({ type: 'run-finished', data: { status, durationMs: now() - started, counts } });
        subscriber.complete();
      },
      error: (e: unknown) => subscriber.error(e),
    });
    return () => {
      hard.abort(new Error('run unsubscribed'));
      abortAll(hard.signal.reason);
      soft?.removeEventListener('abort', onSoftAbort);
      all.unsubscribe();
    };
  });
}
