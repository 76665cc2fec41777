/**
 * The side panel's results of the selected node: status, message, outputs with their downloads,
 * and its figures (open full size, download as SVG or PNG).
 */
import { html, nothing } from 'lit';
import type { ViewedFigure } from './figure-viewer.ts';
import { formatMs, svgDataUrl } from './format.ts';
import type { CfNode } from './graph.ts';

/** Output port types whose files can be downloaded from the side panel (figures have their own buttons). */
const DOWNLOADABLE = new Set(['Model', 'Dataset', 'Report']);

export interface OutputActions {
  download(node: string, port: string, format?: 'svg' | 'png'): void;
  view(figure: ViewedFigure): void;
}

export function outputsPanel(n: CfNode, act: OutputActions) {
  const outs = Object.entries(n.results);
  return html`<div class="outputs" data-testid="outputs">
    ${
      n.status !== 'idle'
        ? html`<div class="out-status">
            <span class="badge badge-${n.status}">${n.status}</span
            >${n.durationMs !== undefined ? ` ${formatMs(n.durationMs)}` : ''}
          </div>`
        : nothing
    }
    ${n.message ? html`<div class="node-msg ${n.status}">${n.message}</div>` : nothing}
    ${
      outs.length
        ? html`<div class="out-title">Outputs</div>
            <ul class="out-list">
              ${outs.map(
                ([port, o]) =>
                  html`<li>
                    <b>${port}</b> <small>${o.type}</small>
                    ${
                      DOWNLOADABLE.has(o.type)
                        ? html`<button
                            class="mini"
                            data-testid="download-output"
                            data-port=${port}
                            title="Download ${port} (${o.type})"
                            @click=${() => act.download(n.id, port)}
                          >
                            ⤓
                          </button>`
                        : nothing
                    }
                    <br />${o.summary}
                  </li>`,
              )}
            </ul>`
        : nothing
    }
    ${n.figures.map(
      (f) =>
        html`<figure class="figure" data-testid="figure">
          <button
            class="figure-open"
            title="Open full size (zoom, pan)"
            @click=${() => act.view({ node: n.id, figure: f })}
          >
            <img src=${svgDataUrl(f.svg)} alt=${f.title} />
          </button>
          <figcaption><b>${f.title}</b> ${f.caption}</figcaption>
          <div class="figure-actions">
            <button class="mini" data-testid="figure-enlarge" @click=${() => act.view({ node: n.id, figure: f })}>
              Enlarge
            </button>
            <button class="mini" data-testid="figure-svg" @click=${() => act.download(n.id, f.port, 'svg')}>
              ⤓ SVG
            </button>
            <button class="mini" data-testid="figure-png" @click=${() => act.download(n.id, f.port, 'png')}>
              ⤓ PNG
            </button>
          </div>
        </figure>`,
    )}
  </div>`;
}
