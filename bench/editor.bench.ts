/**
 * Editor responsiveness, in headless Chromium against a production build:
 * - open time of a 200-node pipeline (file parsed, validated, every node rendered);
 * - frame time while dragging a node of that pipeline (rAF intervals during a 60-step mouse drag);
 * - the longest main-thread task while a network trains in the worker (PerformanceObserver 'longtask').
 * Targets (issue 7): open < 1 s, drag frames < 16 ms, no long task over 100 ms while training.
 */
import type { BenchRow, BenchSuite } from './types.ts';
import { chromiumPath, launchBrowser } from '../test/e2e/browser.ts';
import { editorReady, startEditor } from '../test/e2e/editor-server.ts';

/** A 200-node pipeline: 40 chains task -> model -> trainer -> simulate -> plot, laid out in a grid. */
export function bigPipeline(groups = 40): unknown {
  const nodes: unknown[] = [];
  const edges: unknown[] = [];
  const e = (a: string, ap: string, b: string, bp: string) => edges.push({ from: { node: a, port: ap }, to: { node: b, port: bp } });
  for (let g = 0; g < groups; g++) {
    const y = g * 260;
    const id = (s: string) => `${s}${g}`;
    nodes.push({ id: id('and'), type: 'task.and', params: { samples: 200, seed: g }, ui: { x: 0, y } });
    nodes.push({ id: id('net'), type: 'model.ctrnn', params: { units: 16, seed: g }, ui: { x: 300, y } });
    nodes.push({ id: id('train'), type: 'train.ctrnn', params: { maxSteps: 10, criterionEvery: 0, stopAtCriterion: false }, ui: { x: 600, y } });
    nodes.push({ id: id('sim'), type: 'sim.run', ui: { x: 900, y } });
    nodes.push({ id: id('plot'), type: 'plot.timeseries', ui: { x: 1200, y } });
    e(id('and'), 'dataset', id('net'), 'dataset');
    e(id('net'), 'model', id('train'), 'model');
    e(id('and'), 'dataset', id('train'), 'dataset');
    e(id('train'), 'model', id('sim'), 'model');
    e(id('and'), 'dataset', id('sim'), 'dataset');
    e(id('sim'), 'trajectories', id('plot'), 'trajectories');
    e(id('and'), 'dataset', id('plot'), 'dataset');
  }
  return { format: 'cortexflow/pipeline', version: 1, name: '200 nodes', nodes, edges };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};

interface Win {
  cortexflow: {
    openValue(v: unknown, source: string): Promise<boolean>;
    canvas: { nodes(): unknown[] };
  };
}

const suite: BenchSuite = async ({ quick }) => {
  if (!chromiumPath()) throw new Error('no Chromium at /usr/bin/chromium: the editor benchmark needs a browser');
  const server = await startEditor();
  const browser = await launchBrowser();
  const rows: BenchRow[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // tsx compiles this file with esbuild's keepNames: functions sent to the page call __name.
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.goto(server.url);
    await editorReady(page);
    const doc = bigPipeline(40);

    // 1. Open a 200-node pipeline: validate, build the graph, render every node, next frame painted.
    const opens: number[] = [];
    for (let i = 0; i < (quick ? 2 : 5); i++) {
      const ms = await page.evaluate(async (d) => {
        const w = window as unknown as Win;
        const t0 = performance.now();
        const ok = await w.cortexflow.openValue(d, 'benchmark');
        if (!ok) throw new Error('the benchmark pipeline did not open');
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        if (document.querySelectorAll('cf-node').length !== 200) throw new Error('not every node rendered');
        return performance.now() - t0;
      }, doc);
      opens.push(ms);
    }
    rows.push({ suite: 'editor', name: 'open 200-node pipeline (median)', value: median(opens), unit: 'ms', note: `target < 1000; runs: ${opens.map((x) => x.toFixed(0)).join(', ')}` });

    // 2. Drag a node of the 200-node graph; record the intervals between animation frames.
    const box = await page.locator('cf-node[data-node-id="train0"] .node-head').boundingBox();
    if (!box) throw new Error('node train0 not visible');
    await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __stop: boolean };
      w.__frames = [];
      w.__stop = false;
      let last = performance.now();
      const tick = (t: number) => {
        w.__frames.push(t - last);
        last = t;
        if (!w.__stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const x0 = box.x + 20;
    const y0 = box.y + box.height / 2;
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    const steps = quick ? 30 : 60;
    for (let i = 1; i <= steps; i++) {
      await page.mouse.move(x0 + i * 4, y0 + Math.sin(i / 6) * 40);
    }
    await page.mouse.up();
    const frames = await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __stop: boolean };
      w.__stop = true;
      return w.__frames.slice(1);
    });
    const work = await page.evaluate(async () => {
      // Main-thread cost of one drag step: synthetic pointer moves, each followed by a forced layout.
      const el = document.querySelector('cf-node[data-node-id="train1"] .node-head') as HTMLElement;
      const r = el.getBoundingClientRect();
      const opts = (x: number, y: number): PointerEventInit => ({ clientX: x, clientY: y, bubbles: true, pointerId: 1, isPrimary: true, button: 0, buttons: 1 });
      el.dispatchEvent(new PointerEvent('pointerdown', opts(r.x + 10, r.y + 5)));
      const costs: number[] = [];
      for (let i = 1; i <= 40; i++) {
        const t0 = performance.now();
        window.dispatchEvent(new PointerEvent('pointermove', opts(r.x + 10 + i * 3, r.y + 5 + i)));
        void document.body.offsetHeight;
        costs.push(performance.now() - t0);
        await new Promise((res) => requestAnimationFrame(res));
      }
      window.dispatchEvent(new PointerEvent('pointerup', opts(r.x + 130, r.y + 45)));
      return costs;
    });
    rows.push({ suite: 'editor', name: 'drag a node, 200 nodes: frame interval p95', value: pct(frames, 0.95), unit: 'ms', note: `median ${median(frames).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms over ${frames.length} frames; target < 16.7` });
    rows.push({ suite: 'editor', name: 'drag a node, 200 nodes: main-thread work per move p95', value: pct(work, 0.95), unit: 'ms', note: `median ${median(work).toFixed(2)} ms (event handling + layout)` });

    // 3. Train a network in the worker; watch the main thread for long tasks.
    const trainSteps = quick ? 60 : 200;
    const small = {
      format: 'cortexflow/pipeline',
      version: 1,
      name: 'train',
      nodes: [
        { id: 'and', type: 'task.and', params: { samples: 600, seed: 1 } },
        { id: 'net', type: 'model.ctrnn', params: { units: 50, seed: 1 } },
        { id: 'train', type: 'train.ctrnn', params: { maxSteps: trainSteps, batchSize: 32, criterionEvery: 0, stopAtCriterion: false, validateEvery: 0, workers: '1' } },
      ],
      edges: [
        { from: { node: 'and', port: 'dataset' }, to: { node: 'net', port: 'dataset' } },
        { from: { node: 'net', port: 'model' }, to: { node: 'train', port: 'model' } },
        { from: { node: 'and', port: 'dataset' }, to: { node: 'train', port: 'dataset' } },
      ],
    };
    await page.evaluate(async (d) => {
      const w = window as unknown as Win & { __long: number[]; __obs: PerformanceObserver };
      await w.cortexflow.openValue(d, 'benchmark');
      w.__long = [];
      w.__obs = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__long.push(e.duration);
      });
      w.__obs.observe({ type: 'longtask', buffered: false });
    }, small);
    const t0 = Date.now();
    await page.click('[data-testid="run"]');
    await page.waitForFunction(() => document.querySelector('cf-node[data-node-id="train"]')?.getAttribute('data-status') === 'done', undefined, {
      timeout: 600_000,
      polling: 200,
    });
    const trainMs = Date.now() - t0;
    const longs = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
    rows.push({
      suite: 'editor',
      name: `longest main-thread task while training (N=50, B=32, ${trainSteps} steps, worker)`,
      value: longs.length ? Math.max(...longs) : 0,
      unit: 'ms',
      note: `${longs.length} long tasks (> 50 ms) in ${(trainMs / 1000).toFixed(1)} s of training; target: none over 100`,
    });
  } finally {
    await browser.close();
    await server.close();
  }
  return rows;
};

export default suite;
