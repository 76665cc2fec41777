/**
 * The Rete canvas: nodes, typed sockets, connections checked with the core's rule, selection (click,
 * Ctrl+click, Shift+drag box), context menu, undo/redo (including param edits), copy/paste, delete,
 * minimap, zoom to fit and ELK auto-arrange (loaded on first use).
 */
import { NodeEditor } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import type { SocketData } from 'rete-connection-plugin';
import { HistoryPlugin, Presets as HistoryPresets, type HistoryActions } from 'rete-history-plugin';
import type { PipelineDocument, Registry, ResolvedPipeline } from '../../core/index.ts';
import {
  connectionPlugin,
  contextMenu,
  minimap,
  renderPlugin,
  type AreaExtra,
  type PresetHost,
} from './canvas-presets.ts';
import { installBoxSelect } from './box-select.ts';
import { defaultParams, layeredPositions } from './canvas-layout.ts';
import { CfConnection, CfNode, edgeProblem, freshId, toDocument, type Schemes } from './graph.ts';

/** Lowest zoom at which a 14 px node title is still >= 11 px on screen. */
export const READABLE_ZOOM = 0.8;

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

export class Canvas implements PresetHost {
  readonly editor = new NodeEditor<Schemes>();
  readonly area: AreaPlugin<Schemes, AreaExtra>;
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
    /** Where the minimap lives (outside the canvas); none: no minimap. */
    minimapDock?: HTMLElement,
  ) {
    this.area = new AreaPlugin<Schemes, AreaExtra>(container);
    this.editor.addPipe((ctx) => this.checkConnection(ctx));
    this.history.addPreset(HistoryPresets.classic.setup());
    this.editor.use(this.area);
    this.area.use(connectionPlugin(this));
    this.area.use(renderPlugin(this));
    this.area.use(contextMenu(this));
    this.area.use(this.history);
    if (minimapDock) this.area.use(minimap(this.area, minimapDock));

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
    installBoxSelect(this);
  }

  /** Editor pipe: programmatic connections go through the core's rule; structure changes are reported. */
  private checkConnection<T extends { type: string; data?: unknown }>(ctx: T): T | undefined {
    if (ctx.type === 'connectioncreate') {
      const c = ctx.data as CfConnection;
      if (!this.loading) {
        const from = this.editor.getNode(c.source);
        const to = this.editor.getNode(c.target);
        if (!from || !to) return undefined;
        // The connection flow removes the edge a single input already has just before adding the
        // new one (without waiting), so the single-edge rule is the flow's job, not this check's.
        const problem = edgeProblem(from, c.sourceOutput, to, c.targetInput, this.editor.getConnections(), {
          replacing: true,
        });
        if (problem) {
          this.cb.refused(problem);
          return undefined;
        }
      }
      // Creation order is edge order in the document (it is input order for `multiple` inputs);
      // undo re-adds the same object, so the edge gets its old place back.
      c.seq ??= ++this.connectionSeq;
    }
    if (!this.loading && ['nodecreated', 'noderemoved', 'connectioncreated', 'connectionremoved'].includes(ctx.type))
      this.cb.changed('structure');
    return ctx;
  }

  // ---- PresetHost ---------------------------------------------------------------------------

  async addToSelection(id: string): Promise<void> {
    await this.selectable.select(id, true);
  }

  selectionChanged(): void {
    this.cb.selection(this.selectedIds());
  }

  runTo(id: string): void {
    this.cb.runTo(id);
  }

  refused(reason: string): void {
    this.cb.refused(reason);
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
      const node = await this.addNode(
        n.type,
        { x: n.x + offset, y: n.y + offset },
        { params: n.params, label: n.label },
      );
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

  /** The bounding box of every node, in graph coordinates. */
  private bounds(): { x0: number; y0: number; x1: number; y1: number } | undefined {
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const n of this.nodes()) {
      const p = this.position(n.id);
      if (!p) continue;
      x0 = Math.min(x0, p.x);
      y0 = Math.min(y0, p.y);
      x1 = Math.max(x1, p.x + n.width);
      y1 = Math.max(y1, p.y + n.height);
    }
    return Number.isFinite(x0) ? { x0, y0, x1, y1 } : undefined;
  }

  /**
   * Fit the graph in view, but never below {@link READABLE_ZOOM}: a graph too large to fit legibly
   * opens at that zoom on its start (top left; inputs come first), the rest a pan or a minimap
   * click away. Computed from the node model's sizes rather than measured from the DOM
   * (AreaExtensions.zoomAt measures every node: a quarter second at 200 nodes).
   */
  async zoomToFit(): Promise<void> {
    const b = this.bounds();
    if (!b) return;
    const w = this.container.clientWidth;
    const h = this.container.clientHeight;
    const pad = 24;
    const fit = Math.min((w - 2 * pad) / (b.x1 - b.x0 || 1), (h - 2 * pad) / (b.y1 - b.y0 || 1));
    const k = Math.min(1, Math.max(READABLE_ZOOM, fit));
    await this.area.area.zoom(k, 0, 0);
    const gw = (b.x1 - b.x0) * k;
    const gh = (b.y1 - b.y0) * k;
    const tx = gw <= w - 2 * pad ? (w - gw) / 2 - b.x0 * k : pad - b.x0 * k;
    const ty = gh <= h - 2 * pad ? (h - gh) / 2 - b.y0 * k : pad - b.y0 * k;
    await this.area.area.translate(tx, ty);
  }

  /** Pan (at the same zoom) so node `id` is inside the canvas, if it is not. */
  async ensureVisible(id: string, margin = 24): Promise<void> {
    const n = this.node(id);
    const p = this.position(id);
    if (!n || !p) return;
    const { x, y, k } = this.area.area.transform;
    const w = this.container.clientWidth;
    const h = this.container.clientHeight;
    let dx = 0;
    let dy = 0;
    const right = x + (p.x + n.width) * k;
    const left = x + p.x * k;
    if (right > w - margin) dx = w - margin - right;
    if (left + dx < margin) dx = margin - left;
    const top = y + p.y * k;
    if (top < margin || top > h - margin - 40) dy = margin - top;
    if (dx || dy) await this.area.area.translate(x + dx, y + dy);
  }

  /**
   * Push nodes down until no two boxes overlap (with a gap), keeping their order from top to
   * bottom. Run after nodes grow (thumbnails, loss curves, messages); returns how many moved.
   */
  async resolveOverlaps(gap = 20): Promise<number> {
    const boxes = this.nodes()
      .map((n) => ({ n, p: this.position(n.id) ?? { x: 0, y: 0 } }))
      .sort((a, b) => a.p.y - b.p.y || a.p.x - b.p.x);
    const placed: typeof boxes = [];
    let moved = 0;
    for (const b of boxes) {
      let y = b.p.y;
      for (let again = true; again;) {
        again = false;
        for (const a of placed) {
          const xOverlap = a.p.x < b.p.x + b.n.width + gap && b.p.x < a.p.x + a.n.width + gap;
          if (xOverlap && a.p.y < y + b.n.height + gap && y < a.p.y + a.n.height + gap) {
            y = a.p.y + a.n.height + gap;
            again = true;
          }
        }
      }
      if (y !== b.p.y) {
        b.p = { x: b.p.x, y };
        await this.area.translate(b.n.id, b.p);
        moved++;
      }
      placed.push(b);
    }
    return moved;
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
    await arrange.layout({
      options: { 'elk.spacing.nodeNode': '40', 'elk.layered.spacing.nodeNodeBetweenLayers': '80' },
    });
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

  highlight(picked: SocketData): void {
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

  clearHighlight(): void {
    this.container.classList.remove('connecting');
    for (const el of this.container.querySelectorAll<HTMLElement>('cf-socket'))
      el.classList.remove('compatible', 'incompatible', 'dimmed');
  }
}
