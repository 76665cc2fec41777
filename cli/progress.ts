/**
 * Terminal display of a run: one progress bar per node (cli-progress) on a TTY, plain lines
 * otherwise (CI logs, pipes).
 */
import cliProgress from 'cli-progress';
import {
  applyRunEvent,
  createRunState,
  formatNumber,
  type NodeRunState,
  type NodeStatus,
} from '../core/index.ts';
import type { WireEvent } from './run-worker.ts';

export interface Display {
  /** Show one run event (in-process values are not needed, and not sent across threads). */
  event(e: WireEvent): void;
  stop(): void;
}

function metricsText(m: Record<string, number> | undefined): string {
  if (!m) return '';
  return Object.entries(m)
    .slice(0, 3)
    .map(([k, v]) => `${k} ${formatNumber(v, 3)}`)
    .join(', ');
}

function outputsText(outputs: Record<string, { summary: string }>): string {
  return Object.entries(outputs)
    .map(([p, o]) => `${p}: ${o.summary}`)
    .join('; ');
}

const BAR_LABEL: Record<NodeStatus, string> = {
  idle: 'queued  ',
  queued: 'queued  ',
  running: 'running ',
  done: 'done    ',
  cached: 'cached  ',
  failed: 'FAILED  ',
  skipped: 'skipped ',
  cancelled: 'cancelled',
};

/** The text after a node's bar: what its folded state says. */
function barInfo(s: NodeRunState): string {
  switch (s.status) {
    case 'running':
      return metricsText(s.metrics) || s.message || '';
    case 'done':
    case 'cached':
      return outputsText(s.outputs);
    case 'failed':
      return s.error ?? '';
    case 'skipped':
      return s.reason ?? '';
    default:
      return '';
  }
}

/** Progress bars, one per node, redrawn in place from the core run-state fold. */
export function barsDisplay(stream: NodeJS.WriteStream): Display {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      clearOnComplete: false,
      hideCursor: true,
      format: ' {status} {node} [{bar}] {percentage}% {info}',
      barsize: 24,
      autopadding: true,
      fps: 8,
    },
    cliProgress.Presets.shades_grey,
  );
  const state = createRunState();
  const bars = new Map<string, cliProgress.SingleBar>();
  let width = 8;
  const bar = (node: string): cliProgress.SingleBar => {
    let b = bars.get(node);
    if (!b) {
      b = multi.create(1, 0, { node: node.padEnd(width), status: BAR_LABEL.queued, info: '' });
      bars.set(node, b);
    }
    return b;
  };
  const draw = (node: string, s: NodeRunState): void => {
    const b = bar(node);
    if (s.progress) b.setTotal(Math.max(1, s.progress.max));
    const finished = s.status === 'done' || s.status === 'cached';
    const value = finished ? b.getTotal() : (s.progress?.value ?? (b as unknown as { value: number }).value);
    b.update(value, { node: node.padEnd(width), status: BAR_LABEL[s.status], info: barInfo(s).slice(0, 90) });
  };
  return {
    event(e) {
      const changed = applyRunEvent(state, e);
      if (e.type === 'run-started') {
        width = Math.max(8, ...e.data.nodes.map((n) => n.length));
        for (const n of e.data.nodes) bar(n);
      } else if (e.type === 'node-warning') multi.log(`warning [${e.data.node}] ${e.data.message}\n`);
      else if (changed !== undefined && e.type !== 'node-queued') {
        const s = state.nodes.get(changed);
        if (s) draw(changed, s);
        if (e.type === 'node-error') multi.log(`error [${e.data.node}] ${e.data.message}\n`);
      }
    },
    stop() {
      multi.stop();
    },
  };
}

/** One line per state change; progress at most every few seconds per node. */
export function linesDisplay(stream: NodeJS.WriteStream): Display {
  const lastProgress = new Map<string, number>();
  const w = (s: string): void => {
    stream.write(`${s}\n`);
  };
  return {
    event(e) {
      switch (e.type) {
        case 'run-started':
          w(`run: ${e.data.nodes.length} nodes`);
          break;
        case 'node-running': {
          const now = Date.now();
          if (!e.data.progress) {
            w(`[${e.data.node}] running`);
            lastProgress.set(e.data.node, now);
          } else if (now - (lastProgress.get(e.data.node) ?? 0) > 5000) {
            lastProgress.set(e.data.node, now);
            const m = metricsText(e.data.metrics);
            w(`[${e.data.node}] ${e.data.progress.value}/${e.data.progress.max}${m ? ` ${m}` : ''}`);
          }
          break;
        }
        case 'node-warning':
          w(`[${e.data.node}] warning: ${e.data.message}`);
          break;
        case 'node-done':
          w(`[${e.data.node}] done in ${(e.data.durationMs / 1000).toFixed(2)} s: ${outputsText(e.data.outputs)}`);
          break;
        case 'node-cached':
          w(`[${e.data.node}] cached: ${outputsText(e.data.outputs)}`);
          break;
        case 'node-error':
          w(`[${e.data.node}] FAILED: ${e.data.message}`);
          break;
        case 'node-skipped':
          w(`[${e.data.node}] skipped: ${e.data.reason}`);
          break;
        case 'node-cancelled':
          w(`[${e.data.node}] cancelled`);
          break;
        case 'run-finished':
          w(
            `run ${e.data.status} in ${(e.data.durationMs / 1000).toFixed(2)} s (${Object.entries(e.data.counts)
              .filter(([, v]) => v > 0)
              .map(([k, v]) => `${v} ${k}`)
              .join(', ')})`,
          );
          break;
        default:
          break;
      }
    },
    stop() {},
  };
}
