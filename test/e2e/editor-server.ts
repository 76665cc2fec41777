/**
 * Helpers for the editor's browser tests and benchmark: build the editor once into a temporary
 * folder and serve it with `vite preview` on a free localhost port; drive the page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build, preview } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const configFile = resolve(here, '../../editor/vite.config.ts');

/** A free TCP port on localhost. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

export interface EditorServer {
  url: string;
  close(): Promise<void>;
}

/** Build the editor (production build, like `npm start`) and serve it. */
export async function startEditor(): Promise<EditorServer> {
  const outDir = mkdtempSync(join(tmpdir(), 'cortexflow-editor-'));
  await build({ configFile, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const port = await freePort();
  const server = await preview({
    configFile,
    logLevel: 'error',
    build: { outDir },
    preview: { port, host: '127.0.0.1', strictPort: true, open: false },
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      await new Promise<void>((r) => server.httpServer.close(() => r()));
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** Wait until the editor has put its first graph on the canvas. */
export async function editorReady(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const w = window as unknown as { cortexflow?: { ready?: Promise<void>; canvas?: unknown } };
    return w.cortexflow?.canvas !== undefined;
  });
  await page.evaluate(() => (window as unknown as { cortexflow: { ready: Promise<void> } }).cortexflow.ready);
}

/**
 * A fresh 1440 x 900 page on the editor at `url`, ready to use; page errors and console errors are
 * appended to `errors` (the tests assert it stays empty).
 */
export async function openEditorPage(
  browser: Browser,
  url: string,
  errors: string[],
): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await watchedPage(browser, errors);
  await page.goto(url);
  await editorReady(page);
  return { context, page };
}

/**
 * A fresh 1440 x 900 page in a new context (empty cache and storage); page errors and console errors
 * are appended to `errors`.
 */
export async function watchedPage(
  browser: Browser,
  errors: string[],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return { context, page };
}

/** Centre of an element in page coordinates. */
export async function centre(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`no element ${selector}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drag from a node's output socket to another node's input socket, as a user would. */
export async function dragConnection(
  page: Page,
  from: string,
  fromPort: string,
  to: string,
  toPort: string,
): Promise<void> {
  const a = await centre(page, socketSelector(from, 'output', fromPort));
  const b = await centre(page, socketSelector(to, 'input', toPort));
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x, b.y, { steps: 5 });
  await page.mouse.up();
}

export function socketSelector(node: string, side: 'input' | 'output', port: string): string {
  return `cf-node[data-node-id="${node}"] cf-socket[data-side="${side}"][data-key="${port}"] .cf-socket`;
}
