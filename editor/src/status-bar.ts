/**
 * The editor's status bar: where the open pipeline came from, how many threads this page may use
 * (and why), a "Share link" button (the pipeline in the link, see share.ts), the opt-in service
 * worker that makes a header-less host cross-origin isolated (coi-sw.js), and the download of the
 * last run's HTML report.
 *
 * It only listens to two events of the editor element (`cf-opened`, `cf-run-event`) and reads its
 * `document()`, so the editor needs no knowledge of it beyond placing it.
 */
import { LitElement, css, html, nothing } from 'lit';
import type { PipelineDocument } from '../../core/index.ts';
import { threadSupport, threadsInBackend, type ThreadSupport } from './isolation.ts';
import type { WireEvent } from './protocol.ts';
import { shareLink } from './share.ts';

/** The editor as the status bar sees it. */
export interface StatusHost extends EventTarget {
  document(): PipelineDocument;
}

/** File name of the service worker, next to the editor page. */
export const COI_SW = 'coi-sw.js';

interface ReportFile {
  node: string;
  title: string;
  html: string;
}

export class CfStatusBar extends LitElement {
  static override properties = {
    host: { attribute: false },
    backend: { type: String },
    source: { state: true },
    link: { state: true },
    report: { state: true },
    coiBusy: { state: true },
  };
  declare host: StatusHost | undefined;
  declare backend: string;
  declare source: string;
  declare link: string;
  declare report: ReportFile | undefined;
  declare coiBusy: boolean;

  private readonly support: ThreadSupport = threadSupport();
  private listening: StatusHost | undefined;

  constructor() {
    super();
    this.host = undefined;
    this.backend = '';
    this.source = '';
    this.link = '';
    this.report = undefined;
    this.coiBusy = false;
  }

  private readonly onOpened = (e: Event): void => {
    this.source = String((e as CustomEvent<string>).detail);
    this.link = '';
  };

  private readonly onRunEvent = (e: Event): void => {
    const ev = (e as CustomEvent<WireEvent>).detail;
    if (ev.type === 'run-started') this.report = undefined;
    if (ev.type !== 'node-done' && ev.type !== 'node-cached') return;
    for (const p of Object.values(ev.data.previews))
      if (p.kind === 'report') this.report = { node: ev.data.node, title: p.title, html: p.html };
  };

  override updated(): void {
    if (this.host === this.listening) return;
    this.listening?.removeEventListener('cf-opened', this.onOpened);
    this.listening?.removeEventListener('cf-run-event', this.onRunEvent);
    this.host?.addEventListener('cf-opened', this.onOpened);
    this.host?.addEventListener('cf-run-event', this.onRunEvent);
    this.listening = this.host;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.listening?.removeEventListener('cf-opened', this.onOpened);
    this.listening?.removeEventListener('cf-run-event', this.onRunEvent);
    this.listening = undefined;
  }

  private async share(): Promise<void> {
    if (!this.host) return;
    this.link = await shareLink(this.host.document(), window.location.href);
    try {
      await navigator.clipboard.writeText(this.link);
    } catch {
      // No clipboard permission (or an insecure page): the link stays selected in the field.
    }
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('input.link')?.select();
  }

  private downloadReport(): void {
    const r = this.report;
    if (!r) return;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([r.html], { type: 'text/html' }));
    a.download = `${slug(r.title || r.node)}.html`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  /** Register the isolating service worker and reload once it controls the page. */
  private async enableCoi(): Promise<void> {
    this.coiBusy = true;
    try {
      const reg = await navigator.serviceWorker.register(COI_SW);
      await navigator.serviceWorker.ready;
      if (navigator.serviceWorker.controller || reg.active) window.location.reload();
    } catch (e) {
      this.coiBusy = false;
      this.source = `could not start the service worker: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  private async disableCoi(): Promise<void> {
    for (const reg of await navigator.serviceWorker.getRegistrations()) await reg.unregister();
    window.location.reload();
  }

  override render() {
    const s = this.support;
    const tfThreads = threadsInBackend(this.backend);
    const viaSw =
      s.isolated && navigator.serviceWorker?.controller !== null && navigator.serviceWorker?.controller !== undefined;
    const canSw = !s.isolated && window.isSecureContext && 'serviceWorker' in navigator;
    // Built as one string: template whitespace (formatters wrap long lines) must not reach the text.
    const where = s.isolated
      ? `cross-origin isolated${viaSw ? ' (service worker)' : ''}`
      : 'not cross-origin isolated (no COOP/COEP headers), same results, slower';
    const tf =
      tfThreads === undefined
        ? ''
        : ` · tfjs-wasm: ${tfThreads.threadedBuild ? 'threaded' : 'single-thread'} build, ` +
          `${tfThreads.threads} XNNPACK thread${tfThreads.threads === 1 ? '' : 's'}`;
    const threadsLabel = `${s.threads > 1 ? `${s.threads} threads` : '1 thread'}: ${where}${tf}`;
    return html`
      <span class="source" data-testid="source" title=${this.source}
        >${this.source ? html`Opened from ${this.source}` : nothing}</span
      >
      <span
        class="threads ${s.threads > 1 ? 'multi' : 'single'}"
        data-testid="threads"
        data-isolated=${String(s.isolated)}
        data-threads=${String(s.threads)}
        data-tf-threads=${tfThreads === undefined ? '' : String(tfThreads.threads)}
        data-tf-threaded=${tfThreads === undefined ? '' : String(tfThreads.threadedBuild)}
        title=${s.reason}
        >${threadsLabel}</span
      >
      ${
        canSw
          ? html`<button
              data-testid="coi-enable"
              ?disabled=${this.coiBusy}
              title="Installs a small service worker (coi-sw.js) that adds the COOP/COEP headers this host does not send, then reloads"
              @click=${() => void this.enableCoi()}
            >
              Use every core
            </button>`
          : nothing
      }
      ${viaSw ? html`<button data-testid="coi-disable" title="Remove the service worker and reload" @click=${() => void this.disableCoi()}>Single thread</button>` : nothing}
      ${
        this.report
          ? html`<button
              data-testid="download-report"
              title="Download the report made by node ${this.report.node}"
              @click=${() => this.downloadReport()}
            >
              Download report
            </button>`
          : nothing
      }
      <button
        data-testid="share"
        title="A link that opens this pipeline (it travels in the link itself; nothing is uploaded)"
        @click=${() => void this.share()}
      >
        Share link
      </button>
      ${this.link ? html`<input class="link" data-testid="share-url" readonly .value=${this.link} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />` : nothing}
    `;
  }

  static override styles = css`
    :host {
      display: flex;
      align-items: center;
      gap: 10px;
      padding: 3px 10px;
      background: #f0f2f5;
      border-top: 1px solid #d7dae0;
      color: #475467;
      font:
        12px system-ui,
        -apple-system,
        'Segoe UI',
        Roboto,
        sans-serif;
      flex: 0 0 auto;
      min-width: 0;
    }
    .source {
      flex: 1 1 0;
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .threads {
      white-space: nowrap;
    }
    .threads.single {
      color: #b76e00;
    }
    .threads.multi {
      color: #1a7f37;
    }
    button {
      font: inherit;
      padding: 1px 8px;
      border: 1px solid #c4c9d2;
      border-radius: 4px;
      background: #fff;
      cursor: pointer;
    }
    input.link {
      font: inherit;
      width: 22em;
      padding: 1px 4px;
    }
  `;
}

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'report'
  );
}

if (!customElements.get('cf-status-bar')) customElements.define('cf-status-bar', CfStatusBar);
