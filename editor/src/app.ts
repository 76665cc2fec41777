/**
 * The editor page: toolbar, palette, canvas, side panel (params, outputs, the selected node's full
 * figure), errors, shortcuts help. It owns the document metadata, autosave, files and examples, and
 * relays run events from the worker onto the nodes.
 */
import { LitElement, html, nothing } from 'lit';
import {
  applyRunEvent,
  createRunState,
  formatErrors,
  loadPipeline,
  parsePipelineText,
  slug,
  type DocumentError,
  type PipelineDocument,
  type Registry,
} from '../../core/index.ts';
import { builtinRegistry } from '../../nodes/index.ts';
import { Canvas } from './canvas.ts';
import type { CfNode } from './graph.ts';
import { BLOCK_MIME } from './palette.ts';
import './palette.ts';
import './params.ts';
import { Runner } from './runner.ts';
import type { WireEvent } from './protocol.ts';
import { formatMs, svgDataUrl } from './node-view.ts';
import { examples, type Example } from './examples.ts';
import { bundledPlugins, installBundled } from './plugins.ts';

export const AUTOSAVE_KEY = 'cortexflow.editor.autosave.v1';
export const PLUGINS_KEY = 'cortexflow.editor.plugins.v1';

interface Problem {
  title: string;
  lines: string[];
}

const SHORTCUTS: Array<[string, string]> = [
  ['Ctrl+Enter', 'Run the whole pipeline'],
  ['Shift+Ctrl+Enter', 'Run up to the selected node'],
  ['Esc', 'Stop the run / close panels'],
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Y, Shift+Ctrl+Z', 'Redo'],
  ['Ctrl+C / Ctrl+V', 'Copy / paste the selected nodes'],
  ['Ctrl+D', 'Duplicate the selected nodes'],
  ['Delete, Backspace', 'Delete the selected nodes'],
  ['Ctrl+A', 'Select every node'],
  ['Ctrl+click, Shift+drag', 'Add to the selection / box-select'],
  ['Ctrl+S', 'Save (download the pipeline JSON)'],
  ['Ctrl+O', 'Open a pipeline file'],
  ['F', 'Zoom to fit'],
  ['L', 'Auto-arrange (ELK)'],
  ['?', 'This help'],
  ['Right click', 'Add a block (canvas) / node actions (node)'],
];

export class CfApp extends LitElement {
  static override properties = {
    name: { state: true },
    selected: { state: true },
    problem: { state: true },
    toast: { state: true },
    running: { state: true },
    runStatus: { state: true },
    showHelp: { state: true },
    rev: { state: true },
    backend: { state: true },
  };
  declare name: string;
  declare selected: string[];
  declare problem: Problem | undefined;
  declare toast: string;
  declare running: boolean;
  declare runStatus: string;
  declare showHelp: boolean;
  declare rev: number;
  declare backend: string;

  readonly registry = builtinRegistry({ onWarning: (m) => console.warn(m), pluginHint: 'load them from the "Plugins…" menu' });
  /** The current run, folded by core (core/run-state.ts); the canvas nodes mirror it. */
  private runState = createRunState();
  canvas!: Canvas;
  private description: string | undefined;
  private runner!: Runner;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private toastTimer: ReturnType<typeof setTimeout> | undefined;
  private dirty = new Set<string>();
  private frame = 0;
  private validity = new Map<string, Array<{ param: string; message: string }>>();
  private readonly examples: Example[] = examples();
  private blocks: ReturnType<Registry['list']> = [];
  /** Bundled plugins installed in this page (package names), sent with every run. */
  private plugins: string[] = [];
  private readonly available = bundledPlugins();
  /** Resolves when the first graph is on the canvas (tests and benchmarks wait for it). */
  ready: Promise<void>;
  private resolveReady!: () => void;

  constructor() {
    super();
    this.blocks = this.registry.list();
    this.name = 'Untitled pipeline';
    this.selected = [];
    this.problem = undefined;
    this.toast = '';
    this.running = false;
    this.runStatus = '';
    this.showHelp = false;
    this.rev = 0;
    this.backend = '';
    this.ready = new Promise((r) => (this.resolveReady = r));
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override firstUpdated(): void {
    void this.init();
  }

  private async init(): Promise<void> {
    const host = this.querySelector<HTMLElement>('.canvas') as HTMLElement;
    this.canvas = new Canvas(host, this.registry, {
      changed: (kind) => this.changed(kind),
      selection: (ids) => (this.selected = ids),
      refused: (reason) => this.flash(`Connection refused: ${reason}`),
      runTo: (id) => this.run([id]),
    });
    this.runner = new Runner({
      event: (e) => this.onRunEvent(e),
      invalid: (errors) => {
        this.problem = { title: 'The pipeline cannot run', lines: formatErrors(errors).split('\n') };
      },
      crashed: (message) => {
        this.problem = { title: 'The run failed', lines: [message] };
        for (const n of this.canvas.nodes()) if (n.status === 'running' || n.status === 'queued') this.setStatus(n, 'cancelled');
      },
      ended: () => {
        this.running = false;
      },
    });
    this.runner.onBackend = (b) => (this.backend = b);
    this.installDrop(host);
    window.addEventListener('keydown', (e) => this.onKey(e));
    (window as unknown as { cortexflow: unknown }).cortexflow = this;
    await this.restore();
    this.resolveReady();
    // Load tfjs in the worker while the user looks at the graph.
    setTimeout(() => this.runner.warmUp(), 300);
  }

  // ---- document, autosave, files -------------------------------------------------------------

  document(): PipelineDocument {
    const doc = this.canvas.document({ name: this.name, description: this.description });
    // Name the plugins whose blocks the graph uses, so the CLI knows what to load (--plugin).
    const used = new Set(doc.nodes.map((n) => n.type));
    const needed = this.plugins.filter((p) => this.pluginBlocks(p).some((t) => used.has(t)));
    return needed.length ? { ...doc, plugins: needed } : doc;
  }

  private pluginTypes = new Map<string, string[]>();
  private pluginBlocks(name: string): string[] {
    return this.pluginTypes.get(name) ?? [];
  }

  private async restore(): Promise<void> {
    let remembered: unknown = [];
    try {
      remembered = JSON.parse(safeLocalStorage()?.getItem(PLUGINS_KEY) ?? '[]');
    } catch {
      remembered = [];
    }
    if (Array.isArray(remembered))
      for (const name of remembered) if (typeof name === 'string') await this.loadPlugin(name, { quiet: true });
    const saved = safeLocalStorage()?.getItem(AUTOSAVE_KEY);
    if (saved) {
      const ok = await this.openText(saved, 'the autosaved graph', { quiet: true });
      if (ok) {
        this.flash('Restored the autosaved graph');
        return;
      }
    }
    // First visit: the first example that opens with the blocks at hand (built-ins before plugins).
    const order = [...this.examples].sort((a, b) => Number(a.file.startsWith('plugin')) - Number(b.file.startsWith('plugin')));
    for (const ex of order) if (await this.openValue(ex.document, `example ${ex.file}`, { quiet: true })) return;
  }

  /** Install a bundled plugin (by package name or folder); its blocks join the palette. */
  async loadPlugin(name: string, options: { quiet?: boolean } = {}): Promise<boolean> {
    const p = this.available.find((x) => x.packageName === name || x.id === name);
    if (p && this.plugins.includes(p.packageName)) return true;
    try {
      const installed = await installBundled(name, this.registry);
      this.plugins = [...this.plugins, installed.name];
      this.pluginTypes.set(installed.name, installed.blocks);
      this.blocks = this.registry.list();
      safeLocalStorage()?.setItem(PLUGINS_KEY, JSON.stringify(this.plugins));
      if (!options.quiet) this.flash(`Loaded plugin ${installed.name}: ${installed.blocks.join(', ')}`);
      this.rev++;
      return true;
    } catch (e) {
      if (!options.quiet) this.problem = { title: `Could not load plugin ${name}`, lines: [e instanceof Error ? e.message : String(e)] };
      return false;
    }
  }

  /** Open a pipeline from text; on any problem show it and leave the graph untouched. */
  async openText(text: string, source: string, options: { quiet?: boolean } = {}): Promise<boolean> {
    const parsed = parsePipelineText(text);
    if (!parsed.ok) {
      if (!options.quiet) this.showErrors(source, [parsed.error]);
      return false;
    }
    return this.openValue(parsed.value, source, options);
  }

  async openValue(value: unknown, source: string, options: { quiet?: boolean } = {}): Promise<boolean> {
    const loaded = loadPipeline(value, this.registry, { allowIncomplete: true });
    if (!loaded.ok) {
      if (!options.quiet) this.showErrors(source, loaded.errors);
      return false;
    }
    this.runner?.stop();
    this.problem = undefined;
    this.name = loaded.pipeline.name;
    this.description = loaded.pipeline.document.description;
    await this.canvas.load(loaded.pipeline);
    if (this.canvas.relaidOut) this.flash('The saved positions made nodes overlap: laid out by depth instead');
    await this.canvas.zoomToFit();
    // Checks and autosave after the graph is on screen.
    setTimeout(() => {
      this.validate();
      this.autosaveNow();
      this.rev++;
    }, 0);
    return true;
  }

  private showErrors(source: string, errors: readonly DocumentError[]): void {
    this.problem = {
      title: `Could not open ${source}; the graph was left unchanged`,
      lines: formatErrors(errors).split('\n'),
    };
  }

  save(): void {
    const doc = this.document();
    const blob = new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${slug(this.name, Infinity)}.json`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  private async openFile(file: File): Promise<void> {
    await this.openText(await file.text(), `"${file.name}"`);
  }

  private installDrop(host: HTMLElement): void {
    host.addEventListener('dragover', (e) => {
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    });
    host.addEventListener('drop', (e) => {
      e.preventDefault();
      const dt = e.dataTransfer;
      if (!dt) return;
      const type = dt.getData(BLOCK_MIME);
      if (type && this.registry.has(type)) {
        void this.canvas.addNodeAtEvent(type, e);
        return;
      }
      const file = dt.files[0];
      if (file) void this.openFile(file);
    });
  }

  private changed(kind: 'structure' | 'params' | 'position'): void {
    if (kind !== 'position') this.validate();
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.autosaveNow(), 250);
    // Moving nodes changes nothing the panels show: no page re-render per pointer move.
    if (kind !== 'position') this.rev++;
  }

  private autosaveNow(): void {
    clearTimeout(this.saveTimer);
    try {
      safeLocalStorage()?.setItem(AUTOSAVE_KEY, JSON.stringify(this.document()));
    } catch {
      // Storage full or disabled: autosave is a comfort, not a requirement.
    }
  }

  /** Check the graph as the core would (incomplete inputs allowed) and attach issues to nodes. */
  private validate(): void {
    const doc = this.document();
    const r = loadPipeline(doc, this.registry, { allowIncomplete: true });
    this.validity.clear();
    if (r.ok) return;
    for (const e of r.errors) {
      // Errors name their node and param (core/document/errors.ts): no path parsing here.
      if (e.node === undefined) continue;
      const list = this.validity.get(e.node) ?? [];
      list.push({ param: e.param ?? '', message: e.message });
      this.validity.set(e.node, list);
    }
  }

  // ---- running --------------------------------------------------------------------------------

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
    this.runner.run(doc, targets, this.plugins);
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

  private setStatus(n: CfNode, status: CfNode['status']): void {
    n.status = status;
    this.touch(n);
  }

  private touch(n: CfNode): void {
    this.dirty.add(n.id);
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      let selectedChanged = false;
      for (const id of this.dirty) {
        const node = this.canvas.node(id);
        if (node) this.canvas.refresh(node);
        if (this.selected.includes(id)) selectedChanged = true;
      }
      this.dirty.clear();
      // The side panel only shows the selected node: leave the page alone otherwise.
      if (selectedChanged) this.rev++;
    });
  }

  private onRunEvent(e: WireEvent): void {
    const id = applyRunEvent(this.runState, e);
    if (e.type === 'run-started') {
      for (const nid of e.data.nodes) {
        const n = this.canvas.node(nid);
        if (n) {
          n.resetRun();
          this.touch(n);
        }
      }
      return;
    }
    if (e.type === 'run-finished') {
      const c = e.data.counts;
      this.runStatus = `${e.data.status} in ${formatMs(e.data.durationMs)}: ${c.done} ran, ${c.cached} cached, ${c.failed} failed, ${c.skipped} skipped${c.cancelled ? `, ${c.cancelled} stopped` : ''}`;
      return;
    }
    const n = id === undefined ? undefined : this.canvas.node(id);
    const s = id === undefined ? undefined : this.runState.nodes.get(id);
    if (!n || !s) return;
    n.status = s.status;
    n.progress = s.progress;
    n.results = s.outputs;
    n.durationMs = s.durationMs;
    // What the node's message line says: the latest thing that happened to it.
    switch (e.type) {
      case 'node-running':
        n.losses = s.history['loss'] ?? n.losses;
        if (e.data.message) n.message = e.data.message;
        break;
      case 'node-warning':
        n.message = `warning: ${e.data.message}`;
        break;
      case 'node-done':
      case 'node-cached':
        n.figures = [];
        for (const [port, p] of Object.entries(e.data.previews)) {
          if (p.kind === 'figure') n.figures.push({ port, title: p.title, caption: p.caption, svg: p.svg });
          else if (p.kind === 'history' && p.loss.length > 1) n.losses = p.loss;
        }
        if (!n.message.startsWith('warning')) n.message = '';
        break;
      case 'node-error':
        n.message = e.data.message;
        break;
      case 'node-skipped':
        n.message = e.data.reason;
        break;
      case 'node-cancelled':
        n.message = 'stopped';
        break;
      default:
        break;
    }
    this.touch(n);
  }

  // ---- ui -------------------------------------------------------------------------------------

  flash(message: string): void {
    this.toast = message;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => (this.toast = ''), 4000);
  }

  private onKey(e: KeyboardEvent): void {
    const t = e.target as HTMLElement | null;
    const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
    const ctrl = e.ctrlKey || e.metaKey;
    const k = e.key.toLowerCase();
    if (ctrl && k === 's') {
      e.preventDefault();
      this.save();
      return;
    }
    if (ctrl && k === 'o') {
      e.preventDefault();
      this.querySelector<HTMLInputElement>('[data-testid="open-input"]')?.click();
      return;
    }
    if (ctrl && k === 'enter') {
      e.preventDefault();
      if (e.shiftKey) this.runToSelected();
      else this.run();
      return;
    }
    if (k === 'escape') {
      if (this.showHelp) this.showHelp = false;
      else if (this.running) this.stop();
      else this.problem = undefined;
      return;
    }
    // Undo/redo stay graph-wide in the params panel: its edits are committed, so the native
    // text-field undo has nothing useful to do there.
    if (typing && ctrl && (k === 'z' || k === 'y') && t?.closest('cf-params')) (t).blur();
    else if (typing) return;
    if (ctrl && k === 'z' && !e.shiftKey) {
      e.preventDefault();
      void this.canvas.undo();
    } else if (ctrl && (k === 'y' || (k === 'z' && e.shiftKey))) {
      e.preventDefault();
      void this.canvas.redo();
    } else if (ctrl && k === 'c') {
      const n = this.canvas.copySelected();
      if (n) this.flash(`Copied ${n} node${n > 1 ? 's' : ''}`);
    } else if (ctrl && k === 'v') {
      void this.canvas.paste();
    } else if (ctrl && k === 'd') {
      e.preventDefault();
      if (this.canvas.copySelected()) void this.canvas.paste();
    } else if (ctrl && k === 'a') {
      e.preventDefault();
      void this.canvas.selectAll();
    } else if (k === 'delete' || k === 'backspace') {
      void this.canvas.deleteSelected();
    } else if (k === 'f' && !ctrl) {
      void this.canvas.zoomToFit();
    } else if (k === 'l' && !ctrl) {
      void this.canvas.arrange();
    } else if (e.key === '?') {
      this.showHelp = !this.showHelp;
    }
  }

  private selectedNode(): CfNode | undefined {
    const id = this.selected[this.selected.length - 1];
    return id ? this.canvas?.node(id) : undefined;
  }

  override render() {
    const node = this.selectedNode();
    return html`
      <header class="toolbar">
        <span class="brand">cortexflow</span>
        <input
          class="doc-name"
          data-testid="doc-name"
          .value=${this.name}
          title="Pipeline name"
          @change=${(e: Event) => {
            this.name = (e.target as HTMLInputElement).value || 'Untitled pipeline';
            this.changed('params');
          }}
        />
        <span class="sep"></span>
        <button data-testid="run" class="primary" ?disabled=${this.running} title="Run the whole pipeline (Ctrl+Enter)" @click=${() => this.run()}>▶ Run</button>
        <button data-testid="run-to" ?disabled=${this.running || this.selected.length === 0} title="Run up to the selected node (Shift+Ctrl+Enter)" @click=${() => this.runToSelected()}>▶ to selected</button>
        <button data-testid="stop" ?disabled=${!this.running} title="Stop (Esc)" @click=${() => this.stop()}>■ Stop</button>
        <span class="sep"></span>
        <button data-testid="undo" title="Undo (Ctrl+Z)" @click=${() => this.canvas.undo()}>↶</button>
        <button data-testid="redo" title="Redo (Ctrl+Y)" @click=${() => this.canvas.redo()}>↷</button>
        <button data-testid="arrange" title="Auto-arrange (L)" @click=${() => this.canvas.arrange()}>Arrange</button>
        <button data-testid="fit" title="Zoom to fit (F)" @click=${() => this.canvas.zoomToFit()}>Fit</button>
        <span class="sep"></span>
        <button data-testid="new" title="New empty pipeline" @click=${() => this.newPipeline()}>New</button>
        <button data-testid="open" title="Open a pipeline file (Ctrl+O)" @click=${() => this.querySelector<HTMLInputElement>('[data-testid="open-input"]')?.click()}>Open…</button>
        <input
          type="file"
          accept=".json,application/json"
          data-testid="open-input"
          hidden
          @change=${async (e: Event) => {
            const input = e.target as HTMLInputElement;
            const f = input.files?.[0];
            if (f) await this.openFile(f);
            input.value = '';
          }}
        />
        <button data-testid="save" title="Save: download the pipeline JSON (Ctrl+S)" @click=${() => this.save()}>Save</button>
        <select
          data-testid="examples"
          title="Open an example pipeline"
          @change=${async (e: Event) => {
            const sel = e.target as HTMLSelectElement;
            const ex = this.examples.find((x) => x.file === sel.value);
            sel.value = '';
            if (ex) await this.openValue(ex.document, `example ${ex.file}`);
          }}
        >
          <option value="">Examples…</option>
          ${this.examples.map((x) => html`<option value=${x.file}>${x.name}</option>`)}
        </select>
        <select
          data-testid="plugins"
          title="Load one of the bundled example plugins: its blocks join the palette"
          @change=${async (e: Event) => {
            const sel = e.target as HTMLSelectElement;
            const name = sel.value;
            sel.value = '';
            if (name) await this.loadPlugin(name);
          }}
        >
          <option value="">Plugins…</option>
          ${this.available.map(
            (p) =>
              html`<option value=${p.packageName} ?disabled=${this.plugins.includes(p.packageName)} title=${p.description}>
                ${p.packageName}${this.plugins.includes(p.packageName) ? ' (loaded)' : ''}
              </option>`,
          )}
        </select>
        <button data-testid="help" title="Keyboard shortcuts (?)" @click=${() => (this.showHelp = !this.showHelp)}>?</button>
        <span class="run-status" data-testid="run-status" title=${this.runStatus}>${this.runStatus}${this.backend ? html` <small>(${this.backend})</small>` : nothing}</span>
      </header>
      <main class="layout">
        <aside class="palette">
          <cf-palette
            .blocks=${this.blocks}
            @add-block=${(e: CustomEvent<string>) => void this.addAtCentre(e.detail)}
          ></cf-palette>
        </aside>
        <section class="canvas" data-testid="canvas"></section>
        <aside class="side" data-testid="side-panel">
          ${this.selected.length > 1 ? html`<p class="empty">${this.selected.length} nodes selected.</p>` : nothing}
          <cf-params
            .node=${node}
            .issues=${node ? (this.validity.get(node.id) ?? []) : []}
            .rev=${this.rev}
            @params-change=${(e: CustomEvent<{ id: string; params: Record<string, unknown> }>) =>
              this.canvas.setParams(e.detail.id, e.detail.params)}
          ></cf-params>
          ${node ? this.outputsPanel(node) : nothing}
        </aside>
      </main>
      ${this.problem
        ? html`<div class="problem" role="alert" data-testid="problem">
            <div class="problem-title">${this.problem.title}</div>
            <ul>
              ${this.problem.lines.map((l) => html`<li>${l}</li>`)}
            </ul>
            <button @click=${() => (this.problem = undefined)}>Dismiss</button>
          </div>`
        : nothing}
      ${this.toast ? html`<div class="toast" role="status" data-testid="toast">${this.toast}</div>` : nothing}
      ${this.showHelp ? this.helpPanel() : nothing}
    `;
  }

  private outputsPanel(n: CfNode) {
    const outs = Object.entries(n.results);
    return html`<div class="outputs" data-testid="outputs">
      ${n.status !== 'idle'
        ? html`<div class="out-status">Status: <b>${n.status}</b>${n.durationMs !== undefined ? ` · ${formatMs(n.durationMs)}` : ''}</div>`
        : nothing}
      ${n.message ? html`<div class="node-msg ${n.status}">${n.message}</div>` : nothing}
      ${outs.length
        ? html`<div class="out-title">Outputs</div>
            <ul class="out-list">
              ${outs.map(([port, o]) => html`<li><b>${port}</b> <small>${o.type}</small><br />${o.summary}</li>`)}
            </ul>`
        : nothing}
      ${n.figures.map(
        (f) => html`<figure class="figure" data-testid="figure">
          <img src=${svgDataUrl(f.svg)} alt=${f.title} />
          <figcaption><b>${f.title}</b> ${f.caption}</figcaption>
          <a download=${`${n.id}-${f.port}.svg`} href=${svgDataUrl(f.svg)}>Download SVG</a>
        </figure>`,
      )}
    </div>`;
  }

  private helpPanel() {
    return html`<div class="help" data-testid="help-panel" @click=${() => (this.showHelp = false)}>
      <div class="help-card" @click=${(e: Event) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table>
          ${SHORTCUTS.map(([k, d]) => html`<tr><td><kbd>${k}</kbd></td><td>${d}</td></tr>`)}
        </table>
        <p>Drag blocks from the palette onto the canvas; drag from an output socket to an input socket to connect (only compatible inputs light up). Drop a pipeline file on the canvas to open it.</p>
        <button @click=${() => (this.showHelp = false)}>Close</button>
      </div>
    </div>`;
  }

  private async addAtCentre(type: string): Promise<void> {
    const el = this.canvas.container.getBoundingClientRect();
    const { x, y, k } = this.canvas.area.area.transform;
    const node = await this.canvas.addNode(type, { x: (el.width / 2 - x) / k - 115, y: (el.height / 2 - y) / k - 60 });
    await this.canvas.select([node.id]);
  }

  private async newPipeline(): Promise<void> {
    await this.openValue({ format: 'cortexflow/pipeline', version: 1, name: 'Untitled pipeline', nodes: [], edges: [] }, 'a new pipeline');
  }
}

function safeLocalStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

if (!customElements.get('cf-app')) customElements.define('cf-app', CfApp);
