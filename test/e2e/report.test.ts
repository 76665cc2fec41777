/**
 * The HTML report in real Chromium: figures made by the plot blocks (from hand-made analysis
 * results) are gathered by report.html, the file is opened from disk with the network cut off, and
 * every figure must be visible with no console error. Screenshots (whole page and each figure) and
 * the PNG exports go to test-artifacts/report/ for a human to look at.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { runBlock, type RunEnvironment } from '../../core/index.ts';
import { plotCurve, plotEigenvalues, plotHistogram, plotPca, plotTimeseries } from '../../nodes/plot/index.ts';
import * as td from '../../nodes/plot/testdata.ts';
import { svgToPng } from '../../nodes/plot/render/png.ts';
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
    nodes: [...jobs.map(([id, block, , params]) => ({ id, type: block.type, label: id, params })), { id: 'report', type: 'report.html', label: 'report', params: {} }],
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
        const titleWidth = await svg.locator('text.figure-title').evaluate((t) => (t as SVGTextElement).getBBox().width);
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
