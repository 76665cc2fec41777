/**
 * The state of a run, folded from its events: per-node status, progress, metrics, output summaries,
 * warnings and errors, and the run's own status and counts. The one fold every front end uses (the
 * CLI's progress display and manifest, the editor's nodes), so they cannot disagree about what a
 * node's status is.
 */
import type { Metrics } from './block.ts';
import type { OutputSummary, SerialisedRunEvent } from './runtime/events.ts';

/** A node's status in a run. `idle`: not part of the current run (yet). */
export type NodeStatus = 'idle' | 'queued' | 'running' | 'done' | 'cached' | 'failed' | 'skipped' | 'cancelled';

/** What a run did with one node so far. */
export interface NodeRunState {
  status: NodeStatus;
  /** The output came from the cache. */
  cached: boolean;
  progress?: { value: number; max: number };
  /** The last metrics reported. */
  metrics?: Metrics;
  /** Every value reported per metric, in order (live loss curves). */
  history: Record<string, number[]>;
  /** The last progress message. */
  message?: string;
  warnings: string[];
  outputs: Record<string, OutputSummary>;
  durationMs?: number;
  /** Why it failed. */
  error?: string;
  /** Why it was skipped. */
  reason?: string;
}

/** The state of a whole run. */
export interface RunState {
  status: 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
  runId?: string;
  /** Nodes of the run, in plan order. */
  order: string[];
  nodes: Map<string, NodeRunState>;
  durationMs?: number;
  counts: { done: number; cached: number; failed: number; skipped: number; cancelled: number };
}

/** An empty run state. */
export function createRunState(): RunState {
  return { status: 'idle', order: [], nodes: new Map(), counts: { done: 0, cached: 0, failed: 0, skipped: 0, cancelled: 0 } };
}

/** A node state before anything happened to it. */
export function idleNode(): NodeRunState {
  return { status: 'idle', cached: false, history: {}, warnings: [], outputs: {} };
}

function nodeOf(state: RunState, id: string): NodeRunState {
  let n = state.nodes.get(id);
  if (!n) {
    n = idleNode();
    state.nodes.set(id, n);
  }
  return n;
}

function running(n: NodeRunState, d: Extract<SerialisedRunEvent, { type: 'node-running' }>['data']): void {
  n.status = 'running';
  if (d.progress) n.progress = d.progress;
  if (d.message !== undefined) n.message = d.message;
  if (!d.metrics) return;
  n.metrics = d.metrics;
  for (const [k, v] of Object.entries(d.metrics)) (n.history[k] ??= []).push(v);
}

function finished(n: NodeRunState, e: Extract<SerialisedRunEvent, { type: 'node-done' | 'node-cached' }>): void {
  n.status = e.type === 'node-done' ? 'done' : 'cached';
  n.cached = e.type === 'node-cached';
  n.outputs = e.data.outputs;
  delete n.progress;
  if (e.type === 'node-done') n.durationMs = e.data.durationMs;
}

/**
 * Apply one event to `state` (in place; events with or without values are accepted). Returns the id
 * of the node it changed, if any, so a view redraws just that node.
 */
export function applyRunEvent(state: RunState, e: SerialisedRunEvent): string | undefined {
  switch (e.type) {
    case 'run-started': {
      state.status = 'running';
      state.runId = e.data.runId;
      state.order = [...e.data.nodes];
      for (const id of e.data.nodes) state.nodes.set(id, idleNode());
      return undefined;
    }
    case 'run-finished':
      state.status = e.data.status;
      state.durationMs = e.data.durationMs;
      state.counts = { ...e.data.counts };
      return undefined;
    default:
      break;
  }
  const n = nodeOf(state, e.data.node);
  switch (e.type) {
    case 'node-queued':
      n.status = 'queued';
      break;
    case 'node-running':
      running(n, e.data);
      break;
    case 'node-warning':
      n.warnings.push(e.data.message);
      break;
    case 'node-done':
    case 'node-cached':
      finished(n, e);
      break;
    case 'node-error':
      n.status = 'failed';
      n.error = e.data.message;
      n.durationMs = e.data.durationMs;
      delete n.progress;
      if (e.data.outputs) n.outputs = e.data.outputs;
      break;
    case 'node-skipped':
      n.status = 'skipped';
      n.reason = e.data.reason;
      break;
    case 'node-cancelled':
      n.status = 'cancelled';
      delete n.progress;
      break;
  }
  return e.data.node;
}
