/**
 * The safe file reader against the hostile paths of issue 14 (item 2): each is refused before a
 * byte is read or while reading, with a message that names the path and never shows the contents.
 * The same paths go through `model.load` and `dataset.load` (their tests reuse these cases).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canMkfifo, hostilePaths, secretBytes } from '../../test/fixtures/hostile-files.ts';
import { describeContent, fetchSafe, FileReadError, maxReadBytes, readFileSafe, urlsAllowed } from './files.ts';

describe('readFileSafe', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cf-files-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a regular file bit-exactly, and an empty one as no bytes', async () => {
    const { bytes } = secretBytes(1);
    await writeFile(join(dir, 'ok.bin'), bytes);
    expect(Array.from(await readFileSafe(join(dir, 'ok.bin')))).toEqual(Array.from(bytes));
    await writeFile(join(dir, 'empty'), '');
    expect((await readFileSafe(join(dir, 'empty'))).length).toBe(0);
    await expect(readFileSafe(join(dir, 'missing'))).rejects.toThrow(/no file at .*missing/);
  });

  it.runIf(canMkfifo)('refuses every hostile path before reading, naming it', async () => {
    const cases = await hostilePaths(dir);
    expect(cases.length).toBeGreaterThanOrEqual(4);
    for (const [, path, message] of cases) {
      const err = await readFileSafe(path, { maxBytes: 2 ** 20 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, path).toBeInstanceOf(FileReadError);
      expect((err as Error).message, path).toMatch(message);
    }
  });

  it('the limit is checked on the size before reading, and is configurable', async () => {
    await writeFile(join(dir, 'k.bin'), new Uint8Array(3000));
    await expect(readFileSafe(join(dir, 'k.bin'), { maxBytes: 2999 })).rejects.toThrow(
      /over the 0\.003 MiB read limit/,
    );
    expect((await readFileSafe(join(dir, 'k.bin'), { maxBytes: 3000 })).length).toBe(3000);
    const before = process.env['CORTEXFLOW_MAX_READ_MB'];
    try {
      process.env['CORTEXFLOW_MAX_READ_MB'] = '2';
      expect(maxReadBytes()).toBe(2 * 2 ** 20);
      process.env['CORTEXFLOW_MAX_READ_MB'] = 'lots';
      expect(() => maxReadBytes()).toThrow(/CORTEXFLOW_MAX_READ_MB="lots" is not a positive number/);
    } finally {
      if (before === undefined) delete process.env['CORTEXFLOW_MAX_READ_MB'];
      else process.env['CORTEXFLOW_MAX_READ_MB'] = before;
    }
    expect(maxReadBytes()).toBe(1024 * 2 ** 20);
  });

  it('stops when the signal fires', async () => {
    await writeFile(join(dir, 'a.bin'), new Uint8Array(10));
    const c = new AbortController();
    c.abort();
    await expect(readFileSafe(join(dir, 'a.bin'), { signal: c.signal })).rejects.toThrow(
      /reading .*a\.bin was cancelled/,
    );
  });

  it('describes unexpected bytes by size and kind only', () => {
    const { bytes, leaks } = secretBytes(2);
    const d = describeContent(bytes);
    expect(d).toBe('256 bytes of binary data');
    for (const l of leaks) expect(d).not.toContain(l);
    expect(describeContent(new TextEncoder().encode('hello'))).toBe('5 bytes of text');
    expect(describeContent(new Uint8Array(0))).toBe('an empty file');
  });

  it('network URLs: allowed in the browser, refused in Node unless CORTEXFLOW_ALLOW_URLS is set', async () => {
    const before = process.env['CORTEXFLOW_ALLOW_URLS'];
    try {
      delete process.env['CORTEXFLOW_ALLOW_URLS'];
      expect(urlsAllowed('browser')).toBe(true);
      expect(urlsAllowed('node')).toBe(false);
      await expect(fetchSafe('http://127.0.0.1:9/x', { platform: 'node' })).rejects.toThrow(
        /http: URLs are not fetched from the command line unless allowed; run with --allow-urls/,
      );
      process.env['CORTEXFLOW_ALLOW_URLS'] = '1';
      expect(urlsAllowed('node')).toBe(true);
    } finally {
      if (before === undefined) delete process.env['CORTEXFLOW_ALLOW_URLS'];
      else process.env['CORTEXFLOW_ALLOW_URLS'] = before;
    }
    // data: URLs need no network; the size limit holds for them too
    const data = `data:application/octet-stream;base64,${Buffer.from(new Uint8Array(100)).toString('base64')}`;
    expect((await fetchSafe(data, { platform: 'node' })).length).toBe(100);
    await expect(fetchSafe(data, { platform: 'node', maxBytes: 50 })).rejects.toThrow(/over the .* read limit/);
  });
});
