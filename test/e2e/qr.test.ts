/**
 * The orthogonal initialiser's blocked QR gives the same float32 weights in Node (WebAssembly), in a
 * Chromium Web Worker (WebAssembly: where the editor creates models) and on a Chromium page's main
 * thread (the TypeScript twin, if the page refuses to compile the module synchronously).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { browserAvailable, launchBrowser } from './browser.ts';
import { qrCase, type QrCase } from './qr-case.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const run = browserAvailable();

describe.skipIf(!run)('orthogonal init in Chromium', () => {
  let browser: Browser | undefined;
  let server: ViteDevServer | undefined;
  beforeAll(async () => {
    const { createServer } = await import('vite');
    server = await createServer({
      configFile: `${repo}editor/vite.config.ts`,
      server: { port: 0, host: '127.0.0.1' },
      logLevel: 'error',
    });
    await server.listen();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the same weights as Node, on the page and in a Web Worker', async () => {
    const url = server?.resolvedUrls?.local[0];
    if (!url || !browser) throw new Error('no dev server or browser');
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    // Strings, so vitest's transform does not rewrite the page's dynamic import.
    const onPage = await page.evaluate<QrCase>(
      `import(${JSON.stringify(`/@fs${repo}test/e2e/qr-case.ts`)}).then((m) => m.qrCase())`,
    );
    const inWorker = await page.evaluate<QrCase>(
      `new Promise((resolve, reject) => {
        const w = new Worker(${JSON.stringify(`/@fs${repo}test/e2e/qr-worker.ts`)}, { type: 'module' });
        w.onmessage = (e) => resolve(e.data);
        w.onerror = (e) => reject(new Error(e.message));
      })`,
    );
    const inNode = qrCase();
    expect(inNode.engine).toBe('wasm');
    expect(inWorker.engine).toBe('wasm');
    expect(inWorker).toEqual(inNode);
    expect(onPage.hash).toBe(inNode.hash);
    expect(errors).toEqual([]);
    console.log(`orthogonal init: page main thread ran the ${onPage.engine} engine`);
  });
});
