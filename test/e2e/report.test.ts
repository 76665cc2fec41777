/**
 * The HTML report in real Chromium: figures made by the plot blocks (from hand-made analysis
 * results) are gathered by report.html, the file is opened from disk with the network cut off, and
 * every figure must be visible with no console error. Screenshots (whole page and each figure) and
 * the PNG exports go to test-artifacts/report/ for a human to look at. The shared renderer is also
 * bundled for the browser and run on the page's own DOM: it must draw the same SVG as in Node.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { runBlock, type RunEnvironment } from '../../core/index.ts';
import { plotCurve, plotEigenvalues, plotHistogram, plotPca, plotTimeseries } from '../../nodes/plot/index.ts';
import * as td from '../../nodes/plot/testdata.ts';
import { svgToPng } from '../../nodes/plot/render/png.ts';
import * as render from '../../nodes/plot/render/index.ts';
import { DOMParser } from 'linkedom';
import { build } from 'vite';
import { reportHtml } from '../../nodes/report/index.ts';
import type { Figure, Report } from '../../nodes/ports/figure.ts';
import { artifactDir, browserAvailable, launchBrowser } from './browser.ts';

const hasBrowser = browserAvailable();
const out = artifactDir('report');

/** The figures of a small study, made by the real blocks. */
async function makeFigures(): Promise<{ figures: Figure[]; pipeline: NonNullable<RunEnvironment['pipeline']> }> {
  const ds = td.makeDataset(120);
  const tr = td.makeTrajectories(ds, 24);
  const pca = td.makePca(tr);
  const jobs: Array<[string, Parameters<typeof runBlock>[0], Record<string, unknown>, Record<string, unknown>]> = [
    ['loss', plotCurve, { history: td.makeHistory(400) }, {}],
    ['trials', plotTimeseries, { dataset: ds, trajectories: tr }, { hiddenUnits: 3 }],
    ['eigen', plotEigenvalues, { spectrum: td.makeSpectrum(60) }, {}],
    ['weights', plotHistogram, { stats: td.makeWeightStats(60, 40) }, {}],
    ['pca', plotPca, { pca, fixedPoints: td.makeFixedPoints(tr) }, {}],
    ['pruning', plotCurve, { pruning: td.makePruning() }, {}],
  ];
  const figures: Figure[] = [];
  for (const [id, block, inputs, params] of jobs) {
    const r = await runBlock<{ figure: Figure }>(block, { inputs, params, nodeId: id });
    figures.push(r.outputs.figure);
    writeFileSync(join(out, `${id}.svg`), r.outputs.figure.svg);
    writeFileSync(join(out, `${id}.png`), svgToPng(r.outputs.figure.svg));
  }
  const pipeline = {
    name: 'Context multitask AND / OR / XOR (test data)',
    nodes: [
      ...jobs.map(([id, block, , params]) => ({ id, type: block.type, label: id, params })),
      { id: 'report', type: 'report.html', label: 'report', params: {} },
    ],
  };
  return { figures, pipeline };
}

describe.skipIf(!hasBrowser)('report.html in Chromium', () => {
  let browser: Browser;
  let report: Report;
  let figureCount: number;

  beforeAll(async () => {
    const { figures, pipeline } = await makeFigures();
    figureCount = figures.length;
    // Edge order reversed on purpose: the report must restore pipeline order.
    const r = await runBlock<{ report: Report }>(reportHtml, {
      inputs: { figures: [...figures].reverse(), items: [td.makeSpectrum(60), td.makeHistory(400), td.makePruning()] },
      env: { pipeline },
    });
    report = r.outputs.report;
    writeFileSync(join(out, 'report.html'), report.html);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  for (const width of [1280, 720]) {
    it(`shows every figure with no console error and no network access (${width} px wide)`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`);
      });
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        requests.push(url);
        return route.abort();
      });
      await page.goto(pathToFileURL(join(out, 'report.html')).href);
      await page.waitForLoadState('load');
      await page.screenshot({ path: join(out, `report-${width}-top.png`) });
      expect(await page.title()).toBe('Context multitask AND / OR / XOR (test data)');
      const figs = page.locator('figure.figure');
      expect(await figs.count()).toBe(figureCount);
      const kinds = await figs.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
      expect(kinds).toEqual(['curve', 'timeseries', 'eigenvalues', 'histogram', 'pca', 'curve']);
      for (let i = 0; i < figureCount; i++) {
        const svg = figs.nth(i).locator('svg');
        await svg.scrollIntoViewIfNeeded();
        expect(await svg.isVisible()).toBe(true);
        const box = await svg.boundingBox();
        expect(box?.width ?? 0).toBeGreaterThan(300);
        expect(box?.height ?? 0).toBeGreaterThan(200);
        // Fits the page: no figure is cut off on the right.
        expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(width);
        // The browser laid the text out: the title has a real width.
        const titleWidth = await svg
          .locator('text.figure-title')
          .evaluate((t) => (t as SVGTextElement).getBBox().width);
        expect(titleWidth).toBeGreaterThan(50);
        if (width === 1280) await figs.nth(i).screenshot({ path: join(out, `figure-${i + 1}-${kinds[i]}.png`) });
      }
      await page.screenshot({ path: join(out, `report-${width}.png`), fullPage: true });
      await page.locator('table.params').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(out, `report-${width}-end.png`) });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await context.close();
    });
  }
});

/** Element tree of an SVG string, attributes sorted: serialisers differ in attribute order and spacing. */
function canonical(svg: string): string {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const walk = (e: Element): string => {
    const attrs = [...e.attributes]
      .map((a) => `${a.name}=${JSON.stringify(a.value)}`)
      .sort()
      .join(' ');
    const kids = [...e.childNodes]
      .map((n) => (n.nodeType === 1 ? walk(n as Element) : n.nodeType === 3 ? JSON.stringify(n.textContent) : ''))
      .join('');
    return `<${e.tagName.toLowerCase()} ${attrs}>${kids}</>`;
  };
  return walk(doc.documentElement as unknown as Element);
}

/** The renderer bundled for the browser (as the editor would get it), exposed as window.cfRender. */
async function browserBundle(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cortexflow-render-'));
  const entry = join(dir, 'entry.ts');
  const renderIndex = join(process.cwd(), 'nodes/plot/render/index.ts');
  writeFileSync(entry, `import * as r from ${JSON.stringify(renderIndex)};\n(globalThis as any).cfRender = r;\n`);
  const result = await build({
    configFile: false,
    logLevel: 'warn',
    root: process.cwd(),
    build: { write: false, minify: false, lib: { entry, formats: ['iife'], name: 'cfRenderBundle' } },
  });
  const first = (Array.isArray(result) ? result[0] : result) as { output: Array<{ type: string; code?: string }> };
  const chunk = first.output.find((o) => o.type === 'chunk');
  if (!chunk?.code) throw new Error('vite produced no bundle');
  return chunk.code;
}

describe.skipIf(!hasBrowser)('the shared renderer in Chromium', () => {
  it('draws the same SVG on the page DOM as on linkedom in Node', async () => {
    const code = await browserBundle();
    // The bundle must not carry the native PNG rasteriser.
    expect(code).not.toMatch(/resvg/i);
    const ds = td.makeDataset(40);
    const tr = td.makeTrajectories(ds, 8);
    const pca = td.makePca(tr);
    const spectrum = td.makeSpectrum(16);
    const plain = (a: ArrayLike<number>) => Array.from(a);
    const specs: Array<[string, Record<string, unknown>]> = [
      [
        'renderEigenvalues',
        {
          title: 'eig',
          width: 500,
          height: 520,
          main: { label: 'a', points: spectrum.eigenvalues },
          reference: { label: 'b', points: spectrum.reference!.eigenvalues },
          dominant: { re: spectrum.dominant.re, im: spectrum.dominant.im, label: 'λ' },
          stats: ['radius 1'],
        },
      ],
      [
        'renderTimeseries',
        {
          title: 'ts',
          width: 700,
          height: 0,
          columns: 3,
          dt: 1,
          timeUnit: 'ms',
          T: 40,
          channelNames: ds.channelNames,
          outputNames: ds.outputNames,
          yLabel: 'activity (a.u.)',
          panels: [0, 5, 9].map((c) => ({
            title: `c${c}`,
            inputs: [{ name: 'A', values: plain(ds.inputs.subarray(c * 120, c * 120 + 40)) }],
            targets: [{ name: 'y', values: plain(ds.targets.subarray(c * 40, c * 40 + 40)) }],
            outputs: [{ name: 'y', values: plain(tr.y.subarray(c * 40, c * 40 + 40)) }],
            hidden: [],
          })),
        },
      ],
      [
        'renderPca',
        {
          title: 'pca',
          width: 800,
          height: 420,
          axisLabels: ['PC1', 'PC2', 'PC3'],
          views: [
            [0, 1],
            [0, 2],
          ],
          fixedPoints: [{ coords: [0, 0, 0], stability: 'stable' }],
          colorGroups: ['x', 'y', 'z'],
          dashGroups: ['p', 'q'],
          rows: [
            {
              title: 'r',
              trajectories: pca.projections
                .slice(0, 4)
                .map((q, i) => ({ label: `t${i}`, color: i % 3, dash: i % 2, T: q.T, k: 3, points: plain(q.points) })),
            },
          ],
        },
      ],
      [
        'renderCurve',
        {
          title: 'loss',
          width: 600,
          height: 400,
          xLabel: 'step',
          yLabel: 'loss (MSE)',
          yLog: true,
          series: [{ label: 'loss', x: [1, 2, 3, 4], y: [1, 0.1, 0.01, 0.005] }],
          vlines: [{ value: 3, label: 'criterion' }],
          notes: ['stopped'],
        },
      ],
    ];
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.setContent('<!doctype html><html><body></body></html>');
      await page.addScriptTag({ content: code });
      const usesPageDom = await page.evaluate(async () => {
        const r = (window as unknown as { cfRender: typeof render }).cfRender;
        return (await r.svgDocument()) === document;
      });
      expect(usesPageDom).toBe(true);
      for (const [fn, spec] of specs) {
        const inBrowser = await page.evaluate(
          ({ fn, spec }) => {
            const r = (window as unknown as { cfRender: Record<string, (d: Document, s: unknown) => string> }).cfRender;
            return r[fn]!(document, spec);
          },
          { fn, spec },
        );
        const inNode = (render as unknown as Record<string, (d: Document, s: unknown) => string>)[fn]!(
          await render.svgDocument(),
          spec,
        );
        expect(canonical(inNode).length, fn).toBeGreaterThan(2000);
        expect(canonical(inBrowser), fn).toBe(canonical(inNode));
      }
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
