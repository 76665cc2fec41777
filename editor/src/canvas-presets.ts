/**
 * The Rete plugins of the canvas, each set up in one place: the context menu, the minimap (redraws
 * coalesced per frame, docked outside the drawing area so it never covers a node), the Lit render
 * preset (our node, socket and typed-colour connection views) and the connection flow with the
 * core's edge rule.
 */
import { html } from 'lit';
import type { NodeEditor } from 'rete';
import type { AreaPlugin } from 'rete-area-plugin';
import { ClassicFlow, ConnectionPlugin, getSourceTarget, type SocketData } from 'rete-connection-plugin';
import { LitPlugin, Presets as LitPresets, type LitArea2D } from '@retejs/lit-plugin';
import { ContextMenuPlugin, type ContextMenuExtra } from 'rete-context-menu-plugin';
import { MinimapPlugin, type MinimapExtra } from 'rete-minimap-plugin';
import type { Registry } from '../../core/index.ts';
import { edgeProblem, type CfNode, type Schemes } from './graph.ts';
import './node-view.ts';
import { BatchedSocketPosition } from './socket-position.ts';

export type AreaExtra = LitArea2D<Schemes> | ContextMenuExtra | MinimapExtra;

// Connections render inside a shadow root (the plugin's wrapper element): style them inline.
const CONN_SVG_STYLE = 'overflow:visible;position:absolute;pointer-events:none;width:9999px;height:9999px';
const CONN_PATH_STYLE = 'fill:none;stroke:#64748b;stroke-width:3px;pointer-events:auto';

/** What the presets need from the canvas. */
export interface PresetHost {
  readonly editor: NodeEditor<Schemes>;
  readonly area: AreaPlugin<Schemes, AreaExtra>;
  readonly registry: Registry;
  node(id: string): CfNode | undefined;
  addNode(type: string, at: { x: number; y: number }): Promise<CfNode>;
  duplicate(id: string): Promise<void>;
  removeNodes(ids: readonly string[]): Promise<void>;
  runTo(id: string): void;
  refused(reason: string): void;
  highlight(picked: SocketData): void;
  clearHighlight(): void;
}

/** Canvas: add a block (by category, searchable). Node: run up to here, duplicate, delete. */
export function contextMenu(h: PresetHost): ContextMenuPlugin<Schemes> {
  return new ContextMenuPlugin<Schemes>({
    items: (context) => {
      if (context === 'root') {
        return {
          searchBar: true,
          list: [...h.registry.byCategory()].map(([category, blocks]) => ({
            label: category,
            key: category,
            handler: () => undefined,
            subitems: blocks.map((b) => ({
              label: b.title,
              key: b.type,
              handler: async () => {
                const p = h.area.area.pointer;
                await h.addNode(b.type, { x: p.x, y: p.y });
              },
            })),
          })),
        };
      }
      const node = context;
      return {
        searchBar: false,
        list: [
          { label: 'Run up to here', key: 'run-to', handler: () => h.runTo(node.id) },
          { label: 'Duplicate', key: 'duplicate', handler: () => h.duplicate(node.id) },
          { label: 'Delete', key: 'delete', handler: () => h.removeNodes([node.id]) },
        ],
      };
    },
  });
}

/**
 * The minimap, docked in `dock` (outside the canvas, so it can never cover a node). Its redraws
 * are coalesced to one per animation frame: it redraws on every node render/translate and measures
 * its container each time (seconds of layout at 200 nodes otherwise).
 */
export function minimap(area: AreaPlugin<Schemes, AreaExtra>, dock: HTMLElement | undefined): MinimapPlugin<Schemes> {
  const plugin = new MinimapPlugin<Schemes>({ boundViewport: true });
  const mm = plugin as unknown as { render(): void };
  const renderMinimap = mm.render.bind(plugin);
  let frame = 0;
  let renders = 0;
  mm.render = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      renderMinimap();
      // Its Lit element sizes mini-nodes from its own rendered box, which does not exist on the
      // first render: draw once more.
      if (renders++ === 0) mm.render();
    });
  };
  if (dock)
    area.addPipe((ctx) => {
      if (ctx.type === 'render' && (ctx.data as { type?: string }).type === 'minimap') {
        const el = (ctx.data as { element: HTMLElement }).element;
        if (el.parentElement !== dock) dock.appendChild(el);
      }
      return ctx;
    });
  return plugin;
}

/** Lit rendering: our node and socket elements, connections coloured by the type they carry. */
export function renderPlugin(h: PresetHost): LitPlugin<Schemes, AreaExtra> {
  const render = new LitPlugin<Schemes, AreaExtra>();
  render.addPreset(
    LitPresets.classic.setup({
      socketPositionWatcher: new BatchedSocketPosition<Schemes, AreaExtra>(),
      customize: {
        node:
          (data) =>
          ({ emit }) =>
            html`<cf-node .data=${data.payload} .emit=${emit}></cf-node>`,
        socket: (data) => () =>
          html`<cf-socket
            .data=${data.payload}
            data-node=${data.nodeId}
            data-side=${data.side}
            data-key=${data.key}
          ></cf-socket>`,
        connection: (data) => (props) => {
          const c = data.payload;
          const color = h.node(c.source)?.outputs[c.sourceOutput]?.socket.port.color ?? '#64748b';
          return html`<svg class="cf-conn" data-testid="connection" style=${CONN_SVG_STYLE}>
            <path style=${`${CONN_PATH_STYLE};stroke:${color}`} d=${props.path}></path>
          </svg>`;
        },
      },
    }),
  );
  render.addPreset(LitPresets.contextMenu.setup({ delay: 200 }));
  render.addPreset(LitPresets.minimap.setup({ size: 120 }));
  return render;
}

/** Would connecting `initial` to `socket` be allowed? The flow replaces a single input's edge. */
export function allowConnection(h: PresetHost, initial: SocketData, socket: SocketData): boolean {
  const st = getSourceTarget(initial, socket);
  if (!st) return false;
  const [s, t] = st as [SocketData, SocketData];
  const from = h.node(s.nodeId);
  const to = h.node(t.nodeId);
  if (!from || !to) return false;
  const others = h.editor
    .getConnections()
    .filter((c) => !(c.target === to.id && c.targetInput === t.key && !to.inputs[t.key]?.multipleConnections));
  const problem = edgeProblem(from, s.key, to, t.key, others, { replacing: true });
  if (problem) {
    h.refused(problem);
    return false;
  }
  return true;
}

/** Connections by dragging: ClassicFlow with the core's rule, compatible sockets lit while dragging. */
export function connectionPlugin(h: PresetHost): ConnectionPlugin<Schemes, AreaExtra> {
  const connection = new ConnectionPlugin<Schemes, AreaExtra>();
  connection.addPreset(
    () =>
      new ClassicFlow<Schemes, never[]>({
        canMakeConnection: (initial, socket) => allowConnection(h, initial, socket),
      }),
  );
  connection.addPipe((ctx) => {
    if (ctx.type === 'connectionpick') h.highlight(ctx.data.socket);
    else if (ctx.type === 'connectiondrop') h.clearHighlight();
    return ctx;
  });
  return connection;
}
