/**
 * The editor as a daily tool (issue 19), in Chromium against a production build:
 * - readable first view at 1280x720 and 1920x1080 (every node title >= 11 px on screen, toolbar
 *   never clipped, side panel collapsed with nothing selected, minimap outside the canvas);
 * - every bundled example (shrunk so it runs in seconds) runs to done with no two nodes overlapping
 *   and the run status fully visible;
 * - `download-run` gives a zip laid out like the CLI's run folder, whose manifest equals the CLI's
 *   for the same file (modulo timestamps and paths), and `download-report` the same HTML;
 * - a user plugin loaded from a file runs in the worker; a broken one is refused and changes nothing.
 * Screenshots go to test-artifacts/editor-results/.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { artifactDir, browserAvailable, launchBrowser } from './browser.ts';
import { editorReady, startEditor, type EditorServer } from './editor-server.ts';

const run = promisify(execFile);
const hasBrowser = browserAvailable();
const shots = artifactDir('editor-results');
const work = mkdtempSync(join(tmpdir(), 'cortexflow-e2e-results-'));

type Doc = {
  name: string;
  plugins?: string[];
  nodes: Array<{ id: string; type: string; params: Record<string, unknown> }>;
};

/** A bundled example made small enough to run in seconds (same graph, fewer samples and steps). */
function shrink(doc: Doc): Doc {
  const d = structuredClone(doc);
  for (const n of d.nodes) {
    const p = n.params;
    if (n.type.startsWith('task.') || n.type.includes('context-integration')) p['samples'] = 96;
    if (n.type === 'model.ctrnn' || n.type.endsWith('.ctrnn')) if (n.type !== 'train.ctrnn') p['units'] = 12;
    if (n.type === 'train.ctrnn')
      Object.assign(p, {
        maxSteps: 4,
        epochs: 1,
        batchSize: 16,
        criterionEvery: 0,
        stopAtCriterion: false,
        validateEvery: 0,
        checkpointEvery: 0,
        workers: 1,
        backend: 'wasm',
      });
    if (n.type === 'analysis.fixed-points') p['starts'] = 16;
    if (n.type === 'analysis.prune') p['fractions'] = [0, 0.1];
  }
  return d;
}

const examples = readdirSync(join(process.cwd(), 'examples'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, doc: JSON.parse(readFileSync(join(process.cwd(), 'examples', f), 'utf8')) as Doc }));

async function open(page: Page, doc: Doc): Promise<void> {
  for (const p of doc.plugins ?? [])
    await page.evaluate(
      (name) =>
        (window as unknown as { cortexflow: { loadPlugin(n: string): Promise<boolean> } }).cortexflow.loadPlugin(name),
      p,
    );
  const ok = await page.evaluate(
    (d) =>
      (
        window as unknown as { cortexflow: { openValue(v: unknown, s: string): Promise<boolean> } }
      ).cortexflow.openValue(d, 'test'),
    doc,
  );
  expect(ok).toBe(true);
}

async function runToEnd(page: Page, timeout = 120_000): Promise<string> {
  await page.click('[data-testid="run"]');
  await expect
    .poll(() => page.locator('[data-testid="run-status"]').textContent(), { timeout, interval: 250 })
    .toMatch(/^(done|failed|cancelled) in /);
  return (await page.locator('[data-testid="run-status"]').textContent()) ?? '';
}

/** Rendered title size (CSS font size x canvas zoom) of every node, in screen px. */
const titleSizes = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('cf-node .node-title')].map((el) => {
      const scale = el.getBoundingClientRect().width / (el.offsetWidth || 1);
      return parseFloat(getComputedStyle(el).fontSize) * scale;
    }),
  );

/** Pairs of node ids whose on-screen boxes overlap. */
const overlaps = (page: Page) =>
  page.evaluate(() => {
    const boxes = [...document.querySelectorAll<HTMLElement>('cf-node[data-node-id]')].map((el) => ({
      id: el.dataset['nodeId'] ?? '',
      r: el.getBoundingClientRect(),
    }));
    const out: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!.r;
        const b = boxes[j]!.r;
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
          out.push(`${boxes[i]!.id} / ${boxes[j]!.id}`);
      }
    return out;
  });

/** Is the status text entirely on screen, unclipped? */
const statusVisible = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('[data-testid="run-status"]');
    if (!el) return 'missing';
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return 'zero size';
    if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) return 'off screen';
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) return 'clipped';
    return 'ok';
  });

describe.skipIf(!hasBrowser)('editor results, readability and user plugins (Chromium)', () => {
  let server: EditorServer;
  let browser: Browser;
  const errors: string[] = [];

  async function page(width: number, height: number): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
    const p = await ctx.newPage();
    p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    await p.goto(server.url);
    await editorReady(p);
    return p;
  }

  beforeAll(async () => {
    server = await startEditor();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const [w, h] of [
    [1280, 720],
    [1920, 1080],
  ] as const)
    it(`opens readable at ${w}x${h}: titles >= 11 px, toolbar and status unclipped, no empty panel, minimap off the canvas`, async () => {
      const p = await page(w, h);
      await expect.poll(() => p.locator('cf-node[data-node-id]').count()).toBeGreaterThan(3);
      const sizes = await titleSizes(p);
      expect(sizes.length).toBeGreaterThan(3);
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
      // Every toolbar control is fully on screen.
      const clipped = await p.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('.toolbar button, .toolbar select, .toolbar input:not([hidden])')]
          .filter((el) => {
            const r = el.getBoundingClientRect();
            // The name field scrolls its text like any input; buttons and menus must show theirs whole.
            const text = el.tagName !== 'INPUT' && el.scrollWidth > el.clientWidth + 2;
            return r.width < 4 || r.right > innerWidth || r.left < 0 || r.bottom > innerHeight || text;
          })
          .map((el) => el.dataset['testid'] ?? el.className),
      );
      expect(clipped).toEqual([]);
      expect(await statusVisible(p)).toBe('ok');
      expect(await p.locator('[data-testid="side-panel"]').isHidden()).toBe(true);
      const [canvas, dock] = await Promise.all([
        p.locator('[data-testid="canvas"]').boundingBox(),
        p.locator('[data-testid="minimap-dock"]').boundingBox(),
      ]);
      expect(canvas && dock).toBeTruthy();
      const apart = dock!.x >= canvas!.x + canvas!.width || dock!.x + dock!.width <= canvas!.x;
      expect(apart).toBe(true);
      await p.screenshot({ path: join(shots, `first-view-${w}x${h}.png`) });
      await p.context().close();
    });

  it('runs every bundled example to done with no overlapping nodes and the status fully visible', async () => {
    const p = await page(1280, 720);
    for (const ex of examples) {
      await open(p, shrink(ex.doc));
      const status = await runToEnd(p);
      expect(status, ex.file).toMatch(/^done in /);
      expect(await overlaps(p), ex.file).toEqual([]);
      expect(await statusVisible(p), ex.file).toBe('ok');
      await p.screenshot({ path: join(shots, `example-${ex.file.replace('.json', '')}.png`) });
    }
    await p.context().close();
  }, 600_000);

  it('downloads the whole run like the CLI run folder, and the report as the CLI writes it', async () => {
    const p = await page(1440, 900);
    const and = examples.find((e) => e.file === 'and-task.json')!;
    await open(p, shrink(and.doc));
    expect(await runToEnd(p)).toMatch(/^done in /);
    // The same file through the CLI.
    const saved = await p.evaluate(() =>
      (window as unknown as { cortexflow: { document(): unknown } }).cortexflow.document(),
    );
    const file = join(work, 'and.json');
    writeFileSync(file, JSON.stringify(saved));
    const out = join(work, 'cli-run');
    await run('node', ['bin/cortexflow.mjs', 'run', file, '--out', out], { timeout: 180_000 });

    const [zipDl] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid="download-run"]')]);
    const zipFile = join(work, 'run.zip');
    await zipDl.saveAs(zipFile);
    const zip = unzipSync(new Uint8Array(readFileSync(zipFile)));
    const cliFiles: string[] = [];
    const walk = (d: string): void => {
      for (const f of readdirSync(d)) {
        const full = join(d, f);
        if (statSync(full).isDirectory()) walk(full);
        else cliFiles.push(relative(out, full));
      }
    };
    walk(out);
    expect(Object.keys(zip).sort()).toEqual(cliFiles.sort());

    type M = Record<string, unknown> & { nodes: Record<string, Record<string, unknown>> };
    const strip = (m: M): M => {
      const c = structuredClone(m);
      // Timestamps, paths and the CLI process's own facts (pid, host, the command line for --resume).
      for (const k of ['startedAt', 'finishedAt', 'durationMs', 'file', 'pid', 'host', 'command']) delete c[k];
      for (const n of Object.values(c.nodes)) {
        delete n['durationMs'];
        // Wall-clock training time is a timestamp in all but name.
        const outs = n['outputs'] as Record<string, { numbers?: Record<string, number> }>;
        for (const o of Object.values(outs)) delete o.numbers?.['seconds'];
      }
      return c;
    };
    const editorManifest = JSON.parse(strFromU8(zip['manifest.json']!)) as M;
    const cliManifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as M;
    expect(strip(editorManifest)).toEqual(strip(cliManifest));
    // The datasets (and other arrays) are byte for byte the CLI's.
    for (const f of cliFiles.filter((x) => /\.(npy|npz)$/.test(x)))
      expect(Buffer.from(zip[f]!).equals(readFileSync(join(out, f))), f).toBe(true);

    const [reportDl] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid="download-report"]')]);
    const reportFile = join(work, 'report.html');
    await reportDl.saveAs(reportFile);
    // Identical but for the measured training time the loss figure's note states ("4 steps in 0.27 s").
    const untimed = (html: string) => html.replace(/(\d+ steps in )[\d.]+( s)/g, '$1T$2');
    const cliReport = readFileSync(join(out, 'report', 'report.html'), 'utf8');
    expect(untimed(readFileSync(reportFile, 'utf8'))).toBe(untimed(cliReport));
    expect(cliReport.length).toBeGreaterThan(10_000);

    // A figure from its node, and a model from the side panel.
    const [svgDl] = await Promise.all([
      p.waitForEvent('download'),
      p.click('cf-node[data-node-id="plot-eigen"] [data-testid="node-download"]'),
    ]);
    expect(svgDl.suggestedFilename()).toBe('plot-eigen-figure.svg');
    await p.click('cf-node[data-node-id="plot-eigen"] .node-head');
    const [pngDl] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid="figure-png"]')]);
    const png = readFileSync(await pngDl.path());
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    await p.click('[data-testid="figure-enlarge"]');
    await expect.poll(() => p.locator('[data-testid="figure-viewer"] img').isVisible()).toBe(true);
    await p.screenshot({ path: join(shots, 'figure-viewer.png') });
    await p.keyboard.press('Escape');
    await expect.poll(() => p.locator('[data-testid="figure-viewer"]').count()).toBe(0);
    const [modelDl] = await Promise.all([
      p.waitForEvent('download'),
      p.click('cf-node[data-node-id="train"] [data-testid="node-download"]'),
    ]);
    const model = unzipSync(new Uint8Array(readFileSync(await modelDl.path())));
    expect(Object.keys(model).sort()).toEqual(['model/model.json', 'model/weights.bin']);
    expect(
      Buffer.from(model['model/weights.bin']!).equals(readFileSync(join(out, 'train', 'model', 'weights.bin'))),
    ).toBe(true);
    await p.context().close();
  }, 300_000);

  it('shows a training node live in the side panel: loss curve, steps, time left, criterion', async () => {
    const p = await page(1440, 900);
    const and = shrink(examples.find((e) => e.file === 'and-task.json')!.doc);
    const train = and.nodes.find((n) => n.id === 'train')!;
    // Long enough to be seen running: the fused kernel trains this shrunk network in milliseconds a step.
    Object.assign(train.params, { maxSteps: 3000, criterionEvery: 20, stopAtCriterion: false });
    await open(p, and);
    await p.click('cf-node[data-node-id="train"] .node-head');
    await p.click('[data-testid="run"]');
    await expect
      .poll(async () => (await p.locator('[data-testid="train-steps"]').textContent())?.trim(), {
        timeout: 60_000,
        interval: 100,
      })
      .toMatch(/^step \d+ \/ 3000$/);
    expect((await p.locator('[data-testid="train-eta"]').textContent())?.trim()).toMatch(/^(~\d|estimating)/);
    await expect.poll(() => p.locator('[data-testid="training-view"] path.loss-line').count()).toBe(1);
    await p.screenshot({ path: join(shots, 'training-live.png') });
    await expect
      .poll(async () => (await p.locator('[data-testid="train-criterion"]').textContent())?.trim(), {
        timeout: 90_000,
        interval: 250,
      })
      .toMatch(/^\d+ \/ \d+ conditions$/);
    await expect
      .poll(() => p.locator('[data-testid="run-status"]').textContent(), { timeout: 90_000 })
      .toMatch(/^done in /);
    await p.context().close();
  }, 200_000);

  it('loads a user plugin from a file after a warning; it runs in the worker; a broken one is refused', async () => {
    const p = await page(1440, 900);
    await p.click('[data-testid="new"]');
    await p.selectOption('[data-testid="plugins"]', '__user__');
    await expect
      .poll(() => p.locator('[data-testid="plugin-warning"]').textContent())
      .toContain("runs with this page's rights");
    const broken = join(work, 'broken-plugin.js');
    writeFileSync(
      broken,
      "import { defineBlock } from 'cortexflow/core';\nexport const apiVersion = 1;\nexport const blocks = [ oops",
    );
    const before = await p.locator('[data-block-type]').count();
    await p.setInputFiles('[data-testid="plugin-file"]', broken);
    await expect
      .poll(() => p.locator('[data-testid="problem"]').textContent())
      .toContain('Refused plugin ./broken-plugin.js');
    expect(await p.locator('[data-block-type]').count()).toBe(before);
    await p.click('[data-testid="problem"] button');

    const good = join(work, 'square-plugin.js');
    writeFileSync(
      good,
      [
        "import { defineBlock, NumberPort, num, schema } from 'cortexflow/core';",
        'export const apiVersion = 1;',
        "export const name = 'e2e-square';",
        'export const blocks = [defineBlock({',
        "  type: 'mine.square', version: 1, title: 'Square', category: 'Mine',",
        "  description: 'x squared, computed in the run worker.',",
        '  inputs: {}, outputs: { value: NumberPort },',
        '  params: schema({ x: num(-1e6, 1e6, 3) }),',
        '  run: async ({ params }) => {',
        "    if (typeof WorkerGlobalScope === 'undefined') throw new Error('not in a worker');",
        '    return { value: params.x * params.x };',
        '  },',
        '})];',
      ].join('\n'),
    );
    await p.setInputFiles('[data-testid="plugin-file"]', good);
    await expect.poll(() => p.locator('[data-block-type="mine.square"]').count()).toBe(1);
    await p.locator('[data-block-type="mine.square"]').dblclick();
    await expect.poll(() => p.locator('cf-node[data-node-id="square"]').count()).toBe(1);
    expect(await runToEnd(p, 60_000)).toMatch(/^done in /);
    const summary = await p.evaluate(
      () =>
        (
          window as unknown as {
            cortexflow: { canvas: { node(id: string): { results: Record<string, { summary: string }> } } };
          }
        ).cortexflow.canvas.node('square').results['value']?.summary,
    );
    expect(summary).toBe('9');
    const doc = await p.evaluate(() =>
      (window as unknown as { cortexflow: { document(): Doc } }).cortexflow.document(),
    );
    expect(doc.plugins).toEqual(['./square-plugin.js']);
    await p.screenshot({ path: join(shots, 'user-plugin.png') });
    await p.context().close();
    expect(errors.filter((e) => !/Refused plugin|broken-plugin|Unexpected token|SyntaxError/.test(e))).toEqual([]);
  }, 120_000);
});
