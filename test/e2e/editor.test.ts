/**
 * The editor end to end, in real Chromium (Debian's, driven by playwright-core) against a production
 * build served by `vite preview`: build a small AND pipeline by hand (palette drag and drop, socket
 * drags), have an incompatible connection refused, edit params, run it in the worker to `done`, see
 * the plot thumbnail, save it and run the saved file with the CLI to the same results; reload and get
 * the autosave back; open a broken file; undo/redo; stop a training run.
 * Screenshots of each step go to test-artifacts/editor/.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { artifactDir, browserAvailable, launchBrowser } from './browser.ts';
import {
  dragConnection,
  editorReady,
  openEditorPage,
  socketSelector,
  startEditor,
  type EditorServer,
} from './editor-server.ts';

const run = promisify(execFile);
const hasBrowser = browserAvailable();
const shots = artifactDir('editor');
const work = mkdtempSync(join(tmpdir(), 'cortexflow-e2e-'));

interface AppHandle {
  document(): {
    nodes: Array<{ id: string; type: string; params: Record<string, unknown>; ui?: { x: number; y: number } }>;
    edges: unknown[];
  };
  canvas: {
    node(
      id: string,
    ): { results: Record<string, { type: string; summary: string }>; status: string; losses: number[] } | undefined;
  };
}

const doc = (page: Page) => page.evaluate(() => (window as unknown as { cortexflow: AppHandle }).cortexflow.document());

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

/** Small sizes so the whole run takes seconds on 2 shared cores. */
const SMALL: Record<string, Record<string, unknown>> = {
  and: { samples: 120, seed: 3 },
  ctrnn: { units: 8, seed: 2 },
  train: {
    maxSteps: 12,
    batchSize: 16,
    validateEvery: 0,
    criterionEvery: 0,
    stopAtCriterion: false,
    checkpointEvery: 0,
    seed: 4,
    workers: 1,
    backend: 'wasm',
  },
};

describe.skipIf(!hasBrowser)('editor (Chromium)', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startEditor();
    browser = await launchBrowser();
    ({ page } = await openEditorPage(browser, server.url, errors));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens an example pipeline on the first visit', async () => {
    const first = await doc(page);
    expect(first.nodes.length).toBeGreaterThan(0);
    const examples = readdirSync(join(process.cwd(), 'examples'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => (JSON.parse(readFileSync(join(process.cwd(), 'examples', f), 'utf8')) as { name: string }).name);
    expect(examples).toContain((first as unknown as { name: string }).name);
    await expect.poll(() => page.locator('cf-node[data-node-id]').count()).toBe(first.nodes.length);
    await shot(page, '00-first-visit');
    // The rest starts from an empty graph.
    await page.click('[data-testid="new"]');
    await expect.poll(async () => (await doc(page)).nodes.length).toBe(0);
  });

  it('adds blocks by dragging them from the palette to where they are dropped', async () => {
    const canvas = page.locator('[data-testid="canvas"]');
    const cbox = (await canvas.boundingBox())!;
    await page.locator('[data-block-type="task.and"]').dragTo(canvas, { targetPosition: { x: 30, y: 40 } });
    await page.locator('[data-block-type="model.ctrnn"]').dragTo(canvas, { targetPosition: { x: 310, y: 20 } });
    await expect.poll(() => page.locator('cf-node[data-node-id]').count()).toBe(2);
    const box = (await page.locator('cf-node[data-node-id="and"]').boundingBox())!;
    // The node's top-left corner is where the pointer was released.
    expect(Math.abs(box.x - (cbox.x + 30))).toBeLessThan(6);
    expect(Math.abs(box.y - (cbox.y + 40))).toBeLessThan(6);
    const d = await doc(page);
    expect(d.nodes.map((n) => n.type)).toEqual(['task.and', 'model.ctrnn']);
    expect(d.nodes[0]?.ui).toEqual({ x: 30, y: 40 });
    await shot(page, '01-dragged-blocks');
  });

  it('connects two compatible sockets and lights up only compatible inputs while dragging', async () => {
    const a = await page.locator(socketSelector('and', 'output', 'dataset')).boundingBox();
    await page.mouse.move(a!.x + a!.width / 2, a!.y + a!.height / 2);
    await page.mouse.down();
    await page.mouse.move(a!.x + 80, a!.y + 60, { steps: 4 });
    expect(await page.locator('cf-socket.compatible').count()).toBe(1);
    await shot(page, '02-compatible-highlight');
    await page.mouse.up();
    await dragConnection(page, 'and', 'dataset', 'ctrnn', 'dataset');
    await expect
      .poll(async () => (await doc(page)).edges)
      .toEqual([{ from: { node: 'and', port: 'dataset' }, to: { node: 'ctrnn', port: 'dataset' } }]);
    await shot(page, '03-connected');
  });

  it('refuses an incompatible connection and says why', async () => {
    const canvas = page.locator('[data-testid="canvas"]');
    await page.locator('[data-block-type="sim.run"]').dragTo(canvas, { targetPosition: { x: 600, y: 40 } });
    await expect.poll(() => page.locator('cf-node[data-node-id="run"]').count()).toBe(1);
    // A Dataset output into the Model input of sim.run.
    await dragConnection(page, 'and', 'dataset', 'run', 'model');
    await expect(page.locator('[data-testid="toast"]').textContent()).resolves.toMatch(
      /refused: a Dataset output cannot feed an input that expects Model/,
    );
    expect((await doc(page)).edges).toHaveLength(1);
    await shot(page, '04-refused');
  });

  it('edits a param with inline validation, and the edit is undoable', async () => {
    await page.click('cf-node[data-node-id="and"] .node-head');
    const samples = page.locator('cf-params [data-param="samples"]');
    await samples.fill('-5');
    await samples.press('Tab');
    await expect(
      page.locator('cf-params [data-param-row="samples"] [data-testid="param-error"]').textContent(),
    ).resolves.toMatch(/expected an integer in \[0, 1000000\], got -5/);
    await shot(page, '05-param-invalid');
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await doc(page)).nodes[0]?.params['samples']).toBe(15050);
    await page.keyboard.press('Control+y');
    await expect.poll(async () => (await doc(page)).nodes[0]?.params['samples']).toBe(-5);
    for (const [node, params] of Object.entries(SMALL)) {
      if (node !== 'train') await setParams(page, node, params);
    }
    expect((await doc(page)).nodes[0]?.params).toMatchObject(SMALL['and']!);
    await expect(page.locator('cf-params [data-testid="param-error"]').count()).resolves.toBe(0);
    await shot(page, '06-params-edited');
  });

  it('runs a small AND pipeline to done in the worker and shows the plot thumbnail', async () => {
    const canvas = page.locator('[data-testid="canvas"]');
    await page.locator('[data-block-type="train.ctrnn"]').dragTo(canvas, { targetPosition: { x: 310, y: 330 } });
    await page.locator('[data-block-type="plot.timeseries"]').dragTo(canvas, { targetPosition: { x: 610, y: 330 } });
    await expect.poll(() => page.locator('cf-node[data-node-id]').count()).toBe(5);
    await setParams(page, 'train-ctrnn', SMALL['train']!);
    await dragConnection(page, 'ctrnn', 'model', 'train-ctrnn', 'model');
    await dragConnection(page, 'and', 'dataset', 'train-ctrnn', 'dataset');
    await dragConnection(page, 'train-ctrnn', 'model', 'run', 'model');
    await dragConnection(page, 'and', 'dataset', 'run', 'dataset');
    await dragConnection(page, 'run', 'trajectories', 'timeseries', 'trajectories');
    await dragConnection(page, 'and', 'dataset', 'timeseries', 'dataset');
    expect((await doc(page)).edges).toHaveLength(7);
    await shot(page, '07-pipeline-built');
    await page.click('[data-testid="run"]');
    await expect
      .poll(() => page.locator('cf-node[data-node-id="timeseries"]').getAttribute('data-status'), {
        timeout: 120_000,
        interval: 250,
      })
      .toBe('done');
    for (const id of ['and', 'ctrnn', 'train-ctrnn', 'run', 'timeseries'])
      expect(await page.locator(`cf-node[data-node-id="${id}"]`).getAttribute('data-status')).toBe('done');
    await expect
      .poll(() => page.locator('cf-node[data-node-id="timeseries"] img[data-testid="thumbnail"]').count())
      .toBe(1);
    await expect
      .poll(() => page.locator('cf-node[data-node-id="train-ctrnn"] [data-testid="loss-curve"]').count())
      .toBe(1);
    await page.click('cf-node[data-node-id="timeseries"] .node-head');
    await expect.poll(() => page.locator('[data-testid="figure"] img').count()).toBe(1);
    await shot(page, '08-run-done');
  });

  it('re-runs only what a param change affects, and runs up to the selected node', async () => {
    await setParams(page, 'timeseries', { columns: 2 });
    await page.click('[data-testid="run"]');
    const status = (id: string) => page.locator(`cf-node[data-node-id="${id}"]`).getAttribute('data-status');
    const runStatus = page.locator('[data-testid="run-status"]');
    await expect
      .poll(() => runStatus.textContent(), { timeout: 60_000, interval: 100 })
      .toMatch(/done .*: 1 ran, 4 cached/);
    await expect.poll(() => status('timeseries')).toBe('done');
    for (const id of ['and', 'ctrnn', 'train-ctrnn', 'run']) expect(await status(id)).toBe('cached');
    await shot(page, '08b-rerun-cached');
    await setParams(page, 'run', { maxTrials: 1999 });
    await page.click('[data-testid="run-to"]');
    await expect
      .poll(() => runStatus.textContent(), { timeout: 60_000, interval: 100 })
      .toMatch(/done .*: 1 ran, 3 cached/);
    await expect.poll(() => status('run')).toBe('done');
    expect(await status('train-ctrnn')).toBe('cached');
    // The plot is downstream of the target: not part of this run, it keeps its last state.
    expect(await status('timeseries')).toBe('done');
  });

  it('shows a failing node with its message and skips what depends on it, with the reason', async () => {
    const status = (id: string) => page.locator(`cf-node[data-node-id="${id}"]`).getAttribute('data-status');
    const runStatus = page.locator('[data-testid="run-status"]');
    await setParams(page, 'run', { conditions: 'all', maxTrials: 1 });
    await page.click('[data-testid="run"]');
    await expect
      .poll(() => runStatus.textContent(), { timeout: 60_000, interval: 100 })
      .toMatch(/failed .*1 failed, 1 skipped/);
    // Node badges are redrawn on the next animation frame.
    await expect.poll(() => status('run')).toBe('error');
    expect(await page.locator('cf-node[data-node-id="run"] [data-testid="node-message"]').textContent()).toMatch(
      /maxTrials/,
    );
    expect(await status('timeseries')).toBe('skipped');
    expect(await page.locator('cf-node[data-node-id="timeseries"] [data-testid="node-message"]').textContent()).toBe(
      'upstream node "run" failed',
    );
    await shot(page, '08c-error-skipped');
    // Back to the params of an earlier run: everything comes from the cache.
    await setParams(page, 'run', { conditions: 'probe', maxTrials: 2000 });
    await page.click('[data-testid="run"]');
    await expect
      .poll(() => runStatus.textContent(), { timeout: 60_000, interval: 100 })
      .toMatch(/^done .*: 0 ran, 5 cached/);
  });

  it('saves the pipeline and the CLI runs the saved file to the same results', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="save"]')]);
    const file = join(work, 'saved.json');
    await download.saveAs(file);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Array<{ id: string; ui?: unknown }> };
    expect(saved.nodes.map((n) => n.id)).toEqual(['and', 'ctrnn', 'run', 'train-ctrnn', 'timeseries']);
    expect(saved.nodes.every((n) => n.ui !== undefined)).toBe(true);
    const out = join(work, 'out');
    const { stdout } = await run(process.execPath, ['bin/cortexflow.mjs', 'run', file, '--out', out, '--json'], {
      cwd: process.cwd(),
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, CORTEXFLOW_BACKEND: 'wasm' },
    });
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
    const editorSummaries = await page.evaluate(() => {
      const app = (window as unknown as { cortexflow: AppHandle }).cortexflow;
      const r: Record<string, Record<string, string>> = {};
      for (const id of ['and', 'ctrnn', 'train-ctrnn', 'run', 'timeseries'])
        r[id] = Object.fromEntries(Object.entries(app.canvas.node(id)!.results).map(([k, v]) => [k, v.summary]));
      return r;
    });
    const cliSummaries: Record<string, Record<string, string>> = {};
    for (const e of events)
      if (e.type === 'node-done' && e.data.node && e.data.outputs)
        cliSummaries[e.data.node] = Object.fromEntries(Object.entries(e.data.outputs).map(([k, v]) => [k, v.summary]));
    expect(cliSummaries).toEqual(editorSummaries);
    // Beyond the one-line summaries: the whole loss curve, step by step (same seed, same wasm backend).
    const cliHistory = JSON.parse(readFileSync(join(out, 'train-ctrnn', 'history.json'), 'utf8')) as { loss: number[] };
    const editorLoss = await page.evaluate(
      () => (window as unknown as { cortexflow: AppHandle }).cortexflow.canvas.node('train-ctrnn')!.losses,
    );
    expect(cliHistory.loss).toHaveLength(12);
    expect(editorLoss).toEqual(cliHistory.loss);
    writeFileSync(
      join(shots, 'cli-vs-editor.json'),
      JSON.stringify({ editor: editorSummaries, cli: cliSummaries }, null, 2),
    );
  });

  it('restores the autosaved graph on reload', async () => {
    const before = await doc(page);
    await page.reload();
    await editorReady(page);
    const after = await doc(page);
    expect(after.nodes).toEqual(before.nodes);
    expect(after.edges).toEqual(before.edges);
    await shot(page, '09-reloaded');
  });

  it('shows the errors of a broken file and leaves the graph unchanged', async () => {
    const before = await doc(page);
    const broken = join(work, 'broken.json');
    writeFileSync(
      broken,
      JSON.stringify({
        format: 'cortexflow/pipeline',
        version: 1,
        name: 'broken',
        nodes: [{ id: 'a', type: 'task.andd' }],
        edges: [{ from: { node: 'a', port: 'dataset' }, to: { node: 'zz', port: 'x' } }],
      }),
    );
    await page.setInputFiles('[data-testid="open-input"]', broken);
    const problem = page.locator('[data-testid="problem"]');
    await expect.poll(() => problem.count()).toBe(1);
    const text = (await problem.textContent()) ?? '';
    expect(text).toContain('graph was left unchanged');
    expect(text).toContain('nodes[0].type: unknown block type "task.andd"; did you mean "task.and"?');
    expect(text).toContain('edges[0].to.node: no node with id "zz"');
    expect(await doc(page)).toEqual(before);
    await shot(page, '10-broken-file');
    const notJson = join(work, 'not-json.json');
    writeFileSync(notJson, '{ "format": "cortexflow/pipeline", ');
    await page.setInputFiles('[data-testid="open-input"]', notJson);
    await expect.poll(async () => (await problem.textContent()) ?? '').toMatch(/not valid JSON/);
    expect(await doc(page)).toEqual(before);
    await page.click('[data-testid="problem"] button');
    // The same through a file dropped on the canvas.
    await page.evaluate(
      (text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
        const canvas = document.querySelector('[data-testid="canvas"]') as HTMLElement;
        canvas.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        canvas.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      readFileSync(broken, 'utf8'),
    );
    await expect
      .poll(async () => (await problem.textContent()) ?? '')
      .toMatch(/Could not open "dropped.json".*unknown block type "task.andd"/s);
    expect(await doc(page)).toEqual(before);
    await page.click('[data-testid="problem"] button');
  });

  it('round-trips undo and redo of adding, moving, connecting and deleting', async () => {
    const start = await doc(page);
    const canvas = page.locator('[data-testid="canvas"]');
    await page.locator('[data-block-type="task.xor"]').dragTo(canvas, { targetPosition: { x: 40, y: 480 } });
    await expect.poll(async () => (await doc(page)).nodes.length).toBe(start.nodes.length + 1);
    await page.waitForTimeout(250);
    await dragConnection(page, 'xor', 'dataset', 'run', 'dataset');
    await expect.poll(async () => (await doc(page)).edges.length).toBe(start.edges.length);
    const changed = await doc(page);
    await page.waitForTimeout(250);
    await page.click('cf-node[data-node-id="xor"] .node-head');
    await page.keyboard.press('Delete');
    await expect.poll(async () => (await doc(page)).nodes.length).toBe(start.nodes.length);
    await shot(page, '11-deleted');
    await page.click('[data-testid="undo"]');
    await expect.poll(async () => (await doc(page)).nodes.length).toBe(changed.nodes.length);
    expect((await doc(page)).edges).toEqual(changed.edges);
    for (let i = 0; i < 10 && JSON.stringify(await doc(page)) !== JSON.stringify(start); i++) {
      await page.click('[data-testid="undo"]');
      await page.waitForTimeout(50);
    }
    expect(await doc(page)).toEqual(start);
    for (let i = 0; i < 10 && (await doc(page)).nodes.length === start.nodes.length; i++) {
      await page.click('[data-testid="redo"]');
      await page.waitForTimeout(50);
    }
    await expect.poll(async () => (await doc(page)).nodes.some((n) => n.id === 'xor')).toBe(true);
    await shot(page, '12-undo-redo');
    // Back to the run pipeline for the next test.
    await page.keyboard.press('Escape');
    await page.click('cf-node[data-node-id="xor"] .node-head');
    await page.keyboard.press('Delete');
    await expect.poll(async () => (await doc(page)).nodes.some((n) => n.id === 'xor')).toBe(false);
  });

  it('stops a training run', async () => {
    await setParams(page, 'train-ctrnn', { maxSteps: 100000, seed: 9 });
    await page.click('[data-testid="run"]');
    const trainer = page.locator('cf-node[data-node-id="train-ctrnn"]');
    await expect.poll(() => trainer.getAttribute('data-status'), { timeout: 60_000, interval: 100 }).toBe('running');
    await expect.poll(() => trainer.locator('[data-testid="loss-curve"]').count(), { timeout: 60_000 }).toBe(1);
    await shot(page, '13-training');
    const t0 = Date.now();
    await page.click('[data-testid="stop"]');
    await expect.poll(() => trainer.getAttribute('data-status'), { timeout: 10_000, interval: 50 }).toBe('cancelled');
    const stopMs = Date.now() - t0;
    await expect.poll(() => page.locator('[data-testid="run-status"]').textContent()).toMatch(/cancelled/);
    expect(await page.locator('[data-testid="run"]').isDisabled()).toBe(false);
    expect(await page.locator('cf-node[data-node-id="timeseries"]').getAttribute('data-status')).not.toBe('running');
    await shot(page, '14-stopped');
    expect(stopMs).toBeLessThan(10_000);
  });

  it('adds from the context menu, box-selects, copies and pastes, arranges, and lists the shortcuts', async () => {
    await page.click('[data-testid="new"]');
    await expect.poll(async () => (await doc(page)).nodes.length).toBe(0);
    const canvas = page.locator('[data-testid="canvas"]');
    const cbox = (await canvas.boundingBox())!;
    // Context menu: right-click the canvas, pick a category, then a block.
    await page.mouse.click(cbox.x + 120, cbox.y + 120, { button: 'right' });
    await page.locator('rete-context-menu-item', { hasText: 'Tasks' }).first().hover();
    await shot(page, '15a-context-menu');
    await page.locator('rete-context-menu-item', { hasText: 'NOT (temporal)' }).last().click();
    await expect.poll(async () => (await doc(page)).nodes.map((n) => n.type)).toEqual(['task.not']);
    await page.locator('[data-block-type="model.ctrnn"]').dragTo(canvas, { targetPosition: { x: 420, y: 140 } });
    await dragConnection(page, 'not', 'dataset', 'ctrnn', 'dataset');
    await expect.poll(async () => (await doc(page)).edges.length).toBe(1);
    await shot(page, '15-context-menu-add');
    // Box selection (Shift+drag on the background) around both nodes, then copy and paste.
    await page.keyboard.down('Shift');
    await page.mouse.move(cbox.x + 5, cbox.y + 5);
    await page.mouse.down();
    await page.mouse.move(cbox.x + 700, cbox.y + 420, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expect.poll(() => page.locator('cf-node.selected').count()).toBe(2);
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(async () => (await doc(page)).nodes.length).toBe(4);
    const d = await doc(page);
    expect(d.edges).toHaveLength(2);
    expect(d.nodes.map((n) => `${n.id}:${n.type}`)).toEqual([
      'not:task.not',
      'ctrnn:model.ctrnn',
      'task-not:task.not',
      'model-ctrnn:model.ctrnn',
    ]);
    await shot(page, '16-pasted');
    // The pasted copy overlaps the original. Auto-arrange with ELK (loaded on demand) lays the graph
    // out in layers: no two nodes overlap and every source sits left of its consumer.
    const boxes = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('cf-node')].map((e) => {
          const r = e.getBoundingClientRect();
          return { id: (e as HTMLElement).dataset['nodeId'] ?? '', x: r.x, y: r.y, w: r.width, h: r.height };
        }),
      );
    const overlaps = (b: Awaited<ReturnType<typeof boxes>>) =>
      b.some((p, i) =>
        b.some((q, j) => i < j && p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h),
      );
    expect(overlaps(await boxes())).toBe(true);
    await page.click('[data-testid="arrange"]');
    await expect.poll(async () => overlaps(await boxes()), { timeout: 30_000 }).toBe(false);
    const nodes = (await doc(page)).nodes;
    const x = (id: string) => nodes.find((n) => n.id === id)?.ui?.x ?? NaN;
    expect(x('not')).toBeLessThan(x('ctrnn'));
    expect(x('task-not')).toBeLessThan(x('model-ctrnn'));
    await shot(page, '17-arranged');
    await page.keyboard.press('?');
    await expect(page.locator('[data-testid="help-panel"]').textContent()).resolves.toContain('Undo');
    await shot(page, '18-help');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid="help-panel"]').count()).toBe(0);
  });

  it('loads a bundled plugin on demand: its blocks join the palette and its example opens', async () => {
    const before = await doc(page);
    await page.selectOption('[data-testid="examples"]', 'plugin-dale.json');
    // Naming a plugin never loads code: the example is refused until the plugin is loaded.
    await expect
      .poll(async () => (await page.locator('[data-testid="problem"]').textContent()) ?? '')
      .toMatch(/unknown block type "dale\./);
    expect(await doc(page)).toEqual(before);
    await page.click('[data-testid="problem"] button');
    expect(await page.locator('[data-block-type^="dale."]').count()).toBe(0);
    await page.selectOption('[data-testid="plugins"]', 'cortexflow-plugin-dale');
    await expect.poll(() => page.locator('[data-block-type^="dale."]').count()).toBeGreaterThan(0);
    await page.selectOption('[data-testid="examples"]', 'plugin-dale.json');
    await expect.poll(async () => (await doc(page)).nodes.some((n) => n.type.startsWith('dale.'))).toBe(true);
    expect(((await doc(page)) as unknown as { plugins?: string[] }).plugins).toEqual(['cortexflow-plugin-dale']);
    await shot(page, '19-plugin-example');
  });

  it('logged no page errors', () => {
    expect(errors).toEqual([]);
  });
});

/** Select a node and set params through the params panel (one committed edit each). */
async function setParams(page: Page, node: string, params: Record<string, unknown>): Promise<void> {
  await page.click(`cf-node[data-node-id="${node}"] .node-head`);
  await page.waitForSelector(`cf-params .params-type:has-text("${node} ·")`);
  for (const [k, v] of Object.entries(params)) {
    const el = page.locator(`cf-params [data-param="${k}"]`);
    const tag = await el.evaluate((e) => e.tagName);
    if (tag === 'SELECT') await el.selectOption(String(v));
    else if (typeof v === 'boolean') await el.setChecked(v);
    else {
      await el.fill(String(v));
      await el.press('Tab');
    }
  }
}
