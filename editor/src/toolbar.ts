/**
 * The toolbar: name, run controls, editing, files and examples, plugins, downloads, help. Groups
 * wrap onto a second row on narrow windows instead of clipping; the run status is in the status bar.
 * The status bar and the overlays are here too: they are the page's chrome around the canvas.
 */
import { html, nothing } from 'lit';
import { helpPanel } from './shortcuts.ts';
import type { CfApp } from './app.ts';

/** The toolbar of `app`. */
export function toolbar(app: CfApp) {
  return html`
    <header class="toolbar">
      <span class="brand"><span class="logo" aria-hidden="true"></span>cortexflow</span>
      <input
        class="doc-name"
        data-testid="doc-name"
        .value=${app.store.name}
        title=${`Pipeline name: ${app.store.name}`}
        @change=${(e: Event) => {
          app.store.name = (e.target as HTMLInputElement).value || 'Untitled pipeline';
          app.changed('params');
        }}
      />
      <div class="group">
        <button
          data-testid="run"
          class="primary"
          ?disabled=${app.running}
          title="Run the whole pipeline (Ctrl+Enter)"
          @click=${() => app.run()}
        >
          ▶ Run
        </button>
        <button
          data-testid="run-to"
          ?disabled=${app.running || app.selected.length === 0}
          title="Run up to the selected node (Shift+Ctrl+Enter)"
          @click=${() => app.runToSelected()}
        >
          ▶ to selected
        </button>
        <button data-testid="stop" ?disabled=${!app.running} title="Stop (Esc)" @click=${() => app.stop()}>
          ■ Stop
        </button>
      </div>
      <div class="group">
        <button data-testid="undo" class="icon" title="Undo (Ctrl+Z)" @click=${() => app.canvas.undo()}>↶</button>
        <button data-testid="redo" class="icon" title="Redo (Ctrl+Y)" @click=${() => app.canvas.redo()}>↷</button>
        <button data-testid="arrange" title="Auto-arrange (L)" @click=${() => app.canvas.arrange()}>Arrange</button>
        <button
          data-testid="fit"
          title="Zoom to fit, never below a readable zoom (F)"
          @click=${() => app.canvas.zoomToFit()}
        >
          Fit
        </button>
      </div>
      <div class="group">
        <button data-testid="new" title="New empty pipeline" @click=${() => app.store.newPipeline()}>New</button>
        <button
          data-testid="open"
          title="Open a pipeline file (Ctrl+O)"
          @click=${() => app.querySelector<HTMLInputElement>('[data-testid="open-input"]')?.click()}
        >
          Open…
        </button>
        <input
          type="file"
          accept=".json,application/json"
          data-testid="open-input"
          hidden
          @change=${async (e: Event) => {
            const input = e.target as HTMLInputElement;
            const f = input.files?.[0];
            if (f) await app.store.openFile(f);
            input.value = '';
          }}
        />
        <button data-testid="save" title="Save: download the pipeline JSON (Ctrl+S)" @click=${() => app.save()}>
          Save
        </button>
        <select
          data-testid="examples"
          title="Open an example pipeline"
          @change=${async (e: Event) => {
            const sel = e.target as HTMLSelectElement;
            const ex = app.examples.find((x) => x.file === sel.value);
            sel.value = '';
            if (ex) await app.store.openValue(ex.document, `example ${ex.file}`);
          }}
        >
          <option value="">Examples…</option>
          ${app.examples.map((x) => html`<option value=${x.file}>${x.name}</option>`)}
        </select>
        ${app.pluginMenu.menu()}
      </div>
      <div class="group">
        <button
          data-testid="download-run"
          ?disabled=${!app.hasRun}
          title="Download the whole last run as a zip: manifest.json and NODE/PORT files, like cortexflow run --out"
          @click=${() => app.downloadRun()}
        >
          ⤓ Run
        </button>
        <button
          data-testid="download-report"
          ?disabled=${!app.hasRun}
          title="Download the report alone (self-contained HTML)"
          @click=${() => app.downloadReport()}
        >
          ⤓ Report
        </button>
      </div>
      <span class="grow"></span>
      <button
        data-testid="help"
        class="icon"
        title="Keyboard shortcuts (?)"
        @click=${() => (app.showHelp = !app.showHelp)}
      >
        ?
      </button>
    </header>
  `;
}

/** The status bar: the run's status line (never clipped: it wraps), the backend, the minimap toggle. */
export function statusBar(app: CfApp) {
  return html`
    <footer class="statusbar" data-testid="statusbar">
      <span class="run-status ${app.running ? 'running' : ''}" data-testid="run-status"
        >${app.runStatus || 'ready'}</span
      >
      <cf-status-bar class="grow" .host=${app} .backend=${app.backend}></cf-status-bar>
      ${app.backend ? html`<span class="backend" data-testid="backend">${app.backend}</span>` : nothing}
      <button class="link" data-testid="toggle-minimap" @click=${() => (app.showMinimap = !app.showMinimap)}>
        ${app.showMinimap ? 'Hide' : 'Show'} minimap
      </button>
    </footer>
  `;
}

/** Problems, toasts, help, the plugin dialog and the figure viewer. */
export function overlays(app: CfApp) {
  return html`
    ${
      app.problem
        ? html`<div class="problem" role="alert" data-testid="problem">
            <div class="problem-title">${app.problem.title}</div>
            <ul>
              ${app.problem.lines.map((l) => html`<li>${l}</li>`)}
            </ul>
            <button @click=${() => (app.problem = undefined)}>Dismiss</button>
          </div>`
        : nothing
    }
    ${app.toast ? html`<div class="toast" role="status" data-testid="toast">${app.toast}</div>` : nothing}
    ${app.showHelp ? helpPanel(() => (app.showHelp = false)) : nothing} ${app.pluginMenu.dialog()}
    <cf-figure-viewer
      .shown=${app.viewing}
      @close=${() => (app.viewing = undefined)}
      @download-output=${(e: CustomEvent<{ node: string; port: string; format: 'svg' | 'png' }>) =>
        void app.downloadOutput(e.detail.node, e.detail.port, e.detail.format)}
    ></cf-figure-viewer>
  `;
}
