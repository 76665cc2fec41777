/**
 * Terminal display of a run: one progress bar per node (cli-progress) on a TTY, plain lines
 * otherwise (CI logs, pipes).
 */
import cliProgress from 'cli-progress';
import { formatNumber } from '../core/index.ts';
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

/** Progress bars, one per node, redrawn in place. */
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
  const bars = new Map<string, cliProgress.SingleBar>();
  let width = 8;
  const bar = (node: string): cliProgress.SingleBar => {
    let b = bars.get(node);
    if (!b) {
      b = multi.create(1, 0, { node: node.padEnd(width), status: 'queued  ', info: '' });
      bars.set(node, b);
    }
    return b;
  };
  const set = (node: string, status: string, info: string, value?: number, max?: number): void => {
    const b = bar(node);
    if (max !== undefined) b.setTotal(Math.max(1, max));
    const v = value ?? (status === 'done    ' || status === 'cached  ' ? b.getTotal() : undefined);
    b.update(v ?? (b as unknown as { value: number }).value, {
      node: node.padEnd(width),
      status,
      info: info.slice(0, 90),
    });
  };
  return {
    event(e) {
      switch (e.type) {
        case 'run-started':
          width = Math.max(8, ...e.data.nodes.map((n) => n.length));
          for (const n of e.data.nodes) bar(n);
          break;
        case 'node-running':
          set(
            e.data.node,
            'running ',
            metricsText(e.data.metrics) || e.data.message || '',
            e.data.progress?.value,
            e.data.progress?.max,
          );
          break;
        case 'node-warning':
          multi.log(`warning [${e.data.node}] ${e.data.message}\n`);
          break;
        case 'node-done':
          set(e.data.node, 'done    ', outputsText(e.data.outputs));
          break;
        case 'node-cached':
          set(e.data.node, 'cached  ', outputsText(e.data.outputs));
          break;
        case 'node-error':
          set(e.data.node, 'FAILED  ', e.data.message);
          multi.log(`error [${e.data.node}] ${e.data.message}\n`);
          break;
        case 'node-skipped':
          set(e.data.node, 'skipped ', e.data.reason);
          break;
        case 'node-cancelled':
          set(e.data.node, 'cancelled', '');
          break;
        default:
          break;
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
