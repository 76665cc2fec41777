/**
 * The palette: every registered block by category, with a search box. Items are dragged onto the
 * canvas (HTML drag and drop; the block type travels as `application/x-cortexflow-block`), or
 * double-clicked to add at the centre of the view.
 */
import { LitElement, html, nothing } from 'lit';
import type { AnyBlock, InputSpec, PortType } from '../../core/index.ts';

export const BLOCK_MIME = 'application/x-cortexflow-block';

export class CfPalette extends LitElement {
  static override properties = { blocks: { attribute: false }, query: { state: true } };
  declare blocks: AnyBlock[];
  declare query: string;

  constructor() {
    super();
    this.blocks = [];
    this.query = '';
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  private matchesQuery(b: AnyBlock): boolean {
    const q = this.query.trim().toLowerCase();
    if (!q) return true;
    return [b.type, b.title, b.category, b.description].some((s) => s.toLowerCase().includes(q));
  }

  override render() {
    const groups = new Map<string, AnyBlock[]>();
    for (const b of this.blocks.filter((x) => this.matchesQuery(x))) {
      const g = groups.get(b.category) ?? [];
      g.push(b);
      groups.set(b.category, g);
    }
    return html`
      <input
        class="palette-search"
        type="search"
        placeholder="Search blocks…"
        data-testid="palette-search"
        .value=${this.query}
        @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)}
      />
      ${
        this.blocks.length === 0
          ? html`<p class="empty">No blocks are registered.</p>`
          : groups.size === 0
            ? html`<p class="empty">No block matches "${this.query}".</p>`
            : nothing
      }
      ${[...groups].map(
        ([cat, blocks]) => html`
          <div class="palette-group">
            <div class="palette-cat">${cat}</div>
            ${blocks.map(
              (b) =>
                html`<div
                  class="palette-item"
                  draggable="true"
                  data-block-type=${b.type}
                  title=${`${b.type}\n${b.description}\nin: ${portList(b.inputs as Record<string, InputSpec>, true)}\nout: ${portList(b.outputs as Record<string, PortType>, false)}`}
                  @dragstart=${(e: DragEvent) => {
                    e.dataTransfer?.setData(BLOCK_MIME, b.type);
                    e.dataTransfer?.setData('text/plain', b.type);
                    if (e.dataTransfer) e.dataTransfer.effectAllowed = 'copy';
                  }}
                  @dblclick=${() => this.dispatchEvent(new CustomEvent('add-block', { detail: b.type, bubbles: true }))}
                >
                  <span class="pi-title">${b.title}</span>
                  <span class="pi-ports">
                    ${Object.values(b.outputs as Record<string, PortType>).map(
                      (p) => html`<i class="dot" style="background:${p.color}" title=${p.name}></i>`,
                    )}
                  </span>
                </div>`,
            )}
          </div>
        `,
      )}
    `;
  }
}

function portList(ports: Record<string, InputSpec | PortType>, inputs: boolean): string {
  const e = Object.entries(ports);
  if (e.length === 0) return 'none';
  return e.map(([k, v]) => `${k} (${inputs ? (v as InputSpec).type.name : (v as PortType).name})`).join(', ');
}

if (!customElements.get('cf-palette')) customElements.define('cf-palette', CfPalette);
