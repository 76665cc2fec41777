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
import { ensureVisible, resolveOverlaps, zoomToFit } from './viewport.ts';
import { Clipboard } from './clipboard.ts';
import { defaultParams, layeredPositions } from './canvas-layout.ts';
import { CfConnection, CfNode, edgeProblem, freshId, toDocument, type Schemes } from './graph.ts';

export { READABLE_ZOOM } from './viewport.ts';

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
  private readonly clipboard = new Clipboard(this);
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

  /** Copy the selected nodes (and the edges between them); returns how many. */
  copySelected(): number {
    return this.clipboard.copy(this.selectedIds());
  }

  /** Paste the copied nodes, shifted by `offset`, and select them. */
  async paste(offset = 40): Promise<string[]> {
    const ids = await this.clipboard.paste(offset);
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

  /** Fit the graph in view, never below {@link READABLE_ZOOM} (see {@link zoomToFit}). */
  zoomToFit(): Promise<void> {
    return zoomToFit(this);
  }

  /** Pan so node `id` is inside the canvas. */
  ensureVisible(id: string, margin = 24): Promise<void> {
    return ensureVisible(this, id, margin);
  }

  /** Push nodes apart after they grew; returns how many moved. */
  resolveOverlaps(gap = 20): Promise<number> {
    return resolveOverlaps(this, gap);
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
