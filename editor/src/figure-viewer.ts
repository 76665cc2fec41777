/**
 * A figure at full size over the page, with wheel zoom and drag pan (d3-zoom: the library the
 * figures are drawn with already ships it), a reset, and its downloads. Esc or a click outside closes.
 */
import { LitElement, html, nothing } from 'lit';
import { select } from 'd3-selection';
import { zoom, zoomIdentity, type ZoomBehavior } from 'd3-zoom';
import { svgDataUrl } from './format.ts';
import type { FigurePreview } from './graph.ts';

export interface ViewedFigure {
  node: string;
  figure: FigurePreview;
}

export class CfFigureViewer extends LitElement {
  static override properties = { shown: { attribute: false } };
  declare shown: ViewedFigure | undefined;
  private behaviour: ZoomBehavior<HTMLDivElement, unknown> | undefined;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('close', { bubbles: true }));
  }

  private download(format: 'svg' | 'png'): void {
    const s = this.shown;
    if (!s) return;
    this.dispatchEvent(
      new CustomEvent('download-output', { bubbles: true, detail: { node: s.node, port: s.figure.port, format } }),
    );
  }

  protected override updated(): void {
    const stage = this.querySelector<HTMLDivElement>('.viewer-stage');
    const img = this.querySelector<HTMLImageElement>('.viewer-stage img');
    if (!stage || !img) return;
    if (!this.behaviour) {
      this.behaviour = zoom<HTMLDivElement, unknown>()
        .scaleExtent([0.25, 12])
        .on('zoom', (e: { transform: { x: number; y: number; k: number } }) => {
          const t = e.transform;
          const el = this.querySelector<HTMLImageElement>('.viewer-stage img');
          if (el) el.style.transform = `translate(${t.x}px, ${t.y}px) scale(${t.k})`;
        });
      select(stage).call(this.behaviour);
    }
  }

  /** Back to 1:1, centred. */
  reset(): void {
    const stage = this.querySelector<HTMLDivElement>('.viewer-stage');
    const b = this.behaviour;
    if (stage && b) b.transform(select(stage), zoomIdentity);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.behaviour = undefined;
  }

  override render() {
    const s = this.shown;
    if (!s) {
      this.behaviour = undefined;
      return nothing;
    }
    return html`<div class="viewer" data-testid="figure-viewer" @click=${() => this.close()}>
      <div class="viewer-card" @click=${(e: Event) => e.stopPropagation()}>
        <div class="viewer-bar">
          <b>${s.figure.title}</b>
          <span class="viewer-hint">wheel to zoom, drag to pan</span>
          <span class="grow"></span>
          <button @click=${() => this.reset()}>1:1</button>
          <button data-testid="viewer-svg" @click=${() => this.download('svg')}>SVG</button>
          <button data-testid="viewer-png" @click=${() => this.download('png')}>PNG</button>
          <button @click=${() => this.close()} title="Close (Esc)">✕</button>
        </div>
        <div class="viewer-stage"><img src=${svgDataUrl(s.figure.svg)} alt=${s.figure.title} draggable="false" /></div>
        ${s.figure.caption ? html`<div class="viewer-caption">${s.figure.caption}</div>` : nothing}
      </div>
    </div>`;
  }
}

if (!customElements.get('cf-figure-viewer')) customElements.define('cf-figure-viewer', CfFigureViewer);
