/**
 * The params panel: a form generated from the selected block's params JSON Schema (numbers,
 * integers, enums, booleans, strings, lists, maps), with the schema's messages inline (the core's
 * `checkValue`, the same check the CLI makes) and the block's cross-param checks. Every committed
 * edit is one undoable step (the canvas records it).
 */
import { LitElement, html, nothing } from 'lit';
import { checkValue, MAX_DOCUMENT_DEPTH, tooDeep } from '../../core/index.ts';
import type { CfNode } from './graph.ts';

type Schema = Record<string, unknown>;

/**
 * A number as the form shows it: integers exactly, others at 6 significant digits (a derived
 * value like 0.0033222591362126247 reads 0.00332226; the exact value is in the field's tooltip and
 * stays in the document until the field is edited).
 */
export function shown(v: number): string {
  return Number.isInteger(v) || !Number.isFinite(v) ? String(v) : String(Number(v.toPrecision(6)));
}

export class CfParams extends LitElement {
  static override properties = { node: { attribute: false }, issues: { attribute: false }, rev: { attribute: false } };
  declare node: CfNode | undefined;
  /** Cross-param issues from the document check: param ('' for the node) -> messages. */
  declare issues: Array<{ param: string; message: string }>;
  declare rev: number;

  constructor() {
    super();
    this.issues = [];
    this.rev = 0;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  private commit(key: string, value: unknown): void {
    const node = this.node;
    if (!node) return;
    const params = { ...node.params };
    if (value === undefined) delete params[key];
    else params[key] = value;
    this.dispatchEvent(new CustomEvent('params-change', { detail: { id: node.id, params }, bubbles: true }));
  }

  override render() {
    const node = this.node;
    if (!node) return html`<p class="empty">Select a node to edit its params.</p>`;
    const schema = node.block.params as unknown as Schema;
    const props = (schema['properties'] ?? {}) as Record<string, Schema>;
    const required = new Set((schema['required'] as string[] | undefined) ?? []);
    const issues = checkValue(node.block.params, node.params);
    const byParam = new Map<string, string[]>();
    for (const i of issues) {
      const root = i.path.split(/[.[]/)[0] ?? '';
      byParam.set(root, [
        ...(byParam.get(root) ?? []),
        i.path.includes('.') || i.path.includes('[') ? `${i.path}: ${i.message}` : i.message,
      ]);
    }
    for (const i of this.issues) {
      const list = byParam.get(i.param) ?? [];
      if (!list.includes(i.message) && !issues.some((x) => i.message === x.message)) list.push(i.message);
      byParam.set(i.param, list);
    }
    const nodeLevel = byParam.get('') ?? [];
    return html`
      <div class="params-head">
        <div class="params-title">${node.label}</div>
        <div class="params-type">${node.id} · ${node.type} v${node.block.version}</div>
        <p class="params-desc" title=${node.block.description}>${node.block.description}</p>
      </div>
      ${nodeLevel.map((m) => html`<div class="param-error" data-testid="param-error">${m}</div>`)}
      ${Object.keys(props).length === 0 ? html`<p class="empty">This block has no params.</p>` : nothing}
      <form class="params-form" @submit=${(e: Event) => e.preventDefault()}>
        ${Object.entries(props).map(([key, s]) => this.field(key, s, node.params[key], byParam.get(key) ?? [], required.has(key)))}
      </form>
    `;
  }

  private field(key: string, s: Schema, value: unknown, errors: string[], _required: boolean) {
    const desc = typeof s['description'] === 'string' ? s['description'] : '';
    const unit = typeof s['unit'] === 'string' ? ` (${s['unit']})` : '';
    const invalid = errors.length > 0;
    return html`<div class="param ${invalid ? 'invalid' : ''}" data-param-row=${key}>
      <label title=${desc}>
        <span class="param-name">${key}${unit}</span>
        ${this.control(key, s, value, invalid)}
      </label>
      ${desc ? html`<div class="param-desc">${desc}</div>` : nothing}
      ${errors.map((m) => html`<div class="param-error" data-testid="param-error">${m}</div>`)}
    </div>`;
  }

  private control(key: string, s: Schema, value: unknown, invalid: boolean) {
    const anyOf = s['anyOf'] as Schema[] | undefined;
    const type = s['type'];
    if (anyOf && anyOf.every((a) => a['const'] !== undefined)) {
      const options = anyOf.map((a) => a['const']);
      return html`<select
        data-param=${key}
        aria-invalid=${invalid}
        @change=${(e: Event) => this.commit(key, options[(e.target as HTMLSelectElement).selectedIndex])}
      >
        ${options.map((o) => html`<option ?selected=${o === value} .value=${String(o)}>${String(o)}</option>`)}
      </select>`;
    }
    if (type === 'boolean')
      return html`<input
        type="checkbox"
        data-param=${key}
        .checked=${value === true}
        @change=${(e: Event) => this.commit(key, (e.target as HTMLInputElement).checked)}
      />`;
    if (type === 'integer' || type === 'number') {
      const step = type === 'integer' ? '1' : 'any';
      return html`<input
        type="number"
        data-param=${key}
        step=${step}
        min=${typeof s['minimum'] === 'number' ? String(s['minimum']) : nothing}
        max=${typeof s['maximum'] === 'number' ? String(s['maximum']) : nothing}
        aria-invalid=${invalid}
        title=${typeof value === 'number' ? String(value) : ''}
        .value=${typeof value === 'number' ? shown(value) : ''}
        @change=${(e: Event) => {
          const t = (e.target as HTMLInputElement).value.trim();
          this.commit(key, t === '' ? undefined : Number(t));
        }}
      />`;
    }
    if (type === 'string')
      return html`<input
        type="text"
        data-param=${key}
        aria-invalid=${invalid}
        .value=${typeof value === 'string' ? value : ''}
        @change=${(e: Event) => this.commit(key, (e.target as HTMLInputElement).value)}
      />`;
    if (type === 'array') {
      const item = (s['items'] ?? {}) as Schema;
      const scalar = item['type'] === 'number' || item['type'] === 'integer' || item['type'] === 'string';
      if (scalar) {
        const text = Array.isArray(value) ? value.join(', ') : '';
        return html`<input
          type="text"
          data-param=${key}
          aria-invalid=${invalid}
          placeholder="comma-separated"
          .value=${text}
          @change=${(e: Event) => {
            const raw = (e.target as HTMLInputElement).value;
            const parts = raw
              .split(',')
              .map((p) => p.trim())
              .filter((p) => p !== '');
            this.commit(
              key,
              item['type'] === 'string' ? parts : parts.map((p) => (Number.isNaN(Number(p)) ? p : Number(p))),
            );
          }}
        />`;
      }
    }
    // Objects, lists of objects, anything else: JSON.
    return html`<textarea
      data-param=${key}
      rows="3"
      aria-invalid=${invalid}
      .value=${value === undefined ? '' : JSON.stringify(value)}
      @change=${(e: Event) => {
        const field = e.target as HTMLTextAreaElement;
        const t = field.value.trim();
        let problem = '';
        try {
          const value = t === '' ? undefined : (JSON.parse(t) as unknown);
          // A param sits 4 levels into the document (document, nodes, node, params): refuse here
          // what the loader would refuse, before the graph, undo and autosave hold it.
          const deep = tooDeep(value, MAX_DOCUMENT_DEPTH - 4, key);
          if (deep !== undefined)
            problem = `${deep}: nested more than ${MAX_DOCUMENT_DEPTH} levels deep; a pipeline document nests at most ${MAX_DOCUMENT_DEPTH} levels`;
          else this.commit(key, value);
        } catch (err) {
          problem = `not valid JSON: ${(err as Error).message}`;
        }
        field.setCustomValidity(problem);
        if (problem) field.reportValidity();
      }}
    ></textarea>`;
  }
}

if (!customElements.get('cf-params')) customElements.define('cf-params', CfParams);
