/**
 * The static site (issue 21): size of the built folder, and first-load time in headless Chromium
 * from a plain static server on localhost under a sub-path, each load in a fresh browser context
 * (empty cache: cold):
 * - landing page to `load`;
 * - editor.html to the first graph on the canvas (the app's `ready`), and to the runtime worker
 *   reporting its tfjs backend (tfjs and the .wasm loaded, the Run button useful);
 * - peer: a warm reload of the editor in the same context (HTTP cache filled).
 * Localhost has no network latency: these are parse/compile/render costs, the floor of a real host.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import type { BenchRow, BenchSuite } from './types.ts';
import { chromiumPath, launchBrowser } from '../test/e2e/browser.ts';
import { serveStatic } from '../test/e2e/static-server.ts';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

function folderSize(dir: string): { bytes: number; gzip: number; files: number } {
  let bytes = 0;
  let gzip = 0;
  let files = 0;
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) {
      const s = folderSize(p);
      bytes += s.bytes;
      gzip += s.gzip;
      files += s.files;
    } else {
      const body = readFileSync(p);
      bytes += body.length;
      gzip += gzipSync(body).length;
      files += 1;
    }
  }
  return { bytes, gzip, files };
}

const backendReady = (page: Page) =>
  page.waitForFunction(() => (window as unknown as { cortexflow?: { backend?: string } }).cortexflow?.backend, null, {
    timeout: 120_000,
  });
const appReady = async (page: Page) => {
  await page.waitForFunction(
    () => (window as unknown as { cortexflow?: { canvas?: unknown } }).cortexflow?.canvas !== undefined,
    null,
    {
      timeout: 120_000,
    },
  );
  await page.evaluate(() => (window as unknown as { cortexflow: { ready: Promise<void> } }).cortexflow.ready);
};

const suite: BenchSuite = async ({ quick }) => {
  if (!chromiumPath()) return [{ suite: 'site', name: 'SKIPPED (no Chromium)', value: NaN, unit: '' }];
  const out = mkdtempSync(join(tmpdir(), 'cortexflow-site-bench-'));
  await promisify(execFile)(process.execPath, ['scripts/build-site.mjs', '--out', out], { cwd: process.cwd() });
  const size = folderSize(out);
  const server = await serveStatic(out, { prefix: '/some/path/' });
  const browser = await launchBrowser();
  const reps = quick ? 2 : 5;
  const landing: number[] = [];
  const ready: number[] = [];
  const backend: number[] = [];
  const warm: number[] = [];
  const transferred: number[] = [];
  try {
    for (let i = 0; i < reps; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      let t0 = performance.now();
      await page.goto(server.url, { waitUntil: 'load' });
      landing.push(performance.now() - t0);

      // Requests of the page and its workers, counted by the size of the file served.
      const urls = new Set<string>();
      context.on('request', (r) => urls.add(r.url()));
      t0 = performance.now();
      await page.goto(`${server.url}editor.html`);
      await appReady(page);
      ready.push(performance.now() - t0);
      await backendReady(page);
      backend.push(performance.now() - t0);
      let bytes = 0;
      for (const u of urls) {
        if (!u.startsWith(server.url)) continue;
        const rel = decodeURIComponent(new URL(u).pathname.slice('/some/path/'.length)) || 'index.html';
        try {
          bytes += statSync(join(out, rel)).size;
        } catch {
          // Not a file of the site (e.g. a 404): nothing served.
        }
      }
      transferred.push(bytes);

      t0 = performance.now();
      await page.reload();
      await appReady(page);
      warm.push(performance.now() - t0);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
  const MiB = 1024 * 1024;
  const coldReady = median(ready);
  const warmReady = median(warm);
  const rows: BenchRow[] = [
    {
      suite: 'site',
      name: 'dist/site size',
      value: size.bytes / MiB,
      unit: 'MiB',
      note: `${size.files} files; ${(size.gzip / MiB).toFixed(2)} MiB gzipped`,
    },
    {
      suite: 'site',
      name: 'editor first load: files fetched (page + worker)',
      value: median(transferred) / MiB,
      unit: 'MiB',
      note: 'until tfjs-wasm is ready; uncompressed (the test server sends no gzip)',
    },
    {
      suite: 'site',
      name: 'landing page, cold, to load',
      value: median(landing),
      unit: 'ms',
      note: `median of ${reps}`,
    },
    {
      suite: 'site',
      name: 'editor, cold, to first graph on canvas',
      value: coldReady,
      unit: 'ms',
      peer: 'warm reload (HTTP cache)',
      ratio: coldReady / warmReady,
      note: `median of ${reps}; warm ${warmReady.toFixed(0)} ms`,
    },
    {
      suite: 'site',
      name: 'editor, cold, to tfjs-wasm ready in the worker',
      value: median(backend),
      unit: 'ms',
      note: `median of ${reps}`,
    },
  ];
  return rows;
};

export default suite;
