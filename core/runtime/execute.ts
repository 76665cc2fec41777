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
 *
 * Nodes are started from a work queue as their upstream outcomes arrive, never by nesting one
 * node's subscription inside another's, so a 10,000-node chain (even one whose first node fails and
 * skips all the rest synchronously) runs in constant stack depth.
 */
import { EMPTY, fromEvent, Observable, type Subscriber, type Subscription } from 'rxjs';
import type { RunEnvironment } from '../block.ts';
import type { ResolvedNode, ResolvedPipeline } from '../document.ts';
import { RunCache } from './cache.ts';
import type { RunEvent } from './events.ts';
import { runNode, type Outcome, type RunScope } from './node-run.ts';
import { nodeKeys, plan, upstreamIds } from './plan.ts';

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

let runCounter = 0;

function environment(pipeline: ResolvedPipeline, env: Partial<RunEnvironment> | undefined): RunEnvironment {
  return {
    platform: typeof window === 'undefined' && typeof process !== 'undefined' ? 'node' : 'browser',
    pipeline: {
      name: pipeline.name,
      ...(pipeline.document.description !== undefined ? { description: pipeline.document.description } : {}),
      nodes: pipeline.nodes.map((n) => ({ id: n.id, type: n.type, label: n.label, params: n.params })),
    },
    ...env,
  };
}

/**
 * Start each node once all its upstream outcomes are in, through a queue drained in a loop (a
 * trampoline): a node finishing synchronously queues its dependents instead of recursing into them.
 */
function schedule(
  order: readonly ResolvedNode[],
  start: (node: ResolvedNode, upstream: Map<string, Outcome>) => Observable<Outcome>,
  onAllDone: () => void,
  onError: (e: unknown) => void,
): Subscription[] {
  const ups = new Map(order.map((n) => [n.id, upstreamIds(n)]));
  const waiting = new Map(order.map((n) => [n.id, ups.get(n.id)?.length ?? 0]));
  const dependents = new Map<string, ResolvedNode[]>(order.map((n) => [n.id, []]));
  for (const n of order) for (const u of ups.get(n.id) ?? []) dependents.get(u)?.push(n);
  const outcomes = new Map<string, Outcome>();
  const queue: ResolvedNode[] = order.filter((n) => waiting.get(n.id) === 0);
  const subs: Subscription[] = [];
  let draining = false;
  const finish = (node: ResolvedNode, o: Outcome): void => {
    outcomes.set(node.id, o);
    for (const d of dependents.get(node.id) ?? []) {
      const left = (waiting.get(d.id) ?? 0) - 1;
      waiting.set(d.id, left);
      if (left === 0) queue.push(d);
    }
    if (outcomes.size === order.length) onAllDone();
    else drain();
  };
  const drain = (): void => {
    if (draining) return;
    draining = true;
    try {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const node = next;
        const upstream = new Map((ups.get(node.id) ?? []).map((u) => [u, outcomes.get(u) as Outcome]));
        subs.push(start(node, upstream).subscribe({ next: (o) => finish(node, o), error: onError }));
      }
    } finally {
      draining = false;
    }
  };
  if (order.length === 0) onAllDone();
  else drain();
  return subs;
}

type Counts = Extract<RunEvent, { type: 'run-finished' }>['data']['counts'];

function runFinished(subscriber: Subscriber<RunEvent>, scope: RunScope, c: Counts, started: number): void {
  const status = c.cancelled > 0 || scope.cancelled() ? 'cancelled' : c.failed > 0 ? 'failed' : 'done';
  scope.emit({ type: 'run-finished', data: { status, durationMs: scope.now() - started, counts: c } });
  subscriber.complete();
}

/** Execute a pipeline. See the module comment for the semantics. */
export function execute(pipeline: ResolvedPipeline, options: ExecuteOptions = {}): Observable<RunEvent> {
  return new Observable<RunEvent>((subscriber) => {
    const now = options.now ?? (() => Date.now());
    const started = now();
    const order = plan(pipeline, options.targets);
    const hard = new AbortController();
    const soft = options.signal;
    const counts = { done: 0, cached: 0, failed: 0, skipped: 0, cancelled: 0 };
    const active = new Set<AbortController>();
    const scope: RunScope = {
      keys: nodeKeys(pipeline),
      cache: options.cache ?? new RunCache(),
      env: environment(pipeline, options.env),
      now,
      emit: (e) => {
        if (!subscriber.closed) subscriber.next(e);
      },
      count: (s) => void counts[s]++,
      cancelled: () => soft?.aborted === true || hard.signal.aborted,
      cancel$: soft ? fromEvent(soft, 'abort') : EMPTY,
      active,
    };
    // One listener per signal for the whole run (not one per node): abort every running block.
    const abortAll = (reason: unknown): void => {
      for (const c of active) c.abort(reason);
    };
    const onSoftAbort = (): void => abortAll(soft?.reason);
    soft?.addEventListener('abort', onSoftAbort);
    runCounter += 1;
    scope.emit({ type: 'run-started', data: { runId: `run-${started}-${runCounter}`, nodes: order.map((n) => n.id), time: started } });
    for (const n of order) scope.emit({ type: 'node-queued', data: { node: n.id } });
    const subs = schedule(
      order,
      (node, upstream) => runNode(node, upstream, scope),
      () => runFinished(subscriber, scope, counts, started),
      (e) => subscriber.error(e),
    );
    return () => {
      hard.abort(new Error('run unsubscribed'));
      abortAll(hard.signal.reason);
      soft?.removeEventListener('abort', onSoftAbort);
      for (const s of subs) s.unsubscribe();
    };
  });
}
