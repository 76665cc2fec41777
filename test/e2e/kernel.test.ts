/**
 * The fused kernel gives the same numbers in Node and in Chromium (served by the editor's Vite dev
 * server, here with the COOP/COEP headers the worker pool's SharedArrayBuffer needs): one loss, a
 * gradient checksum, and a 5-step loss curve on one thread and on a pool of two (Web Workers).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { browserAvailable, launchBrowser } from './browser.ts';
import { kernelCase, type KernelCase } from './kernel-case.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const run = browserAvailable();

describe.skipIf(!run)('fused kernel in Chromium', () => {
  let browser: Browser | undefined;
  let server: ViteDevServer | undefined;
  beforeAll(async () => {
    const { createServer } = await import('vite');
    server = await createServer({ configFile: `${repo}editor/vite.config.ts`, server: { port: 0, host: '127.0.0.1', headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } }, logLevel: 'error' });
    await server.listen();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('same loss, gradient and loss curves (1 thread and 2 Web Workers) as in Node', async () => {
    const url = server?.resolvedUrls?.local[0];
    if (!url || !browser) throw new Error('no dev server or browser');
    const page = await browser.newPage();
    await page.goto(url);
    const isolated = await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true);
    expect(isolated).toBe(true);
    // A string, so vitest's transform does not rewrite the page's dynamic import.
    const path = `/@fs${repo}test/e2e/kernel-case.ts`;
    const inBrowser = await page.evaluate<KernelCase>(`import(${JSON.stringify(path)}).then((m) => m.kernelCase("browser"))`);
    const inNode = await kernelCase('node');
    expect(inBrowser.threads2).toBe(2);
    // Both engines run the fused multiply-add build (Chromium by default, Node through the V8 flag).
    expect(inBrowser.variant).toBe('relaxed');
    expect(inNode.variant).toBe('relaxed');
    expect(inBrowser.loss).toBe(inNode.loss);
    expect(inBrowser.gradSum).toBe(inNode.gradSum);
    expect(inBrowser.curve1).toEqual(inNode.curve1);
    expect(inBrowser.curve2).toEqual(inNode.curve1);
    expect(inNode.curve2).toEqual(inNode.curve1);
  });
});
