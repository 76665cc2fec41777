/**
 * The side panel of the selected node: its training progress, its params (with the issues the last
 * check of the graph found) and its outputs; a count when several nodes are selected.
 */
import { html, nothing } from 'lit';
import type { CfApp } from './app.ts';
import type { CfNode } from './graph.ts';
import { outputsPanel } from './outputs-panel.ts';
import './params.ts';
import { trainingPanel } from './training-panel.ts';

/** The last selected node of `app`, when it is on the canvas. */
export function selectedNode(app: CfApp): CfNode | undefined {
  const id = app.selected[app.selected.length - 1];
  return id ? app.canvas?.node(id) : undefined;
}

/** The side panel of `app` (hidden unless `open`). */
export function sidePanel(app: CfApp, open: boolean) {
  const node = selectedNode(app);
  return html`
    <aside class="side" data-testid="side-panel" ?hidden=${!open}>
      ${app.selected.length > 1 ? html`<p class="empty">${app.selected.length} nodes selected.</p>` : nothing}
      ${node ? trainingPanel(node) : nothing}
      <cf-params
        .node=${node}
        .issues=${node ? app.issuesOf(node.id) : []}
        .rev=${app.rev}
        @params-change=${(e: CustomEvent<{ id: string; params: Record<string, unknown> }>) =>
          app.canvas.setParams(e.detail.id, e.detail.params)}
      ></cf-params>
      ${
        node
          ? outputsPanel(node, {
              download: (id, port, format) => void app.downloadOutput(id, port, format),
              view: (v) => (app.viewing = v),
            })
          : nothing
      }
    </aside>
  `;
}
