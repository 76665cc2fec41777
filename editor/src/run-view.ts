/**
 * The run as the page shows it: run events from the worker folded onto the canvas nodes (status,
 * progress, live loss, criterion, figures, messages), redraws batched to one per animation frame,
 * and the one-line run summary of the status bar.
 */
import { applyRunEvent as foldRunEvent, createRunState, type NodeRunState, type RunState } from '../../core/index.ts';
import type { Canvas } from './canvas.ts';
import type { CfNode } from './graph.ts';
import { formatMs } from './format.ts';
import type { WireEvent } from './protocol.ts';

export interface RunViewHost {
  readonly canvas: Canvas;
  /** Ids whose node changed this frame; `selected` says whether a selected node was among them. */
  redrawn(selectedChanged: boolean): void;
  isSelected(id: string): boolean;
}

/**
 * Mirror one event onto its canvas node: status, progress, metrics, results and duration come from
 * the core fold (`state`, core/run-state.ts, the one the CLI uses too); what only the page shows
 * (start time for the ETA, loss steps, figures, the message line) is added here.
 */
function mirror(n: CfNode, s: NodeRunState, e: WireEvent, now: number): void {
  if (s.status === 'running' && n.status !== 'running') n.startedAt = now;
  n.status = s.status;
  n.progress = s.progress;
  n.results = s.outputs;
  n.durationMs = s.durationMs;
  switch (e.type) {
    case 'node-running': {
      const m = e.data.metrics;
      if (m) n.metrics = { ...n.metrics, ...m };
      if (typeof m?.['loss'] === 'number') {
        n.losses = [...(s.history['loss'] ?? [])];
        n.lossSteps.push(e.data.progress?.value ?? n.losses.length);
      }
      if (e.data.message) n.message = e.data.message;
      break;
    }
    case 'node-warning':
      n.message = `warning: ${e.data.message}`;
      break;
    case 'node-done':
    case 'node-cached':
      n.figures = [];
      for (const [port, p] of Object.entries(e.data.previews)) {
        if (p.kind === 'figure') n.figures.push({ port, title: p.title, caption: p.caption, svg: p.svg });
        else if (p.kind === 'history' && p.loss.length > 1) {
          n.losses = p.loss;
          n.lossSteps = p.steps;
        }
      }
      if (!n.message.startsWith('warning')) n.message = '';
      break;
    case 'node-error':
      n.message = e.data.message;
      break;
    case 'node-skipped':
      n.message = e.data.reason;
      break;
    case 'node-cancelled':
      n.message = 'stopped';
      break;
    default:
      break;
  }
}

/** The status bar's line for a finished run. */
export function runSummary(e: Extract<WireEvent, { type: 'run-finished' }>): string {
  const c = e.data.counts;
  return `${e.data.status} in ${formatMs(e.data.durationMs)}: ${c.done} ran, ${c.cached} cached, ${c.failed} failed, ${c.skipped} skipped${c.cancelled ? `, ${c.cancelled} stopped` : ''}`;
}

/** Seconds left for a running node, from its progress since it started (undefined: unknown yet). */
export function etaMs(n: CfNode, now: number = performance.now()): number | undefined {
  const p = n.progress;
  if (!p || n.startedAt === undefined || p.value <= 0 || p.max <= 0) return undefined;
  const elapsed = now - n.startedAt;
  return (elapsed / p.value) * Math.max(0, p.max - p.value);
}

/** Applies events and redraws the nodes they touched, once per animation frame. */
export class RunView {
  private dirty = new Set<string>();
  private frame = 0;
  /** The run, folded by core. */
  private state: RunState = createRunState();

  constructor(private readonly host: RunViewHost) {}

  event(e: WireEvent, now: number = performance.now()): void {
    const id = foldRunEvent(this.state, e);
    if (e.type === 'run-started') {
      for (const id of e.data.nodes) {
        const n = this.host.canvas.node(id);
        if (n) {
          n.resetRun();
          this.touch(n);
        }
      }
      return;
    }
    const n = id === undefined ? undefined : this.host.canvas.node(id);
    const st = id === undefined ? undefined : this.state.nodes.get(id);
    if (!n || !st) return;
    mirror(n, st, e, now);
    this.touch(n);
  }

  /** Mark a node as changed; it is redrawn on the next frame. */
  touch(n: CfNode): void {
    this.dirty.add(n.id);
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      let selectedChanged = false;
      const grown: CfNode[] = [];
      for (const id of this.dirty) {
        const node = this.host.canvas.node(id);
        if (!node) continue;
        const before = node.height;
        this.host.canvas.refresh(node);
        if (node.height > before) grown.push(node);
        if (this.host.isSelected(id)) selectedChanged = true;
      }
      this.dirty.clear();
      // A node that grew (thumbnail, loss curve, message) may now cover a neighbour: push it away.
      if (grown.length) void this.host.canvas.resolveOverlaps();
      this.host.redrawn(selectedChanged);
    });
  }
}
