/**
 * Documents beyond the documented limits (core/limits.ts: nesting 64, 10,000 nodes) opened in the
 * editor, in real Chromium, through every way the editor opens a document: the Open… file input, a
 * file dropped on the canvas, a `#p=` link (also pasted into the address bar of an open editor) and
 * the autosave restored on the next visit; and JSON pasted into a param field. Each must show the
 * CLI's own validation message (the JSON path and the limit), raise no page error, and lose nothing:
 * the graph on the canvas stays, and an autosave that cannot be opened is kept, not overwritten by
 * an example. (The canvas's Ctrl+V pastes nodes copied from the canvas itself, which the loader has
 * already checked: no document text comes in that way.)
 * Screenshots go to test-artifacts/editor-limits/.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { artifactDir, browserAvailable, launchBrowser } from './browser.ts';
import { editorReady, openEditorPage, startEditor, type EditorServer } from './editor-server.ts';
import { encodePipeline } from '../../editor/src/share.ts';
import { AUTOSAVE_KEY, REFUSED_AUTOSAVE_KEY } from '../../editor/src/autosave-keys.ts';
import { MAX_DOCUMENT_DEPTH, MAX_NODES } from '../../core/limits.ts';

const run = promisify(execFile);
const hasBrowser = browserAvailable();
const shots = artifactDir('editor-limits');
const work = mkdtempSync(join(tmpdir(), 'cortexflow-e2e-limits-'));

/** A valid one-node pipeline whose `samples` param is `value`. */
function pipeline(name: string, value: string): string {
  return `{"format":"cortexflow/pipeline","version":1,"name":${JSON.stringify(name)},"nodes":[{"id":"task","type":"task.and","params":{"samples":${value}}}],"edges":[]}`;
}
/** `depth` nested arrays around 0, as text (a value this deep cannot be built recursively). */
const nested = (depth: number) => '['.repeat(depth) + '0' + ']'.repeat(depth);

const deepText = pipeline('just too deep', nested(MAX_DOCUMENT_DEPTH)); // document 1 + nodes 2 + node 3 + params 4: 68 levels
const deeperText = pipeline('hostile depth', nested(100_000));
const manyText = JSON.stringify({
  format: 'cortexflow/pipeline',
  version: 1,
  name: 'too many nodes',
  nodes: Array.from({ length: MAX_NODES + 1 }, (_, i) => ({ id: `n${i}`, type: 'task.and' })),
  edges: [],
});

/** What `cortexflow validate FILE` says about it (exit 2), without its first line (the file name). */
async function cliMessage(file: string): Promise<string[]> {
  const r = await run(process.execPath, ['bin/cortexflow.mjs', 'validate', file]).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => e,
  );
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toContain('invalid pipeline');
  return lines.slice(1);
}

interface Doc {
  name: string;
  nodes: Array<{ id: string; type: string; params: Record<string, unknown> }>;
  edges: unknown[];
}
const doc = (page: Page) =>
  page.evaluate(() => (window as unknown as { cortexflow: { document(): Doc } }).cortexflow.document());
const problemText = async (page: Page) => (await page.locator('[data-testid="problem"]').textContent()) ?? '';

describe.skipIf(!hasBrowser)('editor: documents beyond the limits (Chromium)', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const files: Record<string, string> = {};
  const cli: Record<string, string[]> = {};

  beforeAll(async () => {
    for (const [name, text] of Object.entries({ deep: deepText, deeper: deeperText, many: manyText })) {
      files[name] = join(work, `${name}.json`);
      writeFileSync(files[name], text);
      cli[name] = await cliMessage(files[name]);
    }
    server = await startEditor();
    browser = await launchBrowser();
    ({ page } = await openEditorPage(browser, server.url, errors));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the CLI message names the path and the limit (what the editor must show)', () => {
    expect(cli['deep']).toEqual([
      `nodes[0].params.samples${'[0]'.repeat(MAX_DOCUMENT_DEPTH - 4)}: nested more than 64 levels deep; a pipeline document nests at most 64 levels`,
    ]);
    expect(cli['deeper']).toEqual(cli['deep']); // the path stops at the limit, however deep the file goes
    expect(cli['many']).toEqual(['nodes: 10001 nodes; a pipeline has at most 10000 nodes']);
  });

  async function expectRefused(source: string, which: string, before: Doc): Promise<void> {
    await expect.poll(() => page.locator('[data-testid="problem"]').count()).toBe(1);
    await expect.poll(() => problemText(page)).toContain(`Could not open ${source}; the graph was left unchanged`);
    const text = await problemText(page);
    for (const line of cli[which] ?? []) expect(text).toContain(line);
    expect(await doc(page)).toEqual(before);
    expect(await page.locator('cf-node[data-node-id]').count()).toBe(before.nodes.length);
    expect(errors).toEqual([]);
  }

  async function dismiss(): Promise<void> {
    await page.click('[data-testid="problem"] button');
    await expect.poll(() => page.locator('[data-testid="problem"]').count()).toBe(0);
  }

  it('Open…: a document nested one level too deep', async () => {
    const before = await doc(page);
    expect(before.nodes.length).toBeGreaterThan(0); // the first-visit example: something to lose
    await page.setInputFiles('[data-testid="open-input"]', files['deep'] as string);
    await expectRefused('"deep.json"', 'deep', before);
    await page.screenshot({ path: join(shots, '01-open-too-deep.png') });
    await dismiss();
  });

  it('Open…: 10,001 nodes', async () => {
    const before = await doc(page);
    await page.setInputFiles('[data-testid="open-input"]', files['many'] as string);
    await expectRefused('"many.json"', 'many', before);
    await page.screenshot({ path: join(shots, '02-open-too-many-nodes.png') });
    await dismiss();
  });

  it('a file dropped on the canvas: nested 100,000 levels deep', async () => {
    const before = await doc(page);
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'deeper.json', { type: 'application/json' }));
      const canvas = document.querySelector('[data-testid="canvas"]') as HTMLElement;
      canvas.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      canvas.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, deeperText);
    await expectRefused('"deeper.json"', 'deeper', before);
    await page.screenshot({ path: join(shots, '03-drop-hostile-depth.png') });
    await dismiss();
  });

  it('a #p= link pasted into the address bar of the open editor', async () => {
    const before = await doc(page);
    const data = await encodePipeline(JSON.parse(deepText));
    await page.evaluate((d) => (window.location.hash = `p=${d}`), data);
    await expect.poll(() => problemText(page)).toContain('Could not open the link');
    const text = await problemText(page);
    for (const line of cli['deep'] ?? []) expect(text).toContain(line);
    expect(await doc(page)).toEqual(before);
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(shots, '04-link-too-deep.png') });
    await dismiss();
  });

  it('a param pasted as JSON nested beyond the limit is refused in its field; the graph keeps its value', async () => {
    const mux = JSON.stringify({
      format: 'cortexflow/pipeline',
      version: 1,
      name: 'mux',
      nodes: [
        { id: 'and', type: 'task.and', params: {} },
        { id: 'mux', type: 'context.mux', params: { levels: { and: 1 } } },
      ],
      edges: [{ from: { node: 'and', port: 'dataset' }, to: { node: 'mux', port: 'tasks' } }],
    });
    writeFileSync(join(work, 'mux.json'), mux);
    await page.setInputFiles('[data-testid="open-input"]', join(work, 'mux.json'));
    await expect.poll(async () => (await doc(page)).name).toBe('mux');
    await page.click('cf-node[data-node-id="mux"] .node-head');
    const field = page.locator('cf-params [data-param="levels"]');
    for (const depth of [MAX_DOCUMENT_DEPTH, 100_000]) {
      await field.fill(`{"and":${nested(depth)}}`);
      await field.press('Tab');
      await expect
        .poll(() => field.evaluate((e) => (e as HTMLTextAreaElement).validationMessage))
        .toMatch(/nested more than 64 levels deep/);
      expect((await doc(page)).nodes[1]?.params['levels']).toEqual({ and: 1 });
    }
    await page.screenshot({ path: join(shots, '05-param-too-deep.png') });
    // The field's limit is the loader's: one level less is taken, and the CLI finds no nesting
    // problem in the saved document; that one level more is what the field refused.
    for (const [depth, refused] of [
      [MAX_DOCUMENT_DEPTH - 5, false],
      [MAX_DOCUMENT_DEPTH - 4, true],
    ] as const) {
      await field.fill(`{"and":${nested(depth)}}`);
      await field.press('Tab');
      const message = await field.evaluate((e) => (e as HTMLTextAreaElement).validationMessage);
      expect(message.includes('nested more than 64 levels deep')).toBe(refused);
      const saved = await doc(page);
      (saved.nodes[1] as { params: Record<string, unknown> }).params['levels'] = JSON.parse(`{"and":${nested(depth)}}`);
      const file = join(work, `mux-${depth}.json`);
      writeFileSync(file, JSON.stringify(saved));
      const r = await run(process.execPath, ['bin/cortexflow.mjs', 'validate', file]).then(
        () => '',
        (e: { stderr: string }) => e.stderr,
      );
      expect(r.includes('nested more than 64 levels deep'), r).toBe(refused);
    }
    expect(errors).toEqual([]);
    // A valid edit still goes through.
    await field.fill('{"and": 2}');
    await field.press('Tab');
    await expect.poll(async () => (await doc(page)).nodes[1]?.params['levels']).toEqual({ and: 2 });
    expect(await field.evaluate((e) => (e as HTMLTextAreaElement).validationMessage)).toBe('');
  });

  it('an autosave that cannot be opened is reported and kept, not replaced by an example', async () => {
    // As if the last visit had left a document beyond the limits in the autosave (an older version,
    // another tab, a hand edit): the next visit must say why it is not restored and keep it.
    await page.evaluate(([key, text]) => localStorage.setItem(key as string, text as string), [AUTOSAVE_KEY, deepText]);
    await page.goto(server.url);
    await editorReady(page);
    await expect.poll(() => problemText(page)).toContain('Could not open the autosaved graph');
    const text = await problemText(page);
    for (const line of cli['deep'] ?? []) expect(text).toContain(line);
    await page.screenshot({ path: join(shots, '06-autosave-too-deep.png') });
    // Nothing the user had is lost: no example was opened over it, and the refused text is kept
    // where no later autosave writes, across reloads and after the user starts afresh.
    expect((await doc(page)).nodes).toEqual([]);
    const stored = () =>
      page.evaluate(
        ([a, r]) => [localStorage.getItem(a as string), localStorage.getItem(r as string)],
        [AUTOSAVE_KEY, REFUSED_AUTOSAVE_KEY],
      );
    expect(await stored()).toEqual([deepText, deepText]);
    await page.reload();
    await editorReady(page);
    await expect.poll(() => problemText(page)).toContain('Could not open the autosaved graph');
    await page.click('[data-testid="new"]');
    await page.waitForTimeout(600); // autosave runs 250 ms after a change
    const [autosave, refused] = await stored();
    expect(refused).toBe(deepText);
    expect(JSON.parse(autosave as string)).toMatchObject({ nodes: [] });
    expect(errors).toEqual([]);
  });

  it('leaves no page error behind', () => {
    expect(errors).toEqual([]);
    expect(readFileSync(files['deep'] as string, 'utf8')).toBe(deepText);
  });
});
