/** `report.html`: every figure and one-line summary of a run in one self-contained HTML file. */
import { Any, bool, defineBlock, input, schema, str, type RunEnvironment } from '../../core/index.ts';
import { FigurePort, ReportPort, type Figure } from '../ports/figure.ts';
import { describeValue } from './describe.ts';

const TYPE = 'report.html';

/** Escape text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Make an SVG safe to inline next to others: drop any XML prolog/doctype, and prefix its ids (and
 * the references to them) so two figures cannot capture each other's clip paths or gradients.
 */
export function inlineSvg(svg: string, prefix: string): string {
  let s = svg.replace(/^\s*<\?xml[^>]*\?>\s*/, '').replace(/<!DOCTYPE[^>]*>\s*/i, '');
  if (!/^\s*<svg[\s>]/.test(s))
    throw new Error(
      `${TYPE}: a figure's svg is not an <svg> document (it starts with ${JSON.stringify(s.slice(0, 40))})`,
    );
  if (/<script[\s>]/i.test(s))
    throw new Error(`${TYPE}: a figure's svg contains a <script>; figures must be static images`);
  s = s
    .replace(/\sid="([^"]+)"/g, (_, id: string) => ` id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}${id})`)
    .replace(/(\s(?:xlink:)?href)="#([^"]+)"/g, (_, a: string, id: string) => `${a}="#${prefix}${id}"`);
  return s;
}

/** Figures in pipeline order (by the node that drew them), edge order otherwise. */
export function orderFigures(figures: Figure[], pipeline: RunEnvironment['pipeline']): Figure[] {
  if (!pipeline) return figures;
  const index = new Map(pipeline.nodes.map((n, i) => [n.id, i]));
  return figures
    .map((f, i) => ({ f, i, at: f.node !== undefined ? (index.get(f.node) ?? Infinity) : Infinity }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((x) => x.f);
}

/** Non-integers at 4 significant digits (a run's derived values, e.g. 0.0033222591362126247). */
const readable = (_k: string, x: unknown): unknown =>
  typeof x === 'number' && Number.isFinite(x) && !Number.isInteger(x) ? Number(x.toPrecision(4)) : x;

function formatParam(v: unknown): string {
  const s = typeof v === 'string' && v !== '' && !/\s/.test(v) ? v : JSON.stringify(v, readable);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 15px/1.5 'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif; color: #222; background: #f6f6f4; }
header { max-width: 1100px; margin: 0 auto 20px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.meta { color: #555; margin: 0; }
main { max-width: 1100px; margin: 0 auto; }
ul.summaries { padding-left: 20px; margin: 0; }
ul.summaries li { margin: 2px 0; }
.type { display: inline-block; min-width: 9em; color: #555; font-size: 13px; }
figure.figure { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 0 0 22px; padding: 14px; overflow-x: auto; }
figure.figure svg { display: block; width: 100%; height: auto; margin: 0 auto; }
figcaption { margin-top: 10px; color: #333; font-size: 14px; max-width: 80ch; }
figcaption .num { font-weight: bold; }
figcaption .node { color: #777; font-size: 12px; }
table.params { border-collapse: collapse; width: 100%; font-size: 13px; background: #fff; }
table.params th, table.params td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
table.params th { background: #eee; }
table.params td:nth-child(-n+2) { white-space: nowrap; }
table.params code { display: inline-block; margin-right: 10px; font-family: 'DejaVu Sans Mono', Consolas, monospace; font-size: 12px; overflow-wrap: anywhere; }
footer { max-width: 1100px; margin: 32px auto 0; color: #777; font-size: 12px; }
`;

/** Build the HTML page. */
export function buildReportHtml(options: {
  title: string;
  pipeline: RunEnvironment['pipeline'];
  figures: Figure[];
  items: unknown[];
  includeParams: boolean;
}): string {
  const { title, pipeline, figures, items } = options;
  const parts: string[] = [];
  parts.push('<!doctype html>', '<html lang="en">', '<head>', '<meta charset="utf-8">');
  parts.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  parts.push(`<title>${escapeHtml(title)}</title>`, `<style>${STYLE}</style>`, '</head>', '<body>');
  parts.push('<header>', `<h1>${escapeHtml(title)}</h1>`);
  const meta: string[] = [];
  if (pipeline) meta.push(`pipeline “${escapeHtml(pipeline.name)}”, ${pipeline.nodes.length} nodes`);
  meta.push(`${figures.length} figure${figures.length === 1 ? '' : 's'}`);
  parts.push(`<p class="meta">${meta.join(' · ')}</p>`);
  if (pipeline?.description) parts.push(`<p>${escapeHtml(pipeline.description)}</p>`);
  parts.push('</header>', '<main>');
  if (items.length > 0) {
    parts.push('<section class="summaries-section">', '<h2>Summary</h2>', '<ul class="summaries">');
    for (const v of items) {
      const d = describeValue(v);
      parts.push(`<li><span class="type">${escapeHtml(d.type)}</span> ${escapeHtml(d.summary)}</li>`);
    }
    parts.push('</ul>', '</section>');
  }
  parts.push('<section class="figures-section">', '<h2>Figures</h2>');
  figures.forEach((f, i) => {
    const n = i + 1;
    parts.push(`<figure class="figure" id="figure-${n}" data-kind="${escapeHtml(f.kind)}">`);
    // Fill the column, but never blow a figure up past 1.25 x (text stays at a sane size).
    parts.push(`<div class="figure-body" style="max-width: ${Math.round(1.25 * f.width)}px; margin: 0 auto">`);
    parts.push(inlineSvg(f.svg, `f${n}-`));
    parts.push('</div>');
    parts.push(
      `<figcaption><span class="num">Figure ${n}.</span> <strong>${escapeHtml(f.title)}.</strong> ${escapeHtml(f.caption)}` +
        (f.node !== undefined ? ` <span class="node">(node ${escapeHtml(f.node)})</span>` : '') +
        '</figcaption>',
    );
    parts.push('</figure>');
  });
  parts.push('</section>');
  if (options.includeParams && pipeline) {
    parts.push('<section class="params-section">', '<h2>Pipeline</h2>', '<table class="params">');
    parts.push('<thead><tr><th>node</th><th>type</th><th>params</th></tr></thead><tbody>');
    for (const n of pipeline.nodes) {
      const params = Object.entries(n.params)
        .map(([k, v]) => `<code>${escapeHtml(k)}=${escapeHtml(formatParam(v))}</code>`)
        .join(' ');
      const label = n.label && n.label !== n.id ? ` <span class="type">${escapeHtml(n.label)}</span>` : '';
      parts.push(`<tr><td>${escapeHtml(n.id)}${label}</td><td>${escapeHtml(n.type)}</td><td>${params}</td></tr>`);
    }
    parts.push('</tbody></table>', '</section>');
  }
  parts.push(
    '</main>',
    '<footer>Made with cortexflow. Self-contained: every figure is inline SVG; nothing is fetched.</footer>',
  );
  parts.push('</body>', '</html>', '');
  return parts.join('\n');
}

export const reportHtml = defineBlock({
  type: TYPE,
  version: 1,
  title: 'HTML report',
  category: 'Report',
  description:
    'Gathers every connected Figure (in pipeline order) and a one-line summary of any other connected ' +
    'output into one self-contained HTML file (inline SVG and CSS, nothing fetched), headed by the ' +
    "pipeline's name and followed by every node's params.",
  usesPipelineInfo: true,
  inputs: {
    figures: input(FigurePort, { multiple: true, description: 'Figures to include, in pipeline order.' }),
    items: input(Any, {
      multiple: true,
      optional: true,
      description: 'Any outputs to summarise in one line each (model, history, spectrum, ...).',
    }),
  },
  outputs: { report: ReportPort },
  params: schema({
    title: str('', { description: "Report title; empty uses the pipeline's name." }),
    includeParams: bool(true, { description: 'List every node of the pipeline with its params at the end.' }),
  }),
  run: async ({ params, inputs, env }) => {
    const figures = inputs.figures;
    const items = inputs.items ?? [];
    if (figures.length === 0 && items.length === 0)
      throw new Error(`${TYPE}: nothing to report: connect at least one Figure to "figures" (or outputs to "items")`);
    figures.forEach((f, i) => {
      if (typeof f?.svg !== 'string' || f.svg.trim() === '')
        throw new Error(`${TYPE}: input "figures"[${i}] has no SVG; connect the "figure" output of a plot block`);
    });
    const title = params.title || (env.pipeline?.name ? `${env.pipeline.name}` : 'cortexflow run report');
    const ordered = orderFigures(figures, env.pipeline);
    const html = buildReportHtml({
      title,
      pipeline: env.pipeline,
      figures: ordered,
      items,
      includeParams: params.includeParams,
    });
    return { report: { title, html, figures: ordered.length } };
  },
});
