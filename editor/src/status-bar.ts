/**
 * The editor's status bar: where the open pipeline came from, how many threads this page may use
 * (and why), a "Share link" button (the pipeline in the link, see share.ts), the opt-in service
 * worker that makes a header-less host cross-origin isolated (coi-sw.js). It sits inside the
 * editor's status bar (toolbar.ts); the report and run downloads are the toolbar's.
 *
 * It only listens to one event of the editor element (`cf-opened`) and reads its `document()`, so
 * the editor needs no knowledge of it beyond placing it.
 */
import { LitElement, css, html, nothing } from 'lit';
import type { PipelineDocument } from '../../core/index.ts';
import { threadSupport, threadsInBackend, type ThreadSupport } from './isolation.ts';
import { shareLink } from './share.ts';

/** The editor as the status bar sees it. */
export interface StatusHost extends EventTarget {
  document(): PipelineDocument;
}

/** File name of the service worker, next to the editor page. */
export const COI_SW = 'coi-sw.js';

export class CfStatusBar extends LitElement {
  static override properties = {
    host: { attribute: false },
    backend: { type: String },
    source: { state: true },
    link: { state: true },
    coiBusy: { state: true },
  };
  declare host: StatusHost | undefined;
  declare backend: string;
  declare source: string;
  declare link: string;
  declare coiBusy: boolean;

  private readonly support: ThreadSupport = threadSupport();
  private listening: StatusHost | undefined;

  constructor() {
    super();
    this.host = undefined;
    this.backend = '';
    this.source = '';
    this.link = '';
    this.coiBusy = false;
  }

  private readonly onOpened = (e: Event): void => {
    this.source = String((e as CustomEvent<string>).detail);
    this.link = '';
  };

  override updated(): void {
    if (this.host === this.listening) return;
    this.listening?.removeEventListener('cf-opened', this.onOpened);
    this.host?.addEventListener('cf-opened', this.onOpened);
    this.listening = this.host;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.listening?.removeEventListener('cf-opened', this.onOpened);
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
      padding: 0;
      color: inherit;
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
      color: var(--warn, #b45309);
    }
    .threads.multi {
      color: var(--ok, #15803d);
    }
    button {
      font: inherit;
      padding: 1px 8px;
      border: 1px solid var(--border, #c4c9d2);
      border-radius: 4px;
      background: var(--panel, #fff);
      color: inherit;
      cursor: pointer;
    }
    input.link {
      font: inherit;
      width: 22em;
      padding: 1px 4px;
    }
  `;
}

if (!customElements.get('cf-status-bar')) customElements.define('cf-status-bar', CfStatusBar);
