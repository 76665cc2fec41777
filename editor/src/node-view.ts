/**
 * How a node and a socket look on the canvas (Lit, light DOM so the page stylesheet applies).
 * The node shows its status badge (`data-status`), a progress bar while running, a live loss curve
 * while a trainer runs, figure thumbnails once a plot is done, and the error or skip reason.
 */
import { LitElement, html, nothing, svg, type PropertyValues } from 'lit';
import { statusClass, type CfNode, type PortSocket } from './graph.ts';
import { formatMs, formatNum, svgDataUrl } from './format.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Emit = (data: any) => void;

const STATUS_TEXT: Record<string, string> = {
  idle: '',
  queued: 'queued',
  running: 'running',
  cached: 'cached',
  done: 'done',
  failed: 'error',
  skipped: 'skipped',
  cancelled: 'stopped',
};

/** Sparkline of a series as an SVG path in a w x h box (log scale when it spans decades). */
export function sparkPath(values: readonly number[], w: number, h: number): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length < 2) return '';
  const positive = finite.every((v) => v > 0);
  const lo0 = Math.min(...finite);
  const hi0 = Math.max(...finite);
  const useLog = positive && hi0 / lo0 > 20;
  const f = (v: number): number => (useLog ? Math.log10(v) : v);
  const lo = f(lo0);
  const hi = f(hi0);
  const span = hi - lo || 1;
  let d = '';
  const n = values.length;
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    const x = (i / (n - 1)) * w;
    const y = h - ((f(v) - lo) / span) * (h - 2) - 1;
    d += `${d === '' ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
  });
  return d;
}

/** Accent colour of each palette category (the node's title stripe). */
export const CATEGORY_COLORS: Record<string, string> = {
  Tasks: '#0ea5e9',
  Model: '#e11d48',
  Training: '#d97706',
  Simulation: '#16a34a',
  Analysis: '#9333ea',
  Plots: '#ea580c',
  Report: '#2563eb',
  Context: '#0891b2',
};

/** Output types a node offers to download from its header. */
const NODE_DOWNLOADS = new Set(['Figure', 'Model']);

export class CfNodeView extends LitElement {
  static override properties = { data: { attribute: false }, emit: { attribute: false } };
  declare data: CfNode | undefined;
  declare emit: Emit | undefined;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override willUpdate(_changed: PropertyValues): void {
    const n = this.data;
    if (!n) return;
    this.dataset['nodeId'] = n.id;
    this.dataset['status'] = statusClass(n.status);
    this.dataset['blockType'] = n.type;
    this.classList.toggle('selected', n.selected === true);
    this.style.width = `${n.width}px`;
    this.style.setProperty('--cat', CATEGORY_COLORS[n.block.category] ?? '#64748b');
  }

  private send(name: string, detail: unknown, e: Event): void {
    e.stopPropagation();
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  /** The download button: the node's first figure (SVG) or model output, once it has run. */
  private download() {
    const n = this.data as CfNode;
    const entry = Object.entries(n.results).find(([, o]) => NODE_DOWNLOADS.has(o.type));
    if (!entry) return nothing;
    const [port, o] = entry;
    return html`<button
      class="node-dl"
      data-testid="node-download"
      title=${`Download ${port} (${o.type === 'Figure' ? 'SVG' : 'model folder, zip'})`}
      @pointerdown=${(e: Event) => e.stopPropagation()}
      @click=${(e: Event) => this.send('node-download', { node: n.id, port, ...(o.type === 'Figure' ? { format: 'svg' } : {}) }, e)}
    >
      ⤓
    </button>`;
  }

  private socket(side: 'input' | 'output', key: string, socket: PortSocket) {
    const n = this.data as CfNode;
    return html`<rete-ref
      class="socket-ref"
      .data=${{ type: 'socket', side, key, nodeId: n.id, payload: socket }}
      .emit=${this.emit}
    ></rete-ref>`;
  }

  override render() {
    const n = this.data;
    if (!n) return nothing;
    const inputs = Object.entries(n.inputs);
    const outputs = Object.entries(n.outputs);
    const p = n.progress;
    const pct = p && p.max > 0 ? Math.max(0, Math.min(100, (100 * p.value) / p.max)) : undefined;
    const last = n.losses[n.losses.length - 1];
    return html`
      <div class="node-head" title=${n.block.description}>
        <span class="node-title">${n.label}</span>
        ${this.download()}
        ${
          n.status !== 'idle'
            ? html`<span class="badge badge-${statusClass(n.status)}" data-testid="status">${STATUS_TEXT[n.status]}</span>`
            : nothing
        }
      </div>
      <div class="node-sub">${n.id} · ${n.type}</div>
      ${
        n.status === 'running' || pct !== undefined
          ? html`<div class="progress" data-testid="progress" title=${p ? `${p.value} / ${p.max}` : ''}>
              <div class="bar" style="width:${pct ?? 0}%"></div>
            </div>`
          : html`<div class="node-meta">${n.durationMs !== undefined ? `${formatMs(n.durationMs)}` : ''}</div>`
      }
      <div class="ports">
        ${outputs.map(
          ([key, o]) =>
            html`<div class="port out" data-port=${key}>
              <span class="port-name" title=${n.results[key]?.summary ?? ''}>${key}</span>
              ${o ? this.socket('output', key, o.socket) : nothing}
            </div>`,
        )}
        ${inputs.map(
          ([key, i]) =>
            html`<div class="port in" data-port=${key}>
              ${i ? this.socket('input', key, i.socket) : nothing}
              <span class="port-name">${key}${i?.multipleConnections ? html`<small> (many)</small>` : nothing}</span>
            </div>`,
        )}
      </div>
      ${
        n.losses.length > 1
          ? html`<div class="loss" data-testid="loss-curve" title="training loss">
              <svg viewBox="0 0 200 40" preserveAspectRatio="none" width="100%" height="40">
                ${svg`<path d=${sparkPath(n.losses, 200, 40)}></path>`}
              </svg>
              <div class="loss-label">loss ${last !== undefined ? formatNum(last) : ''} (${n.losses.length})</div>
            </div>`
          : nothing
      }
      ${
        n.figures.length > 0
          ? html`<div class="thumbs">
              ${n.figures.map(
                (f) =>
                  html`<img
                    class="thumb"
                    data-testid="thumbnail"
                    alt=${f.title}
                    title=${`${f.title} (double-click: full size)`}
                    src=${svgDataUrl(f.svg)}
                    @dblclick=${(e: Event) => this.send('figure-open', { node: n.id, port: f.port }, e)}
                  />`,
              )}
            </div>`
          : nothing
      }
      ${n.message ? html`<div class="node-msg ${statusClass(n.status)}" data-testid="node-message" title=${n.message}>${n.message}</div>` : nothing}
    `;
  }
}

export class CfSocketView extends LitElement {
  static override properties = { data: { attribute: false } };
  declare data: PortSocket | undefined;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override render() {
    const s = this.data;
    if (!s) return nothing;
    return html`<div
      class="cf-socket"
      data-testid="socket"
      data-port-type=${s.port.name}
      style="--socket-color:${s.port.color}"
      title=${`${s.port.name}: ${s.port.description}`}
    ></div>`;
  }
}

if (!customElements.get('cf-node')) customElements.define('cf-node', CfNodeView);
if (!customElements.get('cf-socket')) customElements.define('cf-socket', CfSocketView);
