/**
 * Plugins in the page: the bundled example plugins (menu) and the user's own plugin modules (a file
 * or a URL, loaded after a warning that their code runs with the page's rights). Loaded plugins are
 * remembered in localStorage and re-installed on the next visit; each run sends them to the worker,
 * which installs the same modules before it validates and runs. The document's `plugins` list names
 * the ones whose blocks the graph uses.
 */
import { html, nothing } from 'lit';
import type { PipelineDocument, Registry } from '../../core/index.ts';
import { safeLocalStorage } from './document-store.ts';
import { bundledPlugins, installBundled } from './plugins.ts';
import { fetchPluginCode, installUserPlugin, type UserPluginSource } from './user-plugins.ts';

export const PLUGINS_KEY = 'cortexflow.editor.plugins.v1';
export const USER_PLUGINS_KEY = 'cortexflow.editor.user-plugins.v1';

export interface PluginHost {
  readonly registry: Registry;
  /** The palette and panels must show the new blocks. */
  changed(): void;
  flash(message: string): void;
  problem(title: string, lines: string[]): void;
}

export class PluginMenu {
  readonly available = bundledPlugins();
  /** Bundled plugins installed in this page (package names). */
  bundled: string[] = [];
  /** User plugins installed in this page. */
  user: UserPluginSource[] = [];
  private readonly types = new Map<string, string[]>();
  /** Is the "load your own plugin" dialog open? */
  dialogOpen = false;

  constructor(private readonly host: PluginHost) {}

  /** The plugins (package names, file names, URLs) whose blocks `doc` uses. */
  pluginsFor(doc: PipelineDocument): string[] {
    const used = new Set(doc.nodes.map((n) => n.type));
    return [...this.bundled, ...this.user.map((u) => u.id)].filter((p) =>
      (this.types.get(p) ?? []).some((t) => used.has(t)),
    );
  }

  /** Re-install what the last visit had loaded (quietly: a plugin that no longer loads is dropped). */
  async restore(): Promise<void> {
    for (const name of readJson<unknown[]>(PLUGINS_KEY, []))
      if (typeof name === 'string') await this.loadBundled(name, { quiet: true });
    for (const p of readJson<unknown[]>(USER_PLUGINS_KEY, [])) if (isSource(p)) await this.loadUser(p, { quiet: true });
  }

  /** Install a bundled plugin (by package name or folder); its blocks join the palette. */
  async loadBundled(name: string, options: { quiet?: boolean } = {}): Promise<boolean> {
    const p = this.available.find((x) => x.packageName === name || x.id === name);
    if (p && this.bundled.includes(p.packageName)) return true;
    try {
      const installed = await installBundled(name, this.host.registry);
      this.bundled = [...this.bundled, installed.name];
      this.types.set(installed.name, installed.blocks);
      safeLocalStorage()?.setItem(PLUGINS_KEY, JSON.stringify(this.bundled));
      if (!options.quiet) this.host.flash(`Loaded plugin ${installed.name}: ${installed.blocks.join(', ')}`);
      this.host.changed();
      return true;
    } catch (e) {
      if (!options.quiet) this.host.problem(`Could not load plugin ${name}`, [messageOf(e)]);
      return false;
    }
  }

  /** Install a user plugin module; a broken one is refused with its error and changes nothing. */
  async loadUser(src: UserPluginSource, options: { quiet?: boolean } = {}): Promise<boolean> {
    if (this.user.some((u) => u.id === src.id)) {
      if (!options.quiet)
        this.host.problem(`Plugin ${src.id} is already loaded`, ['Reload the page to load a new version of it.']);
      return false;
    }
    try {
      const installed = await installUserPlugin(src, this.host.registry);
      this.user = [...this.user, src];
      this.types.set(src.id, installed.blocks);
      try {
        safeLocalStorage()?.setItem(USER_PLUGINS_KEY, JSON.stringify(this.user));
      } catch {
        // Too large for storage: it stays loaded for this visit only.
      }
      this.dialogOpen = false;
      if (!options.quiet) this.host.flash(`Loaded your plugin ${installed.name}: ${installed.blocks.join(', ')}`);
      this.host.changed();
      return true;
    } catch (e) {
      if (!options.quiet) this.host.problem(`Refused plugin ${src.id}; nothing was changed`, [messageOf(e)]);
      return false;
    }
  }

  async loadFile(file: File): Promise<boolean> {
    return this.loadUser({ id: `./${file.name}`, code: await file.text() });
  }

  async loadUrl(url: string): Promise<boolean> {
    try {
      return await this.loadUser({ id: url, code: await fetchPluginCode(url) });
    } catch (e) {
      this.host.problem(`Could not fetch plugin ${url}; nothing was changed`, [messageOf(e)]);
      return false;
    }
  }

  /** The toolbar's plugin menu. */
  menu() {
    return html`<select
      data-testid="plugins"
      title="Load a plugin: a bundled example or your own module"
      @change=${async (e: Event) => {
        const sel = e.target as HTMLSelectElement;
        const name = sel.value;
        sel.value = '';
        if (name === '__user__') {
          this.dialogOpen = true;
          this.host.changed();
        } else if (name) await this.loadBundled(name);
      }}
    >
      <option value="">Plugins…</option>
      <option value="__user__">Load your own plugin…</option>
      ${this.available.map(
        (p) =>
          html`<option value=${p.packageName} ?disabled=${this.bundled.includes(p.packageName)} title=${p.description}>
            ${p.packageName}${this.bundled.includes(p.packageName) ? ' (loaded)' : ''}
          </option>`,
      )}
    </select>`;
  }

  /** The "load your own plugin" dialog, with the warning. */
  dialog() {
    if (!this.dialogOpen) return nothing;
    const close = (): void => {
      this.dialogOpen = false;
      this.host.changed();
    };
    let url = '';
    return html`<div class="help" data-testid="plugin-dialog" @click=${close}>
      <div class="help-card plugin-card" @click=${(e: Event) => e.stopPropagation()}>
        <h2>Load your own plugin</h2>
        <p class="warning" data-testid="plugin-warning" role="note">
          <b>Plugin code runs with this page's rights.</b> It can read and change everything the editor can (your
          pipelines, autosave, results) and send it anywhere. Load only code you wrote or trust.
        </p>
        <p>
          A plugin is one ES module exporting <code>apiVersion</code>, <code>name</code> and <code>blocks</code> (see
          docs/plugins.md). It may import <code>cortexflow/core</code>; other imports must be bundled into the file. The
          pipeline's <code>plugins</code> list remembers it; the CLI loads the same file with <code>--plugin</code>.
        </p>
        <label class="plugin-row"
          >From a file
          <input
            type="file"
            accept=".js,.mjs,text/javascript"
            data-testid="plugin-file"
            @change=${async (e: Event) => {
              const input = e.target as HTMLInputElement;
              const f = input.files?.[0];
              input.value = '';
              if (f) await this.loadFile(f);
            }}
        /></label>
        <label class="plugin-row"
          >From a URL
          <input
            type="url"
            placeholder="https://…/plugin.js"
            data-testid="plugin-url"
            @input=${(e: Event) => (url = (e.target as HTMLInputElement).value)}
          />
          <button @click=${() => url && void this.loadUrl(url)}>Load</button>
        </label>
        ${this.user.length ? html`<p>Loaded: ${this.user.map((u) => html`<code>${u.id}</code> `)}</p>` : nothing}
        <button @click=${close}>Close</button>
      </div>
    </div>`;
  }
}

function readJson<T>(key: string, fallback: T): T {
  try {
    const v = JSON.parse(safeLocalStorage()?.getItem(key) ?? 'null') as unknown;
    return (v ?? fallback) as T;
  } catch {
    return fallback;
  }
}

function isSource(v: unknown): v is UserPluginSource {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as UserPluginSource).id === 'string' &&
    typeof (v as UserPluginSource).code === 'string'
  );
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
