/**
 * The Dale's-law plugin end to end in the editor (Chromium via playwright-core, production build):
 * load `cortexflow-plugin-dale` from the Plugins menu, build task.and -> dale.ctrnn -> dale.ei-stats by
 * palette drag and socket drags, run it to done in the worker, save it, and run the saved file with
 * the CLI (`--plugin plugins/dale`) to the same per-node summaries. Then open every scheme-* and
 * plugin-* example and check its saved positions are used as they are (no "laid out by depth" notice).
 * Screenshots go to test-artifacts/editor/ (prefix `plugin-`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { artifactDir, browserAvailable, launchBrowser } from './browser.ts';
import { dragConnection, openEditorPage, startEditor, type EditorServer } from './editor-server.ts';

const run = promisify(execFile);
const hasBrowser = browserAvailable();
const shots = artifactDir('editor');
const work = mkdtempSync(join(tmpdir(), 'cortexflow-e2e-plugin-'));

interface AppHandle {
  document(): {
    nodes: Array<{ id: string; type: string; params: Record<string, unknown> }>;
    edges: unknown[];
    plugins?: string[];
  };
  canvas: {
    relaidOut: boolean;
    node(id: string): { results: Record<string, { type: string; summary: string }>; status: string } | undefined;
  };
}

const doc = (page: Page) => page.evaluate(() => (window as unknown as { cortexflow: AppHandle }).cortexflow.document());

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

/** Select a node and set params through the params panel (one committed edit each). */
async function setParams(page: Page, node: string, params: Record<string, unknown>): Promise<void> {
  await page.click(`cf-node[data-node-id="${node}"] .node-head`);
  await page.waitForSelector(`cf-params .params-type:has-text("${node} ·")`);
  for (const [k, v] of Object.entries(params)) {
    const el = page.locator(`cf-params [data-param="${k}"]`);
    await el.fill(String(v));
    await el.press('Tab');
  }
}

describe.skipIf(!hasBrowser)('editor with the Dale plugin (Chromium)', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const ids = { and: '', ei: '', stats: '' };

  beforeAll(async () => {
    server = await startEditor();
    browser = await launchBrowser();
    ({ page } = await openEditorPage(browser, server.url, errors));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads the plugin from the Plugins menu and builds task.and -> dale.ctrnn -> dale.ei-stats', async () => {
    expect(await page.locator('[data-block-type^="dale."]').count()).toBe(0);
    await page.selectOption('[data-testid="plugins"]', 'cortexflow-plugin-dale');
    await expect.poll(() => page.locator('[data-block-type="dale.ei-stats"]').count()).toBe(1);
    await page.click('[data-testid="new"]');
    await expect.poll(async () => (await doc(page)).nodes.length).toBe(0);
    const canvas = page.locator('[data-testid="canvas"]');
    await page.locator('[data-block-type="task.and"]').dragTo(canvas, { targetPosition: { x: 40, y: 60 } });
    await page.locator('[data-block-type="dale.ctrnn"]').dragTo(canvas, { targetPosition: { x: 320, y: 60 } });
    await page.locator('[data-block-type="dale.ei-stats"]').dragTo(canvas, { targetPosition: { x: 600, y: 60 } });
    await expect.poll(() => page.locator('cf-node[data-node-id]').count()).toBe(3);
    const nodes = (await doc(page)).nodes;
    expect(nodes.map((n) => n.type)).toEqual(['task.and', 'dale.ctrnn', 'dale.ei-stats']);
    [ids.and, ids.ei, ids.stats] = nodes.map((n) => n.id) as [string, string, string];
    await dragConnection(page, ids.and, 'dataset', ids.ei, 'dataset');
    await dragConnection(page, ids.ei, 'model', ids.stats, 'model');
    await expect
      .poll(async () => (await doc(page)).edges)
      .toEqual([
        { from: { node: ids.and, port: 'dataset' }, to: { node: ids.ei, port: 'dataset' } },
        { from: { node: ids.ei, port: 'model' }, to: { node: ids.stats, port: 'model' } },
      ]);
    await setParams(page, ids.and, { samples: 64, seed: 3 });
    await setParams(page, ids.ei, { units: 20, seed: 2 });
    const d = await doc(page);
    expect(d.nodes[0]?.params).toMatchObject({ samples: 64, seed: 3 });
    expect(d.nodes[1]?.params).toMatchObject({ units: 20, seed: 2 });
    expect(d.plugins).toEqual(['cortexflow-plugin-dale']);
    await expect(page.locator('cf-params [data-testid="param-error"]').count()).resolves.toBe(0);
    await shot(page, 'plugin-01-built');
  });

  it('runs it to done in the worker, and the CLI runs the saved file to the same summaries', async () => {
    await page.click('[data-testid="run"]');
    const status = (id: string) => page.locator(`cf-node[data-node-id="${id}"]`).getAttribute('data-status');
    for (const id of [ids.and, ids.ei, ids.stats])
      await expect.poll(() => status(id), { timeout: 60_000, interval: 250 }).toBe('done');
    await shot(page, 'plugin-02-run-done');
    const editorSummaries = await page.evaluate(
      (list) => {
        const app = (window as unknown as { cortexflow: AppHandle }).cortexflow;
        const r: Record<string, Record<string, string>> = {};
        for (const id of list)
          r[id] = Object.fromEntries(Object.entries(app.canvas.node(id)!.results).map(([k, v]) => [k, v.summary]));
        return r;
      },
      [ids.and, ids.ei, ids.stats],
    );
    // The E/I statistics are really there: a 20-unit network, 16 excitatory.
    expect(editorSummaries[ids.stats]!['stats']).toMatch(/^16 E \/ 4 I; .* 0 sign violation\(s\)$/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="save"]')]);
    const file = join(work, 'dale-saved.json');
    await download.saveAs(file);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { plugins?: string[]; nodes: Array<{ type: string }> };
    expect(saved.plugins).toEqual(['cortexflow-plugin-dale']);
    expect(saved.nodes.map((n) => n.type)).toEqual(['task.and', 'dale.ctrnn', 'dale.ei-stats']);
    const { stdout } = await run(
      process.execPath,
      ['bin/cortexflow.mjs', 'run', file, '--plugin', 'plugins/dale', '--out', join(work, 'out'), '--json'],
      { cwd: process.cwd(), maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CORTEXFLOW_BACKEND: 'wasm' } },
    );
    const events = stdout
      .split('\n')
      .filter((l) => l.trim().startsWith('{'))
      .map(
        (l) =>
          JSON.parse(l) as {
            type: string;
            data: { node?: string; status?: string; outputs?: Record<string, { summary: string }> };
          },
      );
    expect(events.find((e) => e.type === 'run-finished')?.data.status).toBe('done');
    const cliSummaries: Record<string, Record<string, string>> = {};
    for (const e of events)
      if (e.type === 'node-done' && e.data.node && e.data.outputs)
        cliSummaries[e.data.node] = Object.fromEntries(Object.entries(e.data.outputs).map(([k, v]) => [k, v.summary]));
    expect(cliSummaries).toEqual(editorSummaries);
    writeFileSync(
      join(shots, 'plugin-cli-vs-editor.json'),
      JSON.stringify({ editor: editorSummaries, cli: cliSummaries }, null, 2),
    );
  });

  it('opens every scheme and plugin example at its saved positions, without overlap', async () => {
    await page.selectOption('[data-testid="plugins"]', 'cortexflow-plugin-mante-task');
    await expect.poll(() => page.locator('[data-block-type^="mante."]').count()).toBeGreaterThan(0);
    const files = readdirSync(join(process.cwd(), 'examples')).filter((f) => /^(scheme|plugin)-.*\.json$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const want = JSON.parse(readFileSync(join(process.cwd(), 'examples', f), 'utf8')) as {
        name: string;
        nodes: unknown[];
      };
      await page.selectOption('[data-testid="examples"]', f);
      await expect.poll(async () => ((await doc(page)) as unknown as { name: string }).name).toBe(want.name);
      await expect.poll(() => page.locator('cf-node[data-node-id]').count()).toBe(want.nodes.length);
      const relaid = await page.evaluate(
        () => (window as unknown as { cortexflow: AppHandle }).cortexflow.canvas.relaidOut,
      );
      expect({ file: f, relaidOut: relaid }).toEqual({ file: f, relaidOut: false });
      expect(await page.locator('[data-testid="toast"]').textContent()).not.toMatch(/overlap/);
      await shot(page, `plugin-example-${f.replace(/\.json$/, '')}`);
    }
  });

  it('logged no page errors', () => {
    expect(errors).toEqual([]);
  });
});
