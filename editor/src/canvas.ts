/**
 * The Rete canvas: nodes, typed sockets, connections checked with the core's rule, selection (click,
 * Ctrl+click, Shift+drag box), context menu, undo/redo (including param edits), copy/paste, delete,
 * minimap, zoom to fit and ELK auto-arrange (loaded on first use).
 */
import { html } from 'lit';
import { NodeEditor } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { ClassicFlow, ConnectionPlugin, getSourceTarget, type SocketData } from 'rete-connection-plugin';
import { LitPlugin, Presets as LitPresets, type LitArea2D } from '@retejs/lit-plugin';
import { ContextMenuPlugin, type ContextMenuExtra } from 'rete-context-menu-plugin';
import { HistoryPlugin, Presets as HistoryPresets, type HistoryActions } from 'rete-history-plugin';
import { MinimapPlugin, type MinimapExtra } from 'rete-minimap-plugin';
import type { PipelineDocument, Registry, ResolvedPipeline } from '../../core/index.ts';
import { CfConnection, CfNode, edgeProblem, freshId, toDocument, type Schemes } from './graph.ts';
import './node-view.ts';
import { BatchedSocketPosition } from './socket-position.ts';

// Connections render inside a shadow root (the plugin's wrapper element): style them inline.
const CONN_SVG_STYLE = 'overflow:visible;position:absolute;pointer-events:none;width:9999px;height:9999px';
const CONN_PATH_STYLE = 'fill:none;stroke:#64748b;stroke-width:3px;pointer-events:auto';

type AreaExtra = LitArea2D<Schemes> | ContextMenuExtra | MinimapExtra;

export interface CanvasCallbacks {
  /** The graph changed (structure, params or positions). */
  changed(kind: 'structure' | 'params' | 'position'): void;
  /** The selection changed. */
  selection(ids: string[]): void;
  /** A connection was refused; `reason` says why. */
  refused(reason: string): void;
  /** Context menu "Run up to here". */
  runTo(nodeId: string): void;
}

interface Clip {
  nodes: Array<{ id: string; type: string; params: Record<string, unknown>; label: string; x: number; y: number }>;
  edges: Array<{ from: string; fromPort: string; to: string; toPort: string }>;
}

class ParamsAction {
  constructor(
    private readonly canvas: Canvas,
    private readonly id: string,
    private readonly before: Record<string, unknown>,
    private readonly after: Record<string, unknown>,
  ) {}
  undo(): void {
    this.canvas.applyParams(this.id, this.before);
  }
  redo(): void {
    this.canvas.applyParams(this.id, this.after);
  }
}

export class Canvas {
  readonly editor = new NodeEditor<Schemes>();
  readonly area: AreaPlugin<Schemes, AreaExtra>;
  private readonly connection = new ConnectionPlugin<Schemes, AreaExtra>();
  private readonly render = new LitPlugin<Schemes, AreaExtra>();
  private readonly history = new HistoryPlugin<Schemes, HistoryActions<Schemes> | ParamsAction>({ timing: 200 });
  private readonly selector = AreaExtensions.selector();
  private readonly selectable: ReturnType<typeof AreaExtensions.selectableNodes>;
  private loading = false;
  private connectionSeq = 0;
  /** The last load ignored the file's overlapping positions. */
  relaidOut = false;
  private clip: Clip | undefined;
  private arranging: Promise<unknown> | undefined;

  constructor(
    readonly container: HTMLElement,
    readonly registry: Registry,
    private readonly cb: CanvasCallbacks,
  ) {
    this.area = new AreaPlugin<Schemes, AreaExtra>(container);
    const contextMenu = new ContextMenuPlugin<Schemes>({
      items: (context) => {
        if (context === 'root') {
          return {
            searchBar: true,
            list: [...registry.byCategory()].map(([category, blocks]) => ({
              label: category,
              key: category,
              handler: () => undefined,
              subitems: blocks.map((b) => ({
                label: b.title,
                key: b.type,
                handler: async () => {
                  const p = this.area.area.pointer;
                  await this.addNode(b.type, { x: p.x, y: p.y });
                },
              })),
            })),
          };
        }
        const node = context;
        return {
          searchBar: false,
          list: [
            { label: 'Run up to here', key: 'run-to', handler: () => this.cb.runTo(node.id) },
            { label: 'Duplicate', key: 'duplicate', handler: () => this.duplicate(node.id) },
            { label: 'Delete', key: 'delete', handler: () => this.removeNodes([node.id]) },
          ],
        };
      },
    });
    const minimap = new MinimapPlugin<Schemes>({ boundViewport: true });
    // The minimap redraws on every node render/translate and measures its container each time:
    // with 200 nodes that is seconds of layout on open and dropped frames while dragging.
    // Coalesce its redraws to one per animation frame.
    const mm = minimap as unknown as { render(): void };
    const renderMinimap = mm.render.bind(minimap);
    let minimapFrame = 0;
    let minimapRenders = 0;
    mm.render = () => {
      if (minimapFrame) return;
      minimapFrame = requestAnimationFrame(() => {
        minimapFrame = 0;
        renderMinimap();
        // Its Lit element sizes mini-nodes from its own rendered box, which does not exist on the
        // first render: draw once more.
        if (minimapRenders++ === 0) mm.render();
      });
    };

    this.render.addPreset(
      LitPresets.classic.setup({
        socketPositionWatcher: new BatchedSocketPosition<Schemes, AreaExtra>(),
        customize: {
          node: (data) => ({ emit }) => html`<cf-node .data=${data.payload} .emit=${emit}></cf-node>`,
          socket: (data) => () =>
            html`<cf-socket .data=${data.payload} data-node=${data.nodeId} data-side=${data.side} data-key=${data.key}></cf-socket>`,
          connection: (data) => (props) => {
            // Coloured by the port type it carries (grey while being drawn).
            const c = data.payload;
            const color = this.node(c.source)?.outputs[c.sourceOutput]?.socket.port.color ?? '#64748b';
            return html`<svg class="cf-conn" data-testid="connection" style=${CONN_SVG_STYLE}><path
                style=${`${CONN_PATH_STYLE};stroke:${color}`}
                d=${props.path}
              ></path></svg>`;
          },
        },
      }),
    );
    this.render.addPreset(LitPresets.contextMenu.setup({ delay: 200 }));
    this.render.addPreset(LitPresets.minimap.setup({ size: 160 }));

    // Connections: the ClassicFlow, with the core's rule deciding what may connect.
    this.connection.addPreset(
      () =>
        new ClassicFlow<Schemes, never[]>({
          canMakeConnection: (initial, socket) => this.allowConnection(initial, socket),
        }),
    );
    this.connection.addPipe((ctx) => {
      if (ctx.type === 'connectionpick') this.highlight(ctx.data.socket);
      else if (ctx.type === 'connectiondrop') this.clearHighlight();
      return ctx;
    });
    // Programmatic additions go through the same rule.
    this.editor.addPipe((ctx) => {
      if (ctx.type === 'connectioncreate' && !this.loading) {
        const c = ctx.data;
        const from = this.editor.getNode(c.source);
        const to = this.editor.getNode(c.target);
        if (!from || !to) return undefined;
        // The connection flow removes the edge a single input already has just before adding the
        // new one (without waiting), so the single-edge rule is the flow's job, not this check's.
        const problem = edgeProblem(from, c.sourceOutput, to, c.targetInput, this.editor.getConnections(), { replacing: true });
        if (problem) {
          this.cb.refused(problem);
          return undefined;
        }
      }
      if (ctx.type === 'connectioncreate') {
        // Creation order is edge order in the document (it is input order for `multiple` inputs);
        // undo re-adds the same object, so the edge gets its old place back.
        const c = ctx.data;
        c.seq ??= ++this.connectionSeq;
      }
      if (!this.loading) {
        if (ctx.type === 'nodecreated' || ctx.type === 'noderemoved' || ctx.type === 'connectioncreated' || ctx.type === 'connectionremoved')
          this.cb.changed('structure');
      }
      return ctx;
    });

    this.history.addPreset(HistoryPresets.classic.setup());
    this.editor.use(this.area);
    this.area.use(this.connection);
    this.area.use(this.render);
    this.area.use(contextMenu);
    this.area.use(this.history);
    this.area.use(minimap);

    this.selectable = AreaExtensions.selectableNodes(this.area, this.selector, {
      accumulating: AreaExtensions.accumulateOnCtrl(),
    });
    AreaExtensions.simpleNodesOrder(this.area);
    AreaExtensions.restrictor(this.area, { scaling: { min: 0.1, max: 2 } });

    let selTimer: ReturnType<typeof setTimeout> | undefined;
    const emitSelection = (): void => {
      clearTimeout(selTimer);
      selTimer = setTimeout(() => this.cb.selection(this.selectedIds()), 0);
    };
    this.area.addPipe((ctx) => {
      if (ctx.type === 'nodepicked' || ctx.type === 'pointerup') emitSelection();
      if (ctx.type === 'nodetranslated' && !this.loading) this.cb.changed('position');
      return ctx;
    });
    this.installBoxSelect();
  }

  // ---- queries ------------------------------------------------------------------------------

  nodes(): CfNode[] {
    return this.editor.getNodes();
  }

  node(id: string): CfNode | undefined {
    return this.editor.getNode(id);
  }

  selectedIds(): string[] {
    return this.editor
      .getNodes()
      .filter((n) => n.selected)
      .map((n) => n.id);
  }

  position(id: string): { x: number; y: number } | undefined {
    const v = this.area.nodeViews.get(id);
    return v ? { ...v.position } : undefined;
  }

  document(meta: { name: string; description?: string | undefined }): PipelineDocument {
    const conns = [...this.editor.getConnections()].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    return toDocument(meta, this.nodes(), conns, (id) => this.position(id));
  }

  // ---- editing ------------------------------------------------------------------------------

  async addNode(
    type: string,
    at: { x: number; y: number },
    options: { id?: string; params?: Record<string, unknown>; label?: string } = {},
  ): Promise<CfNode> {
    const block = this.registry.get(type);
    const taken = new Set(this.nodes().map((n) => n.id));
    const id = options.id ?? freshId(type, taken);
    const defaults = defaultParams(block.params);
    const node = new CfNode(id, block, { ...defaults, ...(options.params ?? {}) }, options.label ?? block.title);
    await this.editor.addNode(node);
    await this.area.translate(node.id, at);
    return node;
  }

  /** Add a node where a DOM drag ended (palette drop). */
  async addNodeAtEvent(type: string, event: DragEvent | PointerEvent | MouseEvent): Promise<CfNode> {
    this.area.area.setPointerFrom(event);
    const p = this.area.area.pointer;
    const node = await this.addNode(type, { x: p.x, y: p.y });
    await this.select([node.id]);
    return node;
  }

  /** Replace a node's params, as one undoable step. */
  setParams(id: string, params: Record<string, unknown>): void {
    const node = this.node(id);
    if (!node) return;
    const before = structuredClone(node.params);
    this.applyParams(id, params);
    this.history.add(new ParamsAction(this, id, before, structuredClone(params)));
  }

  /** Set params without recording history (undo/redo use this). */
  applyParams(id: string, params: Record<string, unknown>): void {
    const node = this.node(id);
    if (!node) return;
    node.params = structuredClone(params);
    this.refresh(node);
    this.cb.changed('params');
  }

  async removeNodes(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      for (const c of this.editor.getConnections().filter((c) => c.source === id || c.target === id))
        await this.editor.removeConnection(c.id);
      if (this.node(id)) await this.editor.removeNode(id);
    }
    this.cb.selection(this.selectedIds());
  }

  async deleteSelected(): Promise<void> {
    await this.removeNodes(this.selectedIds());
  }

  copySelected(): number {
    const ids = new Set(this.selectedIds());
    if (ids.size === 0) return 0;
    this.clip = {
      nodes: [...ids].map((id) => {
        const n = this.node(id) as CfNode;
        const p = this.position(id) ?? { x: 0, y: 0 };
        return { id, type: n.type, params: structuredClone(n.params), label: n.label, x: p.x, y: p.y };
      }),
      edges: this.editor
        .getConnections()
        .filter((c) => ids.has(c.source) && ids.has(c.target))
        .map((c) => ({ from: c.source, fromPort: c.sourceOutput, to: c.target, toPort: c.targetInput })),
    };
    return ids.size;
  }

  async paste(offset = 40): Promise<string[]> {
    const clip = this.clip;
    if (!clip) return [];
    const map = new Map<string, string>();
    for (const n of clip.nodes) {
      if (!this.registry.has(n.type)) continue;
      const node = await this.addNode(n.type, { x: n.x + offset, y: n.y + offset }, { params: n.params, label: n.label });
      map.set(n.id, node.id);
    }
    for (const e of clip.edges) {
      const s = map.get(e.from);
      const t = map.get(e.to);
      if (s && t) await this.connect(s, e.fromPort, t, e.toPort);
    }
    // Paste again shifts further.
    for (const n of clip.nodes) {
      n.x += offset;
      n.y += offset;
    }
    const ids = [...map.values()];
    await this.select(ids);
    return ids;
  }

  async duplicate(id: string): Promise<void> {
    await this.select([id]);
    this.copySelected();
    await this.paste();
  }

  async connect(source: string, sourceOutput: string, target: string, targetInput: string): Promise<boolean> {
    const s = this.node(source);
    const t = this.node(target);
    if (!s || !t) return false;
    return this.editor.addConnection(new CfConnection(s, sourceOutput, t, targetInput));
  }

  async select(ids: readonly string[]): Promise<void> {
    await this.selector.unselectAll();
    for (const id of ids) await this.selectable.select(id, true);
    this.cb.selection(this.selectedIds());
  }

  async selectAll(): Promise<void> {
    await this.select(this.nodes().map((n) => n.id));
  }

  async undo(): Promise<void> {
    await this.history.undo();
    this.cb.selection(this.selectedIds());
  }

  async redo(): Promise<void> {
    await this.history.redo();
    this.cb.selection(this.selectedIds());
  }

  /** Redraw one node after its model changed. */
  refresh(node: CfNode): void {
    node.rev += 1;
    node.height = node.computeHeight();
    void this.area.update('node', node.id);
  }

  /**
   * Fit every node in view. Computed from the node model's sizes rather than measured from the
   * DOM (AreaExtensions.zoomAt measures every node: a quarter second at 200 nodes).
   */
  async zoomToFit(): Promise<void> {
    const nodes = this.nodes();
    if (nodes.length === 0) return;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const n of nodes) {
      const p = this.position(n.id);
      if (!p) continue;
      x0 = Math.min(x0, p.x);
      y0 = Math.min(y0, p.y);
      x1 = Math.max(x1, p.x + n.width);
      y1 = Math.max(y1, p.y + n.height);
    }
    if (!Number.isFinite(x0)) return;
    const w = this.container.clientWidth;
    const h = this.container.clientHeight;
    const k = Math.min(1, Math.max(0.1, 0.9 * Math.min(w / (x1 - x0 || 1), h / (y1 - y0 || 1))));
    await this.area.area.zoom(k, 0, 0);
    await this.area.area.translate(w / 2 - ((x0 + x1) / 2) * k, h / 2 - ((y0 + y1) / 2) * k);
  }

  /** ELK layered layout; the library (1.5 MB) is only loaded on first use. */
  async arrange(): Promise<void> {
    if (this.nodes().length === 0) return;
    if (!this.arranging) {
      this.arranging = import('rete-auto-arrange-plugin').then(({ AutoArrangePlugin, Presets }) => {
        const arrange = new AutoArrangePlugin<Schemes>();
        arrange.addPreset(Presets.classic.setup());
        this.area.use(arrange);
        return arrange;
      });
    }
    const arrange = (await this.arranging) as { layout(o?: unknown): Promise<unknown> };
    // Node heights may have changed since they were added (status rows, thumbnails).
    for (const n of this.nodes()) n.height = n.computeHeight();
    await arrange.layout({ options: { 'elk.spacing.nodeNode': '40', 'elk.layered.spacing.nodeNodeBetweenLayers': '80' } });
    await this.zoomToFit();
    this.cb.changed('position');
  }

  // ---- loading -------------------------------------------------------------------------------

  /** Replace the graph with a validated pipeline (positions from `ui`, else a layered layout). */
  async load(pipeline: ResolvedPipeline): Promise<void> {
    this.loading = true;
    // Build the graph detached from layout; it is laid out once when shown again.
    const holder = this.area.area.content.holder;
    holder.style.display = 'none';
    try {
      await this.selector.unselectAll();
      await this.editor.clear();
      const auto = layeredPositions(pipeline);
      const docNodes = new Map(pipeline.document.nodes.map((n) => [n.id, n]));
      for (const n of pipeline.nodes) {
        const doc = docNodes.get(n.id);
        const at = doc?.ui ? { x: doc.ui.x, y: doc.ui.y } : (auto.get(n.id) ?? { x: 0, y: 0 });
        await this.addNode(n.type, at, { id: n.id, params: n.params, ...(doc?.label ? { label: doc.label } : {}) });
      }
      for (const e of pipeline.edges) await this.connect(e.from.node, e.from.port, e.to.node, e.to.port);
      // Positions written for smaller nodes (by hand, or by another tool) can make nodes overlap
      // here: then lay the graph out by depth instead.
      const laid = this.nodes().map((n) => ({ n, p: this.position(n.id) ?? { x: 0, y: 0 } }));
      const overlap = laid.some((a, i) =>
        laid.some(
          (b, j) =>
            i < j &&
            a.p.x < b.p.x + b.n.width &&
            b.p.x < a.p.x + a.n.width &&
            a.p.y < b.p.y + b.n.height &&
            b.p.y < a.p.y + a.n.height,
        ),
      );
      if (overlap) {
        for (const { n } of laid) await this.area.translate(n.id, auto.get(n.id) ?? { x: 0, y: 0 });
        this.relaidOut = true;
      } else this.relaidOut = false;
      if (pipeline.nodes.length === 0) {
        // An empty graph starts at the origin, unzoomed: canvas pixels are document coordinates.
        await this.area.area.zoom(1, 0, 0);
        await this.area.area.translate(0, 0);
      }
      this.history.clear();
    } finally {
      holder.style.display = '';
      this.loading = false;
    }
    this.cb.selection([]);
  }

  // ---- connection checks and highlighting ----------------------------------------------------

  private allowConnection(initial: SocketData, socket: SocketData): boolean {
    const st = getSourceTarget(initial, socket);
    if (!st) return false;
    const [s, t] = st as [SocketData, SocketData];
    const from = this.node(s.nodeId);
    const to = this.node(t.nodeId);
    if (!from || !to) return false;
    // The flow replaces the existing edge of a single input, so that is not a refusal.
    const others = this.editor
      .getConnections()
      .filter((c) => !(c.target === to.id && c.targetInput === t.key && !to.inputs[t.key]?.multipleConnections));
    const problem = edgeProblem(from, s.key, to, t.key, others, { replacing: true });
    if (problem) {
      this.cb.refused(problem);
      return false;
    }
    return true;
  }

  private highlight(picked: SocketData): void {
    const pickedNode = this.node(picked.nodeId);
    if (!pickedNode) return;
    this.container.classList.add('connecting');
    const conns = this.editor.getConnections();
    for (const el of this.container.querySelectorAll<HTMLElement>('cf-socket')) {
      const nodeId = el.dataset['node'] ?? '';
      const side = el.dataset['side'];
      const key = el.dataset['key'] ?? '';
      const other = this.node(nodeId);
      if (!other || side === picked.side) {
        el.classList.remove('compatible', 'incompatible');
        el.classList.toggle('dimmed', true);
        continue;
      }
      const problem =
        picked.side === 'output'
          ? edgeProblem(pickedNode, picked.key, other, key, conns, { replacing: true })
          : edgeProblem(other, key, pickedNode, picked.key, [], { replacing: true });
      el.classList.remove('dimmed');
      el.classList.toggle('compatible', problem === null);
      el.classList.toggle('incompatible', problem !== null);
    }
  }

  private clearHighlight(): void {
    this.container.classList.remove('connecting');
    for (const el of this.container.querySelectorAll<HTMLElement>('cf-socket'))
      el.classList.remove('compatible', 'incompatible', 'dimmed');
  }

  // ---- box selection (Shift + drag on the background) ----------------------------------------

  private installBoxSelect(): void {
    const c = this.container;
    let start: { x: number; y: number } | undefined;
    let box: HTMLDivElement | undefined;
    c.addEventListener(
      'pointerdown',
      (e) => {
        if (!e.shiftKey || e.button !== 0) return;
        if ((e.target as HTMLElement).closest('cf-node')) return;
        e.stopPropagation();
        e.preventDefault();
        const r = c.getBoundingClientRect();
        start = { x: e.clientX - r.left, y: e.clientY - r.top };
        box = document.createElement('div');
        box.className = 'select-box';
        box.dataset['testid'] = 'select-box';
        c.appendChild(box);
      },
      { capture: true },
    );
    window.addEventListener('pointermove', (e) => {
      if (!start || !box) return;
      const r = c.getBoundingClientRect();
      const x = e.clientX - r.left;
      const y = e.clientY - r.top;
      Object.assign(box.style, {
        left: `${Math.min(x, start.x)}px`,
        top: `${Math.min(y, start.y)}px`,
        width: `${Math.abs(x - start.x)}px`,
        height: `${Math.abs(y - start.y)}px`,
      });
    });
    window.addEventListener('pointerup', (e) => {
      if (!start || !box) return;
      const r = c.getBoundingClientRect();
      const end = { x: e.clientX - r.left, y: e.clientY - r.top };
      const { x: tx, y: ty, k } = this.area.area.transform;
      const toArea = (p: { x: number; y: number }) => ({ x: (p.x - tx) / k, y: (p.y - ty) / k });
      const a = toArea({ x: Math.min(start.x, end.x), y: Math.min(start.y, end.y) });
      const b = toArea({ x: Math.max(start.x, end.x), y: Math.max(start.y, end.y) });
      box.remove();
      box = undefined;
      start = undefined;
      const hit = this.nodes().filter((n) => {
        const p = this.position(n.id);
        if (!p) return false;
        return p.x < b.x && p.x + n.width > a.x && p.y < b.y && p.y + n.height > a.y;
      });
      void (async () => {
        for (const n of hit) await this.selectable.select(n.id, true);
        this.cb.selection(this.selectedIds());
      })();
    });
  }
}

/** The defaults of a params JSON Schema (top-level properties). */
export function defaultParams(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const props = (schema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [k, s] of Object.entries(props)) if (s['default'] !== undefined) out[k] = structuredClone(s['default']);
  return out;
}

/** Positions for nodes without `ui`: columns by depth, rows in document order. */
export function layeredPositions(p: ResolvedPipeline): Map<string, { x: number; y: number }> {
  const depth = new Map<string, number>();
  const d = (id: string, seen: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const n = p.byId.get(id);
    let v = 0;
    if (n) for (const ends of Object.values(n.inputs)) for (const e of ends) v = Math.max(v, d(e.node, seen) + 1);
    depth.set(id, v);
    return v;
  };
  // Stack each column's nodes by their height, with room for what a run adds (loss curve, messages).
  const nextY = new Map<number, number>();
  const out = new Map<string, { x: number; y: number }>();
  for (const n of p.nodes) {
    const col = d(n.id, new Set());
    const y = nextY.get(col) ?? 0;
    const ports = Object.keys(n.block.inputs).length + Object.keys(n.block.outputs).length;
    nextY.set(col, y + 88 + ports * 26 + 90);
    out.set(n.id, { x: col * 300, y });
  }
  return out;
}
