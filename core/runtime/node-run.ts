/**
 * One node's part of a run, as small operators: skip when an upstream failed or was cancelled,
 * answer from the cache, otherwise run the block (`fromBlockRun`) until it finishes, fails or is
 * cancelled. Every path ends in one {@link Outcome} and the node's last event.
 */
import { catchError, filter, last, map, Observable, of, takeUntil, tap, type OperatorFunction } from 'rxjs';
import { BlockError, type BlockEmission, type RunEnvironment } from '../block.ts';
import type { ResolvedNode } from '../document.ts';
import { outputPort } from '../graph.ts';
import type { InputSpec } from '../ports.ts';
import type { RunCache } from './cache.ts';
import type { OutputSummary, RunEvent } from './events.ts';
import { fromBlockRun } from './from-block-run.ts';

/** How a node ended. `failed.node` is the node whose failure it was (itself, or an upstream). */
export type Outcome =
  | { kind: 'ok'; key: string; values: Record<string, unknown> }
  | { kind: 'failed'; node: string }
  | { kind: 'cancelled' };

/** What every node of one run shares. */
export interface RunScope {
  keys: ReadonlyMap<string, string>;
  cache: RunCache;
  env: RunEnvironment;
  now: () => number;
  emit: (e: RunEvent) => void;
  count: (status: 'done' | 'cached' | 'failed' | 'skipped' | 'cancelled') => void;
  /** Has the run been cancelled (gracefully or by unsubscribing)? */
  cancelled: () => boolean;
  /** Fires once when the run is cancelled gracefully. */
  cancel$: Observable<unknown>;
  /** Running nodes' controllers, aborted together on cancel. */
  active: Set<AbortController>;
}

/** An error's message for events. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

/** One-line summaries of a node's output values. */
export function summarize(node: ResolvedNode, values: Record<string, unknown>): Record<string, OutputSummary> {
  const out: Record<string, OutputSummary> = {};
  for (const [port, value] of Object.entries(values)) {
    const pt = outputPort(node.block, port);
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

function cancelledOutcome(node: ResolvedNode, scope: RunScope): Outcome {
  scope.count('cancelled');
  scope.emit({ type: 'node-cancelled', data: { node: node.id } });
  return { kind: 'cancelled' };
}

/**
 * The outcome of a node whose upstream did not all succeed (a skip, with the first culprit as
 * reason), or undefined when every upstream succeeded.
 */
export function skipOnUpstreamFailure(node: ResolvedNode, upstream: ReadonlyMap<string, Outcome>, scope: RunScope): Outcome | undefined {
  for (const [uid, o] of upstream) {
    if (o.kind === 'ok') continue;
    scope.count('skipped');
    const reason =
      o.kind === 'failed' ? `upstream node "${o.node}" failed` : `upstream node "${uid}" was cancelled`;
    scope.emit({ type: 'node-skipped', data: { node: node.id, reason } });
    return o.kind === 'failed' ? o : { kind: 'cancelled' };
  }
  return undefined;
}

function fromCache(node: ResolvedNode, key: string, scope: RunScope): Outcome | undefined {
  const hit = scope.cache.get(key);
  if (!hit) return undefined;
  scope.count('cached');
  scope.emit({ type: 'node-cached', data: { node: node.id, key, outputs: summarize(node, hit.values), values: hit.values } });
  return { kind: 'ok', key, values: hit.values };
}

function gatherInputs(node: ResolvedNode, upstream: ReadonlyMap<string, Outcome>): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [port, spec] of Object.entries(node.block.inputs as Record<string, InputSpec>)) {
    const vals = (node.inputs[port] ?? []).map((e) => {
      const o = upstream.get(e.node) as Extract<Outcome, { kind: 'ok' }>;
      return o.values[e.port];
    });
    inputs[port] = spec.multiple ? vals : vals[0];
  }
  return inputs;
}

/** Turn a block's progress and warning emissions into run events; pass its outputs on. */
function reportEmissions(
  node: ResolvedNode,
  scope: RunScope,
  signal: AbortSignal,
): OperatorFunction<BlockEmission<Record<string, unknown>>, Record<string, unknown>> {
  return (source) =>
    source.pipe(
      tap((e) => {
        if (e.kind === 'progress' && !signal.aborted) {
          const { kind: _kind, value, max, ...rest } = e;
          scope.emit({ type: 'node-running', data: { node: node.id, progress: { value, max }, ...rest } });
        } else if (e.kind === 'warning') scope.emit({ type: 'node-warning', data: { node: node.id, message: e.message } });
      }),
      filter((e): e is Extract<BlockEmission<Record<string, unknown>>, { kind: 'outputs' }> => e.kind === 'outputs'),
      last(undefined, undefined),
      map((e) => {
        if (!e) throw new Error('the block completed without emitting its outputs');
        return e.outputs;
      }),
    );
}

/** Run the block of `node` on `inputs`; ends in its outcome and its done / error / cancelled event. */
function runBlockNode(node: ResolvedNode, key: string, inputs: Record<string, unknown>, scope: RunScope): Observable<Outcome> {
  const t0 = scope.now();
  const abort = new AbortController();
  scope.active.add(abort);
  scope.emit({ type: 'node-running', data: { node: node.id } });
  const ctx = { params: node.params, inputs, signal: abort.signal, nodeId: node.id, env: scope.env };
  return fromBlockRun(node.block, ctx).pipe(
    reportEmissions(node, scope, abort.signal),
    takeUntil(scope.cancel$),
    last(undefined, undefined),
    map((values): Outcome => {
      scope.active.delete(abort);
      if (values === undefined || scope.cancelled()) return cancelledOutcome(node, scope);
      const missing = Object.keys(node.block.outputs).filter((p) => !(p in values) || values[p] === undefined);
      if (missing.length > 0) throw new Error(`the block returned no value for output(s) ${missing.join(', ')}`);
      scope.cache.set(key, { values });
      scope.count('done');
      const data = { node: node.id, key, durationMs: scope.now() - t0, outputs: summarize(node, values), values };
      scope.emit({ type: 'node-done', data });
      return { kind: 'ok', key, values };
    }),
    catchError((e: unknown): Observable<Outcome> => {
      scope.active.delete(abort);
      if (scope.cancelled()) return of(cancelledOutcome(node, scope));
      scope.count('failed');
      const partial = e instanceof BlockError ? e.outputs : undefined;
      scope.emit({
        type: 'node-error',
        data: {
          node: node.id,
          message: errorMessage(e),
          durationMs: scope.now() - t0,
          ...(partial ? { outputs: summarize(node, partial), values: partial } : {}),
        },
      });
      return of({ kind: 'failed', node: node.id });
    }),
  );
}

/** A node's whole part of a run, once its upstream outcomes are known. */
export function runNode(node: ResolvedNode, upstream: ReadonlyMap<string, Outcome>, scope: RunScope): Observable<Outcome> {
  const key = scope.keys.get(node.id) as string;
  if (scope.cancelled()) return of(cancelledOutcome(node, scope));
  const early = skipOnUpstreamFailure(node, upstream, scope) ?? fromCache(node, key, scope);
  if (early) return of(early);
  return runBlockNode(node, key, gatherInputs(node, upstream), scope);
}
