/**
 * The static site (`npm run build:site`) as a user meets it on a static host, in real Chromium:
 * the built folder is served by a plain node:http file server (no special headers) under a
 * sub-path, /some/path/. From the landing page the AND example opens through `?pipeline=`, runs to
 * done (smaller sizes, set in the params panel) and its report downloads; the study shared as a
 * `#p=` link opens in a fresh browser with the same graph and params. The same folder served WITH
 * COOP/COEP headers is cross-origin isolated: more than one thread, the threaded tfjs-wasm build and
 * its pthread workers, and the same training losses. The opt-in service worker isolates the
 * header-less host. A plugin example opens in one click. A file from another origin without CORS
 * is refused with a clear message.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { artifactDir, browserAvailable, launchBrowser } from './browser.ts';
import { editorReady, watchedPage } from './editor-server.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

const hasBrowser = browserAvailable();
const shots = artifactDir('site');
const PREFIX = '/some/path/';

interface AppHandle {
  backend: string;
  document(): {
    nodes: Array<{ id: string; type: string; params: Record<string, unknown> }>;
    edges: unknown[];
    name: string;
  };
  canvas: { node(id: string): { status: string; losses: number[] } | undefined };
}
const app = (page: Page) => page.evaluate(() => (window as unknown as { cortexflow: AppHandle }).cortexflow.document());
const losses = (page: Page) =>
  page.evaluate(() => (window as unknown as { cortexflow: AppHandle }).cortexflow.canvas.node('train')?.losses ?? []);

/** Small sizes so the AND example trains in seconds on 2 shared cores. */
const SMALL = {
  task: { samples: 200 },
  train: { maxSteps: 30, criterionEvery: 0, stopAtCriterion: false },
};

async function setParams(page: Page, node: string, params: Record<string, unknown>): Promise<void> {
  await page.click(`cf-node[data-node-id="${node}"] .node-head`);
  await page.waitForSelector(`cf-params .params-type:has-text("${node} ·")`);
  for (const [k, v] of Object.entries(params)) {
    const el = page.locator(`cf-params [data-param="${k}"]`);
    if (typeof v === 'boolean') await el.setChecked(v);
    else {
      await el.fill(String(v));
      await el.press('Tab');
    }
  }
}

/** A fresh context (empty cache and storage) watching errors and every request's origin. */
async function freshPage(
  browser: Browser,
  errors: string[],
  requests: string[],
): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await watchedPage(browser, errors);
  context.on('request', (r) => requests.push(r.url()));
  return { context, page };
}

async function runToDone(page: Page): Promise<string> {
  await page.click('[data-testid="run"]');
  const status = page.locator('[data-testid="run-status"]');
  await expect
    .poll(() => status.textContent(), { timeout: 150_000, interval: 250 })
    .toMatch(/^(done|failed|cancelled) in/);
  return (await status.textContent()) ?? '';
}

describe.skipIf(!hasBrowser)('static site (dist/site) on plain static hosts, in Chromium', () => {
  let out: string;
  let plain: StaticServer;
  let isolated: StaticServer;
  let browser: Browser;
  let sharedLink = '';
  let shared: ReturnType<AppHandle['document']> | undefined;
  let plainLosses: number[] = [];

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'cortexflow-site-'));
    await promisify(execFile)(process.execPath, ['scripts/build-site.mjs', '--out', out], {
      cwd: process.cwd(),
      timeout: 170_000,
    });
    plain = await serveStatic(out, { prefix: PREFIX });
    isolated = await serveStatic(out, { prefix: PREFIX, isolate: true });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await plain?.close();
    await isolated?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('landing page -> AND example -> run to done -> report downloaded; one thread, said in the status bar', async () => {
    const errors: string[] = [];
    const requests: string[] = [];
    const { context, page } = await freshPage(browser, errors, requests);
    await page.goto(plain.url);
    expect(await page.title()).toMatch(/cortexflow/);
    await expect.poll(() => page.locator('[data-testid="pitch"]').textContent()).toMatch(/recurrent neural networks/);
    for (const doc of ['docs/cli.html', 'docs/plugins.html', 'docs/pipeline-format.html'])
      expect(await page.locator(`a[href="${doc}"]`).count(), doc).toBeGreaterThan(0);
    await page.screenshot({ path: join(shots, 'landing.png'), fullPage: true });
    // The docs pages are there, rendered, with their cross-links rewritten to .html.
    const docs = await page.evaluate(async () => {
      const r = await fetch('docs/plugins.html');
      return { ok: r.ok, text: await r.text() };
    });
    expect(docs.ok).toBe(true);
    expect(docs.text).toContain('<h1 id="writing-a-plugin">Writing a plugin</h1>');
    expect(docs.text).not.toMatch(/href="[^":]+\.md"/);

    await page.click('a[data-file="and-task.json"]');
    await page.waitForURL(/editor\.html/);
    await editorReady(page);
    const doc = await app(page);
    expect(doc.name).toMatch(/^AND task/);
    expect(doc.nodes).toHaveLength(11);
    // Where it came from, and the address cleaned so a reload restores the autosave instead.
    await expect
      .poll(() => page.locator('[data-testid="source"]').textContent())
      .toContain('examples/and-task.json (this site)');
    expect(page.url()).toBe(`${plain.url}editor.html`);
    const threads = page.locator('[data-testid="threads"]');
    expect(await threads.getAttribute('data-isolated')).toBe('false');
    expect(await threads.getAttribute('data-threads')).toBe('1');
    expect(await threads.textContent()).toMatch(/1 thread: not cross-origin isolated/);
    await expect.poll(() => threads.getAttribute('data-tf-threaded'), { timeout: 60_000 }).toBe('false');

    await setParams(page, 'task', SMALL.task);
    await setParams(page, 'train', SMALL.train);
    const status = await runToDone(page);
    expect(status).toMatch(/^done in .*: 11 ran, 0 cached, 0 failed/);
    plainLosses = await losses(page);
    expect(plainLosses.length).toBeGreaterThan(5);
    await page.screenshot({ path: join(shots, 'editor-plain-done.png') });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="download-report"]'),
    ]);
    expect(download.suggestedFilename()).toMatch(/^report.*\.html$/);
    const file = join(out, '..', `${Date.now()}-report.html`);
    await download.saveAs(file);
    const html = readFileSync(file, 'utf8');
    rmSync(file);
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html.match(/<figure class="figure"/g)).toHaveLength(4);
    // The downloaded report opens and shows its figures.
    const report = await context.newPage();
    await report.setContent(html);
    expect(await report.locator('h1').textContent()).toBe('AND task');
    for (const svg of await report.locator('figure.figure svg').all()) expect(await svg.isVisible()).toBe(true);
    await report.close();

    // Share the edited study as a link.
    await page.click('[data-testid="share"]');
    sharedLink = await page.locator('[data-testid="share-url"]').inputValue();
    expect(sharedLink.startsWith(`${plain.url}editor.html#p=`)).toBe(true);
    shared = await app(page);

    expect(errors).toEqual([]);
    expect(
      requests.filter((u) => !u.startsWith(plain.origin) && !u.startsWith('blob:') && !u.startsWith('data:')),
    ).toEqual([]);
    await context.close();
  });

  it('a pipeline shared as a link opens with the same graph and params in a fresh browser', async () => {
    expect(sharedLink).not.toBe('');
    const errors: string[] = [];
    const { context, page } = await freshPage(browser, errors, []);
    await page.goto(sharedLink);
    await editorReady(page);
    const doc = await app(page);
    expect(doc).toEqual(shared);
    expect(doc.nodes.find((n) => n.id === 'train')?.params).toMatchObject(SMALL.train);
    expect(doc.nodes.find((n) => n.id === 'task')?.params).toMatchObject(SMALL.task);
    await expect.poll(() => page.locator('[data-testid="source"]').textContent()).toMatch(/Opened from the link \(#p=/);
    // A cut link is refused with a message, and the graph stays usable.
    await page.goto(`${sharedLink.slice(0, sharedLink.length - 40)}`);
    await editorReady(page);
    await expect
      .poll(() => page.locator('[data-testid="problem"]').textContent())
      .toMatch(/Could not open the link.*(decompress|base64url)/s);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('with COOP/COEP headers: cross-origin isolated, every core, threaded tfjs-wasm, the same losses', async () => {
    const errors: string[] = [];
    const requests: string[] = [];
    const { context, page } = await freshPage(browser, errors, requests);
    await page.goto(`${isolated.url}editor.html?pipeline=examples/and-task.json`);
    await editorReady(page);
    const env = await page.evaluate(() => ({
      isolated: crossOriginIsolated,
      cores: navigator.hardwareConcurrency,
      sab: typeof SharedArrayBuffer === 'function',
    }));
    expect(env).toMatchObject({ isolated: true, sab: true });
    expect(env.cores).toBeGreaterThan(1);
    const threads = page.locator('[data-testid="threads"]');
    expect(await threads.getAttribute('data-isolated')).toBe('true');
    expect(Number(await threads.getAttribute('data-threads'))).toBe(env.cores);
    // The runtime worker started tfjs's threaded wasm build, which spawns its pthread Web Workers.
    await expect.poll(() => threads.getAttribute('data-tf-threaded'), { timeout: 60_000 }).toBe('true');
    expect(requests.some((u) => /tfjs-backend-wasm-threaded-simd-[^/]*\.wasm$/.test(u))).toBe(true);
    expect(page.workers().length).toBeGreaterThan(2);
    await page.screenshot({ path: join(shots, 'editor-isolated.png') });

    await setParams(page, 'task', SMALL.task);
    await setParams(page, 'train', SMALL.train);
    expect(await runToDone(page)).toMatch(/^done in .*: 11 ran/);
    // Results do not depend on the threads.
    const isoLosses = await losses(page);
    expect(isoLosses.length).toBe(plainLosses.length);
    for (let i = 0; i < isoLosses.length; i++) expect(isoLosses[i]).toBeCloseTo(plainLosses[i]!, 5);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the opt-in service worker makes the header-less host cross-origin isolated', async () => {
    const errors: string[] = [];
    const { context, page } = await freshPage(browser, errors, []);
    await page.goto(`${plain.url}editor.html`);
    await editorReady(page);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), page.click('[data-testid="coi-enable"]')]);
    await editorReady(page);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const threads = page.locator('[data-testid="threads"]');
    expect(Number(await threads.getAttribute('data-threads'))).toBeGreaterThan(1);
    expect(await threads.textContent()).toContain('(service worker)');
    await Promise.all([page.waitForEvent('load'), page.click('[data-testid="coi-disable"]')]);
    await editorReady(page);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a plugin example opens in one click from the landing page: its bundled plugin is named in the link', async () => {
    const errors: string[] = [];
    const { context, page } = await freshPage(browser, errors, []);
    await page.goto(plain.url);
    const href = await page.locator('a[data-file="plugin-dale.json"]').getAttribute('href');
    expect(href).toContain('&plugin=cortexflow-plugin-dale');
    await page.click('a[data-file="plugin-dale.json"]');
    await page.waitForURL(/editor\.html/);
    await editorReady(page);
    const doc = await app(page);
    expect(doc.nodes.some((n) => n.type.startsWith('dale.'))).toBe(true);
    expect(await page.locator('[data-testid="problem"]').count()).toBe(0);
    // Shared on, the link names the plugin again.
    await page.click('[data-testid="share"]');
    expect(await page.locator('[data-testid="share-url"]').inputValue()).toMatch(
      /editor\.html\?plugin=cortexflow-plugin-dale#p=/,
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('?pipeline= errors say what and where: missing file, another origin without CORS', async () => {
    const { context, page } = await freshPage(browser, [], []);
    await page.goto(`${plain.url}editor.html?pipeline=examples/nope.json`);
    await editorReady(page);
    await expect
      .poll(() => page.locator('[data-testid="problem"]').textContent())
      .toMatch(/Could not open examples\/nope\.json \(this site\).*answered 404/s);
    const other = `${isolated.url}examples/and-task.json`;
    await page.goto(`${plain.url}editor.html?pipeline=${encodeURIComponent(other)}`);
    await editorReady(page);
    await expect
      .poll(() => page.locator('[data-testid="problem"]').textContent())
      .toMatch(/another site: http:\/\/127\.0\.0\.1:\d+.*Access-Control-Allow-Origin/s);
    await context.close();
  });
});
