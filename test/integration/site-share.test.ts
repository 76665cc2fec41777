/**
 * The static site's pure parts, in Node: pipelines as links (share.ts) and the thread decision
 * (isolation.ts). The browser side is test/e2e/site.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodePipeline,
  describeSource,
  encodePipeline,
  fetchPipeline,
  MAX_FETCH_BYTES,
  requestedPlugins,
  shareLink,
  sharedRequest,
} from '../../editor/src/share.ts';
import { poolThreads, threadSupport, threadsInBackend, threadsNote } from '../../editor/src/isolation.ts';

const and = JSON.parse(readFileSync('examples/and-task.json', 'utf8')) as unknown;
const PAGE = 'https://host.example/some/path/editor.html';

describe('pipelines in links', () => {
  it('round-trips every example, and the link is much shorter than the JSON', async () => {
    const link = await shareLink(and, `${PAGE}?pipeline=x.json#old`);
    expect(link.startsWith(`${PAGE}#p=`)).toBe(true);
    const req = sharedRequest(link);
    expect(req?.kind).toBe('link');
    if (req?.kind !== 'link') return;
    expect(JSON.parse(await decodePipeline(req.data))).toEqual(and);
    expect(req.data.length).toBeLessThan(JSON.stringify(and).length / 2);
    expect(req.data).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('names the bundled plugins a pipeline needs in the link', async () => {
    const doc = { format: 'cortexflow/pipeline', plugins: ['cortexflow-plugin-dale'], nodes: [] };
    const link = await shareLink(doc, PAGE);
    expect(link).toMatch(/editor\.html\?plugin=cortexflow-plugin-dale#p=/);
    expect(requestedPlugins(link)).toEqual(['cortexflow-plugin-dale']);
    expect(requestedPlugins(PAGE)).toEqual([]);
  });

  it('keeps unicode text intact', async () => {
    const doc = { name: 'τ = 10 ms · λ > 1 · 実験', nodes: [] };
    expect(JSON.parse(await decodePipeline(await encodePipeline(doc)))).toEqual(doc);
  });

  it('refuses cut or altered links with a message, not a stack trace', async () => {
    const data = await encodePipeline(and);
    await expect(decodePipeline(data.slice(0, data.length - 30))).rejects.toThrow(/does not decompress/);
    await expect(decodePipeline('abc$%')).rejects.toThrow(/not base64url/);
    await expect(decodePipeline('')).rejects.toThrow(/empty/);
  });

  it('reads ?pipeline= relative to the page, says where a file comes from, and refuses other schemes', () => {
    const same = sharedRequest(`${PAGE}?pipeline=examples%2Fand-task.json`);
    expect(same).toMatchObject({ kind: 'url', crossOrigin: false });
    if (same?.kind === 'url') {
      expect(same.url.href).toBe('https://host.example/some/path/examples/and-task.json');
      expect(describeSource(same, PAGE)).toBe('examples/and-task.json (this site)');
    }
    const other = sharedRequest(`${PAGE}?pipeline=${encodeURIComponent('https://elsewhere.org/s.json')}`);
    expect(other).toMatchObject({ kind: 'url', crossOrigin: true });
    if (other?.kind === 'url')
      expect(describeSource(other, PAGE)).toBe('https://elsewhere.org/s.json (another site: https://elsewhere.org)');
    expect(sharedRequest(`${PAGE}?pipeline=javascript:alert(1)`)).toMatchObject({
      kind: 'bad',
      message: /only http and https/,
    });
    expect(sharedRequest(`${PAGE}?pipeline=`)).toMatchObject({ kind: 'bad', message: /empty/ });
    expect(sharedRequest(PAGE)).toBeUndefined();
    // A link in the fragment wins over a query.
    expect(sharedRequest(`${PAGE}?pipeline=a.json#p=abc`)?.kind).toBe('link');
  });

  it('fetch errors name the address and what to check', async () => {
    const url = new URL('https://elsewhere.org/s.json');
    const failing = (() => Promise.reject(new TypeError('Failed to fetch'))) as unknown as typeof fetch;
    await expect(fetchPipeline(url, failing)).rejects.toThrow(
      /could not fetch https:\/\/elsewhere\.org\/s\.json .*Access-Control-Allow-Origin/,
    );
    const notFound = (() =>
      Promise.resolve(new Response('no', { status: 404, statusText: 'Not Found' }))) as unknown as typeof fetch;
    await expect(fetchPipeline(url, notFound)).rejects.toThrow('https://elsewhere.org/s.json answered 404 Not Found');
    const huge = (() =>
      Promise.resolve(
        new Response('x', { headers: { 'content-length': String(MAX_FETCH_BYTES + 1) } }),
      )) as unknown as typeof fetch;
    await expect(fetchPipeline(url, huge)).rejects.toThrow(/a pipeline file is at most/);
    const ok = (() => Promise.resolve(new Response('{"a":1}'))) as unknown as typeof fetch;
    expect(await fetchPipeline(url, ok)).toBe('{"a":1}');
  });
});

describe('thread support', () => {
  class SAB {
    constructor(_n: number) {}
  }
  class ThrowingSAB {
    constructor(_n: number) {
      throw new Error('not isolated');
    }
  }

  it('uses every core only when isolated with shared memory', () => {
    const iso = threadSupport({
      crossOriginIsolated: true,
      SharedArrayBuffer: SAB,
      navigator: { hardwareConcurrency: 8 },
    });
    expect(iso).toMatchObject({ isolated: true, sharedMemory: true, cores: 8, threads: 8 });
    expect(iso.reason).toMatch(/8 threads/);
    const plain = threadSupport({ crossOriginIsolated: false, navigator: { hardwareConcurrency: 8 } });
    expect(plain).toMatchObject({ isolated: false, sharedMemory: false, threads: 1 });
    expect(plain.reason).toMatch(/not cross-origin isolated.*1 thread, same results/);
    // Constructor present but unusable (some browsers when not isolated).
    expect(
      threadSupport({
        crossOriginIsolated: true,
        SharedArrayBuffer: ThrowingSAB,
        navigator: { hardwareConcurrency: 4 },
      }).threads,
    ).toBe(1);
    expect(threadSupport({ crossOriginIsolated: true, SharedArrayBuffer: SAB }).threads).toBe(1);
    expect(
      threadSupport({
        crossOriginIsolated: true,
        SharedArrayBuffer: SAB,
        navigator: { hardwareConcurrency: Number.NaN },
      }).cores,
    ).toBe(1);
  });

  it('caps a requested pool at what the page allows', () => {
    const four = threadSupport({
      crossOriginIsolated: true,
      SharedArrayBuffer: SAB,
      navigator: { hardwareConcurrency: 4 },
    });
    expect(poolThreads(undefined, four)).toBe(4);
    expect(poolThreads(0, four)).toBe(4);
    expect(poolThreads(2, four)).toBe(2);
    expect(poolThreads(16, four)).toBe(4);
    expect(poolThreads(16, threadSupport({}))).toBe(1);
  });

  it('the backend line carries the tfjs thread facts to the status bar', () => {
    expect(threadsInBackend(`wasm (SIMD)${threadsNote(1, false)}`)).toEqual({ threads: 1, threadedBuild: false });
    expect(threadsInBackend(`wasm (SIMD)${threadsNote(4, true)}`)).toEqual({ threads: 4, threadedBuild: true });
    expect(threadsInBackend('cpu (no wasm)')).toBeUndefined();
  });
});
