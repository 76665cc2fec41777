/**
 * The HTML report in real Chromium: figures made by the plot blocks (from hand-made analysis
 * results) are gathered by report.html, the file is opened from disk with the network cut off, and
 * every figure must be visible with no console error. Screenshots (whole page and each figure) and
 * the PNG exports go to test-artifacts/report/ for a human to look at. The shared renderer is also
 * bundled for the browser and run on the page's own DOM: it must draw the same SVG as in Node.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { runBlock, type RunEnvironment } from '../../core/index.ts';
import { plotCurve, plotEigenvalues, plotHistogram, plotPca, plotTimeseries } from '../../nodes/plot/index.ts';
import * as td from '../fixtures/port-values.ts';
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
  let svgSources: string[] = [];

  beforeAll(async () => {
    const { figures, pipeline } = await makeFigures();
    figureCount = figures.length;
    svgSources = figures.map((f) => f.svg);
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
      if (width === 1280) {
        // Chromium's XML parser is strict (linkedom's is not): every SVG made in Node must parse as XML.
        const problems = await page.evaluate((svgs) => {
          return svgs.map((svg) => {
            const doc = new globalThis.DOMParser().parseFromString(svg, 'image/svg+xml');
            return (
              doc.getElementsByTagName('parsererror')[0]?.textContent ??
              (doc.documentElement.localName === 'svg' ? '' : 'no <svg> root')
            );
          });
        }, svgSources);
        expect(problems).toEqual(svgSources.map(() => ''));
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
  it('draws the same SVG on the page DOM and in a Web Worker as on linkedom in Node', async () => {
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
        expect(inBrowser.match(/xmlns="/g), fn).toHaveLength(1);
        expect(canonical(inBrowser), fn).toBe(canonical(inNode));
        // In a Web Worker (where the editor runs pipelines) there is no document: linkedom is used there too.
        const inWorker = await page.evaluate(
          async ({ code, fn, spec }) => {
            const handler = `
self.onmessage = async (e) => {
  try {
    const r = self.cfRender;
    const d = await r.svgDocument();
    self.postMessage({ noDom: typeof document === 'undefined', svg: r[e.data.fn](d, e.data.spec) });
  } catch (err) { self.postMessage({ error: String((err && err.stack) || err) }); }
};`;
            const url = URL.createObjectURL(new Blob([code, handler], { type: 'text/javascript' }));
            const w = new Worker(url);
            const reply = await new Promise<{ noDom?: boolean; svg?: string; error?: string }>((resolve) => {
              w.onmessage = (e: MessageEvent<{ noDom?: boolean; svg?: string; error?: string }>) => resolve(e.data);
              w.onerror = (e) => resolve({ error: e.message });
              w.postMessage({ fn, spec });
            });
            w.terminate();
            return reply;
          },
          { code, fn, spec },
        );
        expect(inWorker.error, fn).toBeUndefined();
        expect(inWorker.noDom).toBe(true);
        expect(canonical(inWorker.svg ?? ''), fn).toBe(canonical(inNode));
      }
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

/** A whole study, small enough for seconds: AND/OR with context, a few training steps, every analysis and plot. */
const SMALL_STUDY = {
  format: 'cortexflow/pipeline',
  version: 1,
  name: 'Report end to end (small)',
  nodes: [
    { id: 'and', type: 'task.and', params: { samples: 64, seed: 1 } },
    { id: 'or', type: 'task.or', params: { samples: 64, seed: 2 } },
    {
      id: 'mux',
      type: 'context.mux',
      params: { levels: { and: 1, or: -1 }, jitterMin: 0, jitterMax: 0, probeJitters: [0] },
    },
    { id: 'net', type: 'model.ctrnn', params: { units: 12, seed: 1, recurrentInit: 'normal', gain: 1.1 } },
    {
      id: 'train',
      type: 'train.ctrnn',
      params: {
        maxSteps: 6,
        batchSize: 16,
        validateEvery: 3,
        criterionEvery: 0,
        stopAtCriterion: false,
        checkpointEvery: 0,
        workers: 1,
      },
    },
    { id: 'sim', type: 'sim.run', params: {} },
    { id: 'eig', type: 'analysis.eigen', params: {} },
    { id: 'ws', type: 'analysis.weight-stats', params: { bins: 30 } },
    { id: 'pca', type: 'analysis.pca', params: { k: 3 } },
    { id: 'fp', type: 'analysis.fixed-points', params: { starts: 8, maxIters: 100 } },
    { id: 'prune', type: 'analysis.prune', params: { fractions: [0, 0.1, 0.2], variants: ['all'] } },
    { id: 'plot-loss', type: 'plot.curve', params: {} },
    { id: 'plot-trials', type: 'plot.timeseries', params: { hiddenUnits: 2 } },
    { id: 'plot-eig', type: 'plot.eigenvalues', params: {} },
    { id: 'plot-w', type: 'plot.histogram', params: {} },
    { id: 'plot-pca', type: 'plot.pca', params: {} },
    { id: 'plot-prune', type: 'plot.curve', params: {} },
    { id: 'report', type: 'report.html', params: {} },
  ],
  edges: [
    ['and', 'dataset', 'mux', 'tasks'],
    ['or', 'dataset', 'mux', 'tasks'],
    ['mux', 'dataset', 'net', 'dataset'],
    ['net', 'model', 'train', 'model'],
    ['mux', 'dataset', 'train', 'dataset'],
    ['train', 'model', 'sim', 'model'],
    ['mux', 'dataset', 'sim', 'dataset'],
    ['train', 'model', 'eig', 'model'],
    ['net', 'model', 'eig', 'reference'],
    ['train', 'model', 'ws', 'model'],
    ['sim', 'trajectories', 'pca', 'trajectories'],
    ['train', 'model', 'fp', 'model'],
    ['sim', 'trajectories', 'fp', 'trajectories'],
    ['train', 'model', 'prune', 'model'],
    ['mux', 'dataset', 'prune', 'dataset'],
    ['train', 'history', 'plot-loss', 'history'],
    ['sim', 'trajectories', 'plot-trials', 'trajectories'],
    ['eig', 'spectrum', 'plot-eig', 'spectrum'],
    ['ws', 'stats', 'plot-w', 'stats'],
    ['pca', 'pca', 'plot-pca', 'pca'],
    ['fp', 'points', 'plot-pca', 'fixedPoints'],
    ['prune', 'curve', 'plot-prune', 'pruning'],
    // Edge order scrambled on purpose: the report restores pipeline order.
    ['plot-prune', 'figure', 'report', 'figures'],
    ['plot-eig', 'figure', 'report', 'figures'],
    ['plot-loss', 'figure', 'report', 'figures'],
    ['plot-trials', 'figure', 'report', 'figures'],
    ['plot-w', 'figure', 'report', 'figures'],
    ['plot-pca', 'figure', 'report', 'figures'],
    ['train', 'model', 'report', 'items'],
    ['eig', 'spectrum', 'report', 'items'],
  ].map(([a, p, b, q]) => ({ from: { node: a, port: p }, to: { node: b, port: q } })),
};

describe.skipIf(!hasBrowser)('cortexflow run writes figures and the report', () => {
  it('writes SVG and PNG for every plot and a report.html that shows them all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cortexflow-report-run-'));
    const file = join(dir, 'study.json');
    writeFileSync(file, JSON.stringify(SMALL_STUDY, null, 2));
    const outDir = join(dir, 'out');
    await promisify(execFile)(process.execPath, ['bin/cortexflow.mjs', 'run', file, '--out', outDir], {
      cwd: process.cwd(),
      timeout: 170_000,
    });
    const plots = ['plot-loss', 'plot-trials', 'plot-eig', 'plot-w', 'plot-pca', 'plot-prune'];
    for (const id of plots) {
      const svg = readFileSync(join(outDir, id, 'figure.svg'), 'utf8');
      expect(svg.startsWith('<svg'), id).toBe(true);
      const png = readFileSync(join(outDir, id, 'figure.png'));
      expect(png.subarray(1, 4).toString('latin1'), id).toBe('PNG');
      // 2x raster of the SVG's size.
      expect(png.readUInt32BE(16), id).toBe(2 * Number(/width="(\d+)"/.exec(svg)?.[1]));
    }
    const reportFile = join(outDir, 'report', 'report.html');
    expect(existsSync(reportFile)).toBe(true);
    expect(statSync(reportFile).size).toBeGreaterThan(20_000);
    const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as {
      nodes: Record<string, { outputs: Record<string, { files: string[] }> }>;
    };
    expect(manifest.nodes['plot-eig']?.outputs['figure']?.files.sort()).toEqual([
      'plot-eig/figure.png',
      'plot-eig/figure.svg',
    ]);

    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(pathToFileURL(reportFile).href);
      expect(await page.locator('h1').textContent()).toBe('Report end to end (small)');
      const nodes = await page.locator('figure.figure figcaption .node').allTextContents();
      expect(nodes).toEqual(plots.map((id) => `(node ${id})`));
      for (const svg of await page.locator('figure.figure svg').all()) expect(await svg.isVisible()).toBe(true);
      expect(await page.locator('table.params tbody tr').count()).toBe(SMALL_STUDY.nodes.length);
      await page.screenshot({ path: join(out, 'cli-run-report.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
