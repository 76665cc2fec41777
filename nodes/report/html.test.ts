import { describe, expect, it } from 'vitest';
import { DOMParser } from 'linkedom';
import { runBlock, type RunEnvironment } from '../../core/index.ts';
import type { Figure, Report } from '../ports/figure.ts';
import { plotEigenvalues, plotHistogram } from '../plot/index.ts';
import * as td from '../../test/fixtures/port-values.ts';
import { reportHtml, inlineSvg, orderFigures } from './html.ts';
import { describeValue } from './describe.ts';

const pipeline: NonNullable<RunEnvironment['pipeline']> = {
  name: 'Context <multitask> test',
  nodes: [
    { id: 'eig', type: 'plot.eigenvalues', label: 'eig', params: { width: 600 } },
    {
      id: 'hist',
      type: 'plot.histogram',
      label: 'Weights',
      params: { matrix: 'W_rec', scale: 0.0033222591362126247, bins: 40 },
    },
    { id: 'rep', type: 'report.html', label: 'rep', params: {} },
  ],
};

async function figures(): Promise<{ eig: Figure; hist: Figure }> {
  const eig = (
    await runBlock<{ figure: Figure }>(plotEigenvalues, { inputs: { spectrum: td.makeSpectrum(10) }, nodeId: 'eig' })
  ).outputs.figure;
  const hist = (
    await runBlock<{ figure: Figure }>(plotHistogram, { inputs: { stats: td.makeWeightStats(10, 12) }, nodeId: 'hist' })
  ).outputs.figure;
  return { eig, hist };
}

describe('report.html', () => {
  it('puts every figure inline, in pipeline order, under the pipeline name, with params and summaries', async () => {
    const { eig, hist } = await figures();
    const spectrum = td.makeSpectrum(10);
    const r = await runBlock<{ report: Report }>(reportHtml, {
      // Edge order hist, eig; the pipeline lists eig first.
      inputs: { figures: [hist, eig], items: [spectrum, td.makeHistory(20), 0.25] },
      env: { pipeline },
    });
    const { report } = r.outputs;
    expect(report.figures).toBe(2);
    expect(report.title).toBe('Context <multitask> test');
    const doc = new DOMParser().parseFromString(report.html, 'text/html');
    expect(doc.querySelector('h1')?.textContent).toBe('Context <multitask> test');
    const figs = [...doc.querySelectorAll('figure.figure')] as Element[];
    expect(figs.map((f) => f.getAttribute('data-kind'))).toEqual(['eigenvalues', 'histogram']);
    expect(figs.every((f) => f.querySelector('svg') !== null)).toBe(true);
    expect(figs[0]?.querySelector('figcaption')?.textContent).toContain(eig.caption);
    const items = [...doc.querySelectorAll('ul.summaries li')].map((e) => (e as Element).textContent ?? '');
    expect(items[0]).toContain('Spectrum');
    expect(items[0]).toContain(`radius`);
    expect(items[1]).toMatch(/TrainingHistory.*20 steps/);
    expect(items[2]).toMatch(/Number.*0\.25/);
    const rows = [...doc.querySelectorAll('table.params tbody tr')] as Element[];
    expect(rows).toHaveLength(3);
    expect(rows[1]?.textContent).toContain('matrix=W_rec');
    // Derived floats at a readable precision; integers exact.
    expect(rows[1]?.textContent).toContain('scale=0.003322');
    expect(rows[1]?.textContent).not.toContain('0.0033222591362126247');
    expect(rows[1]?.textContent).toContain('bins=40');
    // Self-contained: nothing is loaded from anywhere.
    expect(report.html).not.toMatch(/<script|<link|src=|@import|https?:\/\/(?!www\.w3\.org)/);
  });

  it('keeps edge order without pipeline information and titles itself', async () => {
    const { eig, hist } = await figures();
    const r = await runBlock<{ report: Report }>(reportHtml, {
      inputs: { figures: [hist, eig] },
      params: { title: 'My run' },
    });
    expect(r.outputs.report.title).toBe('My run');
    const kinds = [...r.outputs.report.html.matchAll(/data-kind="(\w+)"/g)].map((m) => m[1]);
    expect(kinds).toEqual(['histogram', 'eigenvalues']);
    expect(orderFigures([hist, eig], undefined)).toEqual([hist, eig]);
  });

  it('rejects a report with nothing in it and figures without SVG', async () => {
    await expect(runBlock(reportHtml, { inputs: { figures: [] } })).rejects.toThrow(/nothing to report/);
    const { eig } = await figures();
    await expect(runBlock(reportHtml, { inputs: { figures: [{ ...eig, svg: '' }] } })).rejects.toThrow(
      /"figures"\[0\] has no SVG/,
    );
    expect(() => inlineSvg('<svg><script>alert(1)</script></svg>', 'a')).toThrow(/<script>/);
    expect(() => inlineSvg('<html></html>', 'a')).toThrow(/not an <svg>/);
  });

  it('prefixes ids inside inlined SVGs so figures cannot clash', () => {
    const s = inlineSvg(
      '<?xml version="1.0"?><svg><clipPath id="c"/><g clip-path="url(#c)"/><use href="#c"/></svg>',
      'f2-',
    );
    expect(s).toBe('<svg><clipPath id="f2-c"/><g clip-path="url(#f2-c)"/><use href="#f2-c"/></svg>');
  });

  it('summarises values by the port type they look like', () => {
    expect(describeValue(td.makeWeightStats(5, 5)).type).toBe('WeightStats');
    expect(describeValue(td.makePruning())).toMatchObject({ type: 'PruningCurve' });
    expect(describeValue({ a: 1, b: 'x' })).toEqual({ type: 'Json', summary: 'a 1, b x' });
    expect(describeValue([1, 2, 3])).toEqual({ type: 'List', summary: 'list of 3' });
  });
});
