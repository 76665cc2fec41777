/**
 * The reproductions of issue 14's validation findings, one test per class: ids that escape or clash,
 * deep nesting, long chains, non-finite numbers, empty ids, echoed megabytes, a BOM, prototype keys
 * in `--set`, and datasets larger than the memory budget.
 */
import { describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import {
  execute,
  loadPipeline,
  MAX_DOCUMENT_DEPTH,
  MAX_NODES,
  parsePipelineText,
  type DocumentError,
} from '../../core/index.ts';
import { applyOverrides } from '../../cli/overrides.ts';
import { builtinRegistry } from '../../nodes/index.ts';
import { doc, testRegistry } from '../fixtures/blocks.ts';
import { chain, nested } from './hostile.ts';

const reg = testRegistry();
const errorsOf = (raw: unknown): DocumentError[] => {
  const r = loadPipeline(raw, reg);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
};
const paramsOf = (type: string) =>
  reg.has(type) ? Object.keys((reg.get(type).params as { properties: object }).properties) : undefined;

describe('node ids', () => {
  it.each([
    '../../x',
    '..',
    'x/../plot-outputs',
    '__proto__',
    'constructor',
    'toString',
    'a\u0000b',
    'x'.repeat(300),
    'manifest.json',
    'manifest',
    'CON',
    '1abc',
    'a b',
  ])('refuses %j at nodes[0].id', (id) => {
    const e = errorsOf(doc([{ id, type: 'test.const' }], []));
    expect(e[0]).toMatchObject({ path: 'nodes[0].id', code: 'node-id' });
    expect(e[0]?.message.length).toBeLessThan(600);
  });
  it('says an empty id is empty', () => {
    expect(errorsOf(doc([{ id: '', type: 'test.const' }], []))[0]?.message).toMatch(/must not be empty/);
  });
  it('refuses ids that differ only in case (one folder on macOS and Windows)', () => {
    const e = errorsOf(doc([{ id: 'Net', type: 'test.const' }, { id: 'net', type: 'test.const' }], []));
    expect(e[0]).toMatchObject({ path: 'nodes[1].id', code: 'duplicate-id' });
  });
  it('echoes at most a few hundred characters of a 10 MB id', () => {
    const e = errorsOf(doc([{ id: 'a'.repeat(10_000_000), type: 'test.const' }], []));
    expect(e[0]?.message.length).toBeLessThan(600);
  });
  it('a port named like an Object member is no port', () => {
    const e = errorsOf(doc([{ id: 'a', type: 'test.const' }, { id: 'b', type: 'test.slow' }], [['a', 'constructor', 'b', 'toString']]));
    expect(e.map((x) => x.path)).toEqual(['edges[0].from.port', 'edges[0].to.port']);
  });
});

describe('nesting and size limits', () => {
  it.each([1e4, 1e5])('a %d-deep param is refused with its path, no stack overflow', (depth) => {
    const e = errorsOf(doc([{ id: 'a', type: 'test.const', params: { value: nested(depth) } }], []));
    expect(e[0]?.code).toBe('limit');
    expect(e[0]?.path.startsWith('nodes[0].params.value')).toBe(true);
    expect(e[0]?.message).toContain(String(MAX_DOCUMENT_DEPTH));
  });
  it('--set with a 10^4-deep value or document is refused, not a RangeError', () => {
    const deepSet = applyOverrides(doc([{ id: 'a', type: 'test.const' }], []), [`a.value=${'['.repeat(1e4)}${']'.repeat(1e4)}`], paramsOf);
    expect(deepSet.ok).toBe(false);
    const deepDoc = { ...doc([{ id: 'a', type: 'test.const' }], []), ui: nested(1e4) };
    expect(applyOverrides(deepDoc, ['a.value=1']).ok).toBe(false);
  });
  it('a 5,000-node chain validates and a 5,000-node cycle is found, both without recursion', () => {
    expect(loadPipeline(chain(5000), reg).ok).toBe(true);
    const cyc = chain(5000);
    (cyc['edges'] as unknown[]).push({ from: { node: 'n4999', port: 'value' }, to: { node: 'n0', port: 'x' } });
    const r = loadPipeline(cyc, reg);
    expect(!r.ok && r.errors[0]?.code).toBe('cycle');
  });
  it('a 2,000-node chain whose first node fails finishes with every other node skipped', async () => {
    const d = chain(2000);
    (d['nodes'] as Array<Record<string, unknown>>)[0] = { id: 'n0', type: 'test.fail' };
    const r = loadPipeline(d, reg);
    if (!r.ok) throw new Error('expected a valid chain');
    const events = await lastValueFrom(execute(r.pipeline).pipe(toArray()));
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', data: { status: 'failed', counts: { failed: 1, skipped: 1999 } } });
  });
  it(`more than ${MAX_NODES} nodes are refused at "nodes"`, () => {
    expect(errorsOf(chain(MAX_NODES + 1))[0]).toMatchObject({ path: 'nodes', code: 'limit' });
  });
});

describe('numbers, text and files', () => {
  it('1e999 is reported as too large, not as null', () => {
    const parsed = parsePipelineText(JSON.stringify(doc([{ id: 'a', type: 'test.const' }], [])).replace('"test.const"', '"test.const","params":{"value":1e999}'));
    if (!parsed.ok) throw new Error('parse');
    const m = errorsOf(parsed.value)[0]?.message ?? '';
    expect(m).toMatch(/too large/);
    expect(m).not.toMatch(/got null/);
  });
  it('a 1 MB unknown param key is echoed capped, in the message and the path', () => {
    const key = 'k'.repeat(1_000_000);
    const e = errorsOf(doc([{ id: 'a', type: 'test.const', params: { [key]: 1 } }], []));
    expect(e[0]?.message.length).toBeLessThan(600);
    expect(e[0]?.path.length).toBeLessThan(300);
  });
  it('a UTF-8 byte order mark is accepted', () => {
    const r = parsePipelineText(`\uFEFF${JSON.stringify(doc([{ id: 'a', type: 'test.const' }], []))}`);
    expect(r.ok && loadPipeline(r.value, reg).ok).toBe(true);
  });
});

describe('--set keys', () => {
  const raw = doc([{ id: 'net', type: 'test.const' }, { id: 'b', type: 'test.const' }], []);
  it.each(['net.__proto__.x=1', 'net.constructor.prototype.x=1', 'net.prototype=1', 'net.nope=1', 'net..x=1'])(
    '%s is an unknown param, and nothing is written to a prototype',
    (s) => {
      const r = applyOverrides(raw, [s], paramsOf);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors[0]?.message).toMatch(/unknown param/);
      expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    },
  );
  it('names the node and param of a refused override', () => {
    const r = applyOverrides(raw, ['net.nope=1'], paramsOf);
    expect(!r.ok && r.errors[0]).toMatchObject({ path: 'nodes[0].params.nope' });
    expect(!r.ok && r.errors[0]?.node).toBe('net');
  });
});

describe('memory budget', () => {
  it('samples x T too large for a dataset is a validation error on samples, naming T', () => {
    const r = loadPipeline(
      { format: 'cortexflow/pipeline', version: 1, name: 'big', nodes: [{ id: 'task', type: 'task.flip-flop', params: { samples: 1_000_000, T: 100_000 } }], edges: [] },
      builtinRegistry({ onWarning: () => undefined }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ path: 'nodes[0].params.samples', code: 'param' });
    expect(r.errors[0]?.message).toMatch(/samples x T = 1000000 x 100000 .* GiB/);
  });
});
