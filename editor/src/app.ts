/**
 * The editor page: toolbar, palette (with the minimap docked under it), canvas, side panel (only
 * while something is selected), status bar, overlays. It wires the parts together; each part lives
 * in its own module: the document store (open, save, autosave), the run view (events onto nodes),
 * results (downloads), shortcuts, the plugin menu.
 */
import { LitElement, html, nothing } from 'lit';
import * as core from '../../core/index.ts';
import { formatErrors, loadPipeline, type PipelineDocument, type Registry } from '../../core/index.ts';
import * as nodesModule from '../../nodes/index.ts';
import { builtinRegistry } from '../../nodes/index.ts';
import { Canvas } from './canvas.ts';
import { DocumentStore, installDrop } from './document-store.ts';
import { nodeIssues } from './validation.ts';
import { slug } from '../../core/index.ts';
import { examples, type Example } from './examples.ts';
import './figure-viewer.ts';
import type { ViewedFigure } from './figure-viewer.ts';
import type { CfNode } from './graph.ts';
import './palette.ts';
import './params.ts';
import { PluginMenu } from './plugin-menu.ts';
import type { WireEvent } from './protocol.ts';
import { Results } from './results.ts';
import { Runner } from './runner.ts';
import { RunView, runSummary } from './run-view.ts';
import { handleShortcut } from './shortcuts.ts';
import { overlays, statusBar, toolbar } from './toolbar.ts';
import { outputsPanel } from './outputs-panel.ts';
import { trainingPanel } from './training-panel.ts';
import { provideModules } from './user-plugins.ts';
import { openShared } from './share.ts';
import './status-bar.ts';

export { AUTOSAVE_KEY } from './document-store.ts';
export { PLUGINS_KEY } from './plugin-menu.ts';

interface Problem {
  title: string;
  lines: string[];
}

export class CfApp extends LitElement {
  static override properties = {
    selected: { state: true },
    problem: { state: true },
    toast: { state: true },
    running: { state: true },
    runStatus: { state: true },
    showHelp: { state: true },
    showMinimap: { state: true },
    rev: { state: true },
    backend: { state: true },
    viewing: { state: true },
    hasRun: { state: true },
  };
  declare selected: string[];
  declare problem: Problem | undefined;
  declare toast: string;
  declare running: boolean;
  declare runStatus: string;
  declare showHelp: boolean;
  declare showMinimap: boolean;
  declare rev: number;
  declare backend: string;
  declare viewing: ViewedFigure | undefined;
  declare hasRun: boolean;

  readonly registry = builtinRegistry({ onWarning: (m) => console.warn(m), pluginHint: 'load them from the "Plugins…" menu' });
  canvas!: Canvas;
  readonly store: DocumentStore;
  readonly pluginMenu: PluginMenu;
  private runner!: Runner;
  private runView!: RunView;
  private results!: Results;
  private toastTimer: ReturnType<typeof setTimeout> | undefined;
  private validity = new Map<string, Array<{ param: string; message: string }>>();
  readonly examples: Example[] = examples();
  private blocks: ReturnType<Registry['list']> = [];
  /** Resolves when the first graph is on the canvas (tests and benchmarks wait for it). */
  ready: Promise<void>;
  private resolveReady!: () => void;

  constructor() {
    super();
    provideModules({ 'cortexflow/core': core, 'cortexflow/nodes': nodesModule });
    this.blocks = this.registry.list();
    this.selected = [];
    this.problem = undefined;
    this.toast = '';
    this.running = false;
    this.runStatus = '';
    this.showHelp = false;
    this.showMinimap = true;
    this.rev = 0;
    this.backend = '';
    this.viewing = undefined;
    this.hasRun = false;
    this.ready = new Promise((r) => (this.resolveReady = r));
    this.pluginMenu = new PluginMenu({
      registry: this.registry,
      changed: () => {
        this.blocks = this.registry.list();
        this.rev++;
      },
      flash: (m) => this.flash(m),
      problem: (title, lines) => (this.problem = { title, lines }),
    });
    this.store = new DocumentStore({
      registry: this.registry,
      canvas: () => this.canvas,
      pluginsFor: (doc) => this.pluginMenu.pluginsFor(doc),
      refused: (title, lines) => (this.problem = { title, lines }),
      opening: () => {
        this.runner?.stop();
        this.problem = undefined;
        this.hasRun = false;
        this.runStatus = '';
      },
      opened: (source: string) => {
        this.dispatchEvent(new CustomEvent('cf-opened', { detail: source }));
        this.validate();
        this.rev++;
      },
      flash: (m) => this.flash(m),
    });
  }

  /** The pipeline's name. */
  get name(): string {
    return this.store.name;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override firstUpdated(): void {
    void this.init();
  }

  private async init(): Promise<void> {
    const host = this.querySelector<HTMLElement>('.canvas') as HTMLElement;
    const dock = this.querySelector<HTMLElement>('.minimap-dock') ?? undefined;
    this.canvas = new Canvas(
      host,
      this.registry,
      {
        changed: (kind) => this.changed(kind),
        selection: (ids) => {
          const opening = this.selected.length === 0 && ids.length > 0;
          const changed = ids[ids.length - 1] !== this.selected[this.selected.length - 1];
          this.selected = ids;
          const last = ids[ids.length - 1];
          if (!changed || !last) return;
          // A newly selected node's panel starts at its top; when the panel opens it takes the
          // canvas's right edge, so the node is kept in view (only then: no pan under a drag).
          this.querySelector('.side')?.scrollTo(0, 0);
          if (opening) void this.updateComplete.then(() => this.canvas.ensureVisible(last, 40));
        },
        refused: (reason) => this.flash(`Connection refused: ${reason}`),
        runTo: (id) => this.run([id]),
      },
      dock,
    );
    this.runView = new RunView({
      canvas: this.canvas,
      isSelected: (id) => this.selected.includes(id),
      redrawn: (selectedChanged) => {
        if (selectedChanged) this.rev++;
      },
    });
    this.runner = new Runner({
      event: (e) => this.onRunEvent(e),
      invalid: (errors) => {
        this.problem = { title: 'The pipeline cannot run', lines: formatErrors(errors).split('\n') };
      },
      crashed: (message) => {
        this.problem = { title: 'The run failed', lines: [message] };
        for (const n of this.canvas.nodes())
          if (n.status === 'running' || n.status === 'queued') {
            n.status = 'cancelled';
            this.runView.touch(n);
          }
      },
      ended: () => {
        this.running = false;
      },
    });
    this.runner.onBackend = (b) => (this.backend = b);
    this.results = new Results(
      this.runner,
      () => this.store.name,
      (title, lines) => (this.problem = { title, lines }),
    );
    installDrop(host, {
      block: (type, e) => {
        if (this.registry.has(type)) void this.canvas.addNodeAtEvent(type, e);
      },
      file: (f) => void this.store.openFile(f),
    });
    host.addEventListener('node-download', (e) => {
      const d = (e as CustomEvent<{ node: string; port: string; format?: 'svg' | 'png' }>).detail;
      void this.downloadOutput(d.node, d.port, d.format);
    });
    host.addEventListener('figure-open', (e) => {
      const d = (e as CustomEvent<{ node: string; port: string }>).detail;
      const figure = this.canvas.node(d.node)?.figures.find((f) => f.port === d.port);
      if (figure) this.viewing = { node: d.node, figure };
    });
    window.addEventListener('keydown', (e) => this.onKey(e));
    (window as unknown as { cortexflow: unknown }).cortexflow = this;
    await this.restore();
    // A study shared as a link (#p= or ?pipeline=) replaces what was restored.
    await openShared(this);
    this.resolveReady();
    // Load tfjs in the worker while the user looks at the graph.
    setTimeout(() => this.runner.warmUp(), 300);
  }

  // ---- document --------------------------------------------------------------------------------

  document(): PipelineDocument {
    return this.store.document();
  }

  openText(text: string, source: string, options: { quiet?: boolean } = {}): Promise<boolean> {
    return this.store.openText(text, source, options);
  }

  openValue(value: unknown, source: string, options: { quiet?: boolean } = {}): Promise<boolean> {
    return this.store.openValue(value, source, options);
  }

  /** Install a bundled plugin (by package name or folder); its blocks join the palette. */
  loadPlugin(name: string, options: { quiet?: boolean } = {}): Promise<boolean> {
    return this.pluginMenu.loadBundled(name, options);
  }

  save(): void {
    this.store.save();
  }

  private async restore(): Promise<void> {
    await this.pluginMenu.restore();
    const restored = await this.store.restoreAutosave();
    if (restored === 'restored') this.flash('Restored the autosaved graph');
    // A refused autosave is on screen with its reasons: no example over it.
    if (restored !== 'none') return;
    // First visit: the first example that opens with the blocks at hand (built-ins before plugins).
    const order = [...this.examples].sort(
      (a, b) => Number(a.file.startsWith('plugin')) - Number(b.file.startsWith('plugin')),
    );
    for (const ex of order) if (await this.store.openValue(ex.document, `example ${ex.file}`, { quiet: true })) return;
  }

  changed(kind: 'structure' | 'params' | 'position'): void {
    if (kind !== 'position') this.validate();
    this.store.autosaveSoon();
    // Moving nodes changes nothing the panels show: no page re-render per pointer move.
    if (kind !== 'position') this.rev++;
  }

  /** Check the graph as the core would (incomplete inputs allowed) and attach issues to nodes. */
  private validate(): void {
    this.validity = nodeIssues(this.document(), this.registry);
  }

  // ---- running and results -------------------------------------------------------------------

  run(targets?: string[]): void {
    const doc = this.document();
    if (doc.nodes.length === 0) {
      this.flash('Nothing to run: add blocks from the palette first');
      return;
    }
    const r = loadPipeline(doc, this.registry);
    if (!r.ok) {
      this.problem = { title: 'The pipeline cannot run yet', lines: formatErrors(r.errors).split('\n') };
      return;
    }
    this.problem = undefined;
    this.running = true;
    this.runStatus = targets ? `running up to ${targets.join(', ')}…` : 'running…';
    this.runner.run(doc, {
      targets,
      plugins: this.pluginMenu.bundled,
      userPlugins: this.pluginMenu.user,
      file: `${slug(this.store.name, Infinity)}.json`,
    });
  }

  runToSelected(): void {
    const id = this.selected[this.selected.length - 1];
    if (!id) {
      this.flash('Select a node first: Run to selected runs what that node needs');
      return;
    }
    this.run([id]);
  }

  stop(): void {
    this.runner.stop();
    this.runStatus = 'stopping…';
  }

  private onRunEvent(e: WireEvent): void {
    this.dispatchEvent(new CustomEvent('cf-run-event', { detail: e }));
    if (e.type === 'run-finished') {
      this.runStatus = runSummary(e);
      this.hasRun = true;
      return;
    }
    this.runView.event(e);
  }

  downloadRun(): Promise<void> {
    return this.results.downloadRun();
  }

  downloadReport(): Promise<void> {
    return this.results.downloadReport(this.canvas.nodes());
  }

  downloadOutput(node: string, port: string, format?: 'svg' | 'png'): Promise<void> {
    return this.results.downloadOutput(node, port, format);
  }

  // ---- ui -------------------------------------------------------------------------------------

  flash(message: string): void {
    this.toast = message;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => (this.toast = ''), 4000);
  }

  private onKey(e: KeyboardEvent): void {
    handleShortcut(e, {
      save: () => this.save(),
      open: () => this.querySelector<HTMLInputElement>('[data-testid="open-input"]')?.click(),
      run: () => this.run(),
      runToSelected: () => this.runToSelected(),
      escape: () => {
        if (this.viewing) this.viewing = undefined;
        else if (this.pluginMenu.dialogOpen) {
          this.pluginMenu.dialogOpen = false;
          this.rev++;
        } else if (this.showHelp) this.showHelp = false;
        else if (this.running) this.stop();
        else this.problem = undefined;
      },
      undo: () => void this.canvas.undo(),
      redo: () => void this.canvas.redo(),
      copy: () => {
        const n = this.canvas.copySelected();
        if (n) this.flash(`Copied ${n} node${n > 1 ? 's' : ''}`);
      },
      paste: () => void this.canvas.paste(),
      duplicate: () => {
        if (this.canvas.copySelected()) void this.canvas.paste();
      },
      selectAll: () => void this.canvas.selectAll(),
      deleteSelected: () => void this.canvas.deleteSelected(),
      fit: () => void this.canvas.zoomToFit(),
      arrange: () => void this.canvas.arrange(),
      toggleMinimap: () => (this.showMinimap = !this.showMinimap),
      toggleHelp: () => (this.showHelp = !this.showHelp),
    });
  }

  private selectedNode(): CfNode | undefined {
    const id = this.selected[this.selected.length - 1];
    return id ? this.canvas?.node(id) : undefined;
  }

  override render() {
    const node = this.selectedNode();
    const panel = this.selected.length > 0;
    return html`
      ${toolbar(this)}
      <main class="layout ${panel ? 'with-side' : ''}">
        <aside class="palette">
          <cf-palette
            .blocks=${this.blocks}
            @add-block=${(e: CustomEvent<string>) => void this.addAtCentre(e.detail)}
          ></cf-palette>
          <div
            class="minimap-dock ${this.showMinimap ? '' : 'hidden'}"
            data-testid="minimap-dock"
            title="Minimap: click or drag to move the view (M hides it)"
          ></div>
        </aside>
        <section class="canvas" data-testid="canvas"></section>
        <aside class="side" data-testid="side-panel" ?hidden=${!panel}>
          ${this.selected.length > 1 ? html`<p class="empty">${this.selected.length} nodes selected.</p>` : nothing}
          ${node ? trainingPanel(node) : nothing}
          <cf-params
            .node=${node}
            .issues=${node ? (this.validity.get(node.id) ?? []) : []}
            .rev=${this.rev}
            @params-change=${(e: CustomEvent<{ id: string; params: Record<string, unknown> }>) =>
              this.canvas.setParams(e.detail.id, e.detail.params)}
          ></cf-params>
          ${
            node
              ? outputsPanel(node, {
                  download: (id, port, format) => void this.downloadOutput(id, port, format),
                  view: (v) => (this.viewing = v),
                })
              : nothing
          }
        </aside>
      </main>
      ${statusBar(this)} ${overlays(this)}
    `;
  }

  private async addAtCentre(type: string): Promise<void> {
    const el = this.canvas.container.getBoundingClientRect();
    const { x, y, k } = this.canvas.area.area.transform;
    const node = await this.canvas.addNode(type, { x: (el.width / 2 - x) / k - 115, y: (el.height / 2 - y) / k - 60 });
    await this.canvas.select([node.id]);
  }
}

if (!customElements.get('cf-app')) customElements.define('cf-app', CfApp);
