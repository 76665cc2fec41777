/**
 * model.load against hostile paths (issue 14, item 2): FIFOs, devices, directories, /proc files, files
 * over the limit are refused with the path named; file contents are never echoed; http(s) URLs are
 * refused in Node without the opt-in; a cancelled run stops reading.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBlock } from '../../core/testing.ts';
import { canMkfifo, hostilePaths, secretBytes } from '../../test/fixtures/hostile-files.ts';
import { loadModelFile, modelLoad } from './load.ts';

async function failure(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'no error',
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
}

describe('model.load and hostile paths', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cf-load-hostile-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.runIf(canMkfifo)(
    'refuses FIFOs, /dev/zero, directories without model.json, /proc files and big files',
    async () => {
      for (const [name, path, message] of await hostilePaths(dir)) {
        if (name === 'a directory') {
          // a folder is read as "the folder holding a model.json"
          expect(await failure(loadModelFile(path))).toMatch(/holds no model\.json/);
          continue;
        }
        expect(await failure(loadModelFile(path, { maxBytes: 2 ** 20 })), name).toMatch(message);
      }
      // through the block (the default limit, 1024 MiB, is above the sparse file: a FIFO is enough here)
      expect(await failure(runBlock(modelLoad, { params: { path: join(dir, 'pipe') } }))).toMatch(
        /path: .*pipe is a FIFO \(named pipe\), not a regular file/,
      );
      expect(await failure(runBlock(modelLoad, { params: { path: '/dev/zero' } }))).toMatch(/character device/);
    },
  );

  it('never echoes a file it cannot read as a model: text, binary, JSON-looking', async () => {
    const { bytes, leaks } = secretBytes(7);
    const jsonish = new TextEncoder().encode('{"format": "root:$6$SECRETSALT$hash:19000:0:99999:7:::", bad json');
    const files: Array<[string, Uint8Array]> = [
      ['shadow', new TextEncoder().encode('root:$6$SECRETSALT$hash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n')],
      ['random.bin', bytes],
      ['broken.json', jsonish],
    ];
    for (const [name, content] of files) {
      await writeFile(join(dir, name), content);
      const msg = await failure(runBlock(modelLoad, { params: { path: join(dir, name) } }));
      expect(msg, name).toMatch(new RegExp(`${name.replace('.', '\\.')}`));
      for (const l of leaks) expect(msg, `${name} leaks ${l}`).not.toContain(l);
    }
  });

  it('refuses http(s) URLs in Node unless CORTEXFLOW_ALLOW_URLS is set', async () => {
    const before = process.env['CORTEXFLOW_ALLOW_URLS'];
    delete process.env['CORTEXFLOW_ALLOW_URLS'];
    try {
      expect(
        await failure(
          runBlock(modelLoad, { params: { path: 'http://127.0.0.1:9/model.json' }, env: { platform: 'node' } }),
        ),
      ).toMatch(/path: http: URLs are not fetched from the command line unless allowed; run with --allow-urls/);
      expect(
        await failure(runBlock(modelLoad, { params: { path: 'https://example.org/x.h5' }, env: { platform: 'node' } })),
      ).toMatch(/https: URLs are not fetched/);
    } finally {
      if (before !== undefined) process.env['CORTEXFLOW_ALLOW_URLS'] = before;
    }
  });

  it('stops reading when cancelled', async () => {
    await writeFile(join(dir, 'm.json'), '{}');
    const c = new AbortController();
    c.abort();
    expect(await failure(loadModelFile(join(dir, 'm.json'), { signal: c.signal }))).toMatch(/was cancelled/);
  });
});
