/**
 * The side panel's live view of a training node: the loss against optimiser steps (log axis when it
 * spans decades), the current step of the maximum, the time left at the current pace, and how many
 * probe conditions meet the criterion. Updated from the run events as they arrive.
 */
import { html, nothing, svg } from 'lit';
import { formatMs, formatNum } from './format.ts';
import type { CfNode } from './graph.ts';
import { etaMs } from './run-view.ts';

const W = 300;
const H = 150;
const M = { l: 44, r: 8, t: 8, b: 26 };

/** Ticks for a log or linear axis between lo and hi (at most ~5). */
function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      const v = 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
    return out.length ? out : [lo, hi];
  }
  const step = 10 ** Math.floor(Math.log10((hi - lo) / 4 || 1));
  const s = [1, 2, 5, 10].map((m) => m * step).find((x) => (hi - lo) / x <= 5) ?? step * 10;
  const out: number[] = [];
  for (let v = Math.ceil(lo / s) * s; v <= hi + 1e-12; v += s) out.push(v);
  return out;
}

/** The live training view; `nothing` for nodes that never reported a loss. */
export function trainingPanel(n: CfNode) {
  const running = n.status === 'running';
  const m = n.metrics;
  if (n.losses.length < 2 && !(running && n.progress)) return nothing;
  const steps = n.lossSteps.length === n.losses.length ? n.lossSteps : n.losses.map((_, i) => i + 1);
  const pts = n.losses.map((v, i) => [steps[i] ?? i, v] as const).filter(([, v]) => Number.isFinite(v));
  const lo = Math.min(...pts.map(([, v]) => v));
  const hi = Math.max(...pts.map(([, v]) => v));
  const log = lo > 0 && hi / lo > 20;
  const f = (v: number): number => (log ? Math.log10(v) : v);
  const x0 = pts[0]?.[0] ?? 0;
  const x1 = Math.max(n.progress?.max ?? 0, pts[pts.length - 1]?.[0] ?? 1);
  const sx = (x: number): number => M.l + ((x - x0) / (x1 - x0 || 1)) * (W - M.l - M.r);
  const sy = (v: number): number => H - M.b - ((f(v) - f(lo)) / (f(hi) - f(lo) || 1)) * (H - M.t - M.b);
  const d = pts.map(([x, v], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(v).toFixed(1)}`).join('');
  const eta = running ? etaMs(n) : undefined;
  const passed = m['criterionPassed'];
  const total = m['criterionTotal'];
  const last = n.losses[n.losses.length - 1];
  return html`<section class="train-view" data-testid="training-view">
    <div class="train-head">
      <span>Training</span>
      <span data-testid="train-steps"
        >step ${n.progress ? `${n.progress.value} / ${n.progress.max}` : (steps[steps.length - 1] ?? 0)}</span
      >
    </div>
    <svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="training loss against step">
      ${svg`
        ${ticks(lo, hi, log).map(
          (t) => svg`<line class="grid" x1=${M.l} x2=${W - M.r} y1=${sy(t)} y2=${sy(t)}></line>
            <text class="tick" x=${M.l - 4} y=${sy(t) + 3} text-anchor="end">${formatNum(t)}</text>`,
        )}
        <line class="axis" x1=${M.l} x2=${W - M.r} y1=${H - M.b} y2=${H - M.b}></line>
        <text class="tick" x=${M.l} y=${H - M.b + 12}>${x0}</text>
        <text class="tick" x=${W - M.r} y=${H - M.b + 12} text-anchor="end">${x1}</text>
        <text class="axis-title" x=${(M.l + W - M.r) / 2} y=${H - 3} text-anchor="middle">step</text>
        <text class="axis-title" transform=${`translate(10 ${(M.t + H - M.b) / 2}) rotate(-90)`} text-anchor="middle">loss${log ? ' (log)' : ''}</text>
        <path class="loss-line" d=${d}></path>
      `}
    </svg>
    <dl class="train-stats">
      <div>
        <dt>loss</dt>
        <dd data-testid="train-loss">${last !== undefined ? formatNum(last) : '–'}</dd>
      </div>
      <div>
        <dt>time left</dt>
        <dd data-testid="train-eta">
          ${running ? (eta !== undefined ? `~${formatMs(eta)}` : 'estimating…') : n.status}
        </dd>
      </div>
      <div>
        <dt>criterion</dt>
        <dd data-testid="train-criterion">
          ${passed !== undefined && total !== undefined ? `${passed} / ${total} conditions` : 'not checked yet'}
        </dd>
      </div>
    </dl>
  </section>`;
}
