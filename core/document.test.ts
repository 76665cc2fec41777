import { describe, expect, it } from 'vitest';
import { loadPipeline, parsePipelineText } from './document.ts';
import { doc, testRegistry } from '../test/fixtures/blocks.ts';

const reg = testRegistry();
const errorsOf = (raw: unknown) => {
  const r = loadPipeline(raw, reg);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
};

describe('loadPipeline: valid documents', () => {
  it('resolves nodes, fills defaults and wires inputs', () => {
    const r = loadPipeline(
      doc(
        [
          { id: 'a', type: 'test.const', params: { value: 2 } },
          { id: 'b', type: 'test.const' },
          { id: 's', type: 'test.add' },
        ],
        [
          ['a', 'value', 's', 'a'],
          ['b', 'value', 's', 'b'],
        ],
      ),
      reg,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.pipeline.byId.get('b')?.params).toEqual({ value: 1 });
    expect(r.pipeline.byId.get('s')?.inputs).toEqual({
      a: [{ node: 'a', port: 'value' }],
      b: [{ node: 'b', port: 'value' }],
    });
    expect(r.pipeline.document.nodes[1]?.params).toEqual({ value: 1 });
  });
  it('does not mutate the input', () => {
    const raw = doc([{ id: 'b', type: 'test.const' }], []);
    const copy = structuredClone(raw);
    loadPipeline(raw, reg);
    expect(raw).toEqual(copy);
  });
  it('accepts several edges into a multiple input', () => {
    const r = loadPipeline(
      doc(
        [
          { id: 'a', type: 'test.const' },
          { id: 'b', type: 'test.const' },
          { id: 's', type: 'test.sum' },
        ],
        [
          ['a', 'value', 's', 'values'],
          ['b', 'value', 's', 'values'],
        ],
      ),
      reg,
    );
    expect(r.ok).toBe(true);
  });
});

describe('loadPipeline: one test per error kind', () => {
  it('not an object / wrong format / newer version', () => {
    expect(errorsOf(42)[0]).toMatchObject({ path: '', code: 'format' });
    expect(errorsOf({ format: 'x' })[0]).toMatchObject({
      path: 'format',
      message: 'expected "cortexflow/pipeline", got "x"',
    });
    expect(errorsOf({ ...doc([], []), version: 9 })[0]).toMatchObject({ path: 'version', code: 'version' });
  });
  it('bad structure names the path', () => {
    const e = errorsOf({ ...doc([], []), nodes: [{ id: 'a' }] });
    expect(e[0]).toMatchObject({ path: 'nodes[0].type', code: 'schema' });
    const e2 = errorsOf({ ...doc([], []), edges: [{ from: { node: 'a', port: 'x' }, to: { node: 'b' } }] });
    expect(e2[0]).toMatchObject({ path: 'edges[0].to.port', code: 'schema' });
  });
  it('unknown block type with a did-you-mean', () => {
    const e = errorsOf(doc([{ id: 'a', type: 'test.cosnt' }], []));
    expect(e[0]).toEqual({
      path: 'nodes[0].type',
      message: 'unknown block type "test.cosnt"; did you mean "test.const"?',
      code: 'unknown-type',
    });
  });
  it('unknown type in a pipeline that names plugins says how to load them', () => {
    const e = errorsOf({ ...doc([{ id: 'a', type: 'dale.ctrnn' }], []), plugins: ['cortexflow-plugin-dale'] });
    expect(e[0]?.message).toContain('--plugin');
    expect(e[0]?.message).toContain('cortexflow-plugin-dale');
  });
  it('unknown param', () => {
    const e = errorsOf(doc([{ id: 'a', type: 'test.const', params: { valeu: 3 } }], []));
    expect(e[0]).toMatchObject({ path: 'nodes[0].params.valeu', code: 'param' });
    expect(e[0]?.message).toContain('unknown param "valeu"; expected one of: value');
  });
  it('out-of-range param', () => {
    const e = errorsOf(doc([{ id: 'a', type: 'test.slow', params: { steps: 0 } }], []));
    expect(e[0]).toEqual({
      path: 'nodes[0].params.steps',
      message: 'expected an integer in [1, 1000], got 0',
      code: 'param',
    });
  });
  it('dangling edge', () => {
    const e = errorsOf(
      doc(
        [
          { id: 'a', type: 'test.const' },
          { id: 's', type: 'test.sum' },
        ],
        [['a', 'value', 'ss', 'values']],
      ),
    );
    expect(e[0]).toMatchObject({ path: 'edges[0].to.node', code: 'dangling-edge' });
    expect(e[0]?.message).toContain('did you mean "s"');
  });
  it('unknown port', () => {
    const e = errorsOf(
      doc(
        [
          { id: 'a', type: 'test.const' },
          { id: 's', type: 'test.sum' },
        ],
        [['a', 'val', 's', 'values']],
      ),
    );
    expect(e[0]).toEqual({
      path: 'edges[0].from.port',
      message: 'block "test.const" has no output "val"; expected one of: value',
      code: 'unknown-port',
    });
  });
  it('incompatible port types', () => {
    const e = errorsOf(
      doc(
        [
          { id: 'j', type: 'test.json' },
          { id: 's', type: 'test.sum' },
        ],
        [['j', 'data', 's', 'values']],
      ),
    );
    expect(e[0]).toMatchObject({ path: 'edges[0].to.port', code: 'incompatible' });
    expect(e[0]?.message).toContain('a Json output cannot feed an input that expects Number');
  });
  it('several edges into a single input', () => {
    const e = errorsOf(
      doc(
        [
          { id: 'a', type: 'test.const' },
          { id: 'b', type: 'test.const' },
          { id: 's', type: 'test.add' },
        ],
        [
          ['a', 'value', 's', 'a'],
          ['b', 'value', 's', 'a'],
          ['b', 'value', 's', 'b'],
        ],
      ),
    );
    expect(e[0]).toMatchObject({ path: 'edges[1].to', code: 'single-input' });
    expect(e[0]?.message).toContain('already has one (edges[0])');
  });
  it('duplicate ids', () => {
    const e = errorsOf(
      doc(
        [
          { id: 'a', type: 'test.const' },
          { id: 'a', type: 'test.const' },
        ],
        [],
      ),
    );
    expect(e[0]).toEqual({
      path: 'nodes[1].id',
      message: 'duplicate node id "a" (first used at nodes[0])',
      code: 'duplicate-id',
    });
  });
  it('unconnected required input', () => {
    const e = errorsOf(
      doc(
        [
          { id: 'a', type: 'test.const' },
          { id: 's', type: 'test.add' },
        ],
        [['a', 'value', 's', 'a']],
      ),
    );
    expect(e[0]).toMatchObject({ path: 'nodes[1]', code: 'missing-input' });
    expect(e[0]?.message).toContain('input "b"');
    expect(loadPipeline(doc([{ id: 's', type: 'test.add' }], []), reg, { allowIncomplete: true }).ok).toBe(true);
  });
  it('cycles name the nodes in the cycle', () => {
    const e = errorsOf(
      doc(
        [
          { id: 'x', type: 'test.slow' },
          { id: 'y', type: 'test.slow' },
          { id: 'z', type: 'test.slow' },
          { id: 'w', type: 'test.slow' },
        ],
        [
          ['x', 'value', 'y', 'x'],
          ['y', 'value', 'z', 'x'],
          ['z', 'value', 'x', 'x'],
        ],
      ),
    );
    expect(e).toHaveLength(1);
    expect(e[0]).toEqual({
      path: 'edges',
      message: 'cycle: x -> y -> z -> x; a pipeline must be acyclic',
      code: 'cycle',
    });
  });
  it('block validate hooks report on the param', () => {
    const e = errorsOf(doc([{ id: 'r', type: 'test.renamed', params: { samples: 13 } }], []));
    expect(e[0]).toEqual({
      path: 'nodes[0].params.samples',
      message: 'unlucky: choose anything but 13',
      code: 'param',
    });
  });
  it('reports all problems at once', () => {
    const e = errorsOf(
      doc(
        [
          { id: 'a', type: 'test.const', params: { value: 'x' } },
          { id: 'b', type: 'nope.nope' },
        ],
        [],
      ),
    );
    expect(e.map((x) => x.path).sort()).toEqual(['nodes[0].params.value', 'nodes[1].type']);
  });
});

describe('migrations', () => {
  it('loads an older block version whose param was renamed', () => {
    const r = loadPipeline(doc([{ id: 'r', type: 'test.renamed', version: 1, params: { count: 7 } }], []), reg);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.pipeline.byId.get('r')?.params).toEqual({ samples: 7 });
    expect(r.pipeline.document.nodes[0]?.version).toBe(2);
    expect(r.warnings[0]).toContain('migrated from test.renamed v1 to v2');
  });
  it('refuses a block version newer than installed', () => {
    const e = errorsOf(doc([{ id: 'r', type: 'test.renamed', version: 3 }], []));
    expect(e[0]).toMatchObject({ path: 'nodes[0].version', code: 'block-version' });
  });
  it('migrates the document format forward', () => {
    // Pretend the current format is version 2 and version 1 wrote edges as "node.port -> node.port"
    // strings: a version-1 file must load through the migration.
    const old = {
      ...doc(
        [
          { id: 'a', type: 'test.const' },
          { id: 'b', type: 'test.const' },
          { id: 's', type: 'test.add' },
        ],
        [],
      ),
    };
    old['edges'] = ['a.value -> s.a', 'b.value -> s.b'];
    const migrations = {
      1: (d: Record<string, unknown>) => ({
        ...d,
        edges: (d['edges'] as string[]).map((e) => {
          const [from, to] = e.split(' -> ') as [string, string];
          const [fn, fp] = from.split('.') as [string, string];
          const [tn, tp] = to.split('.') as [string, string];
          return { from: { node: fn, port: fp }, to: { node: tn, port: tp } };
        }),
      }),
    };
    const r = loadPipeline(old, reg, { currentVersion: 2, migrations });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings).toContain('document migrated from version 1 to 2');
    expect(r.pipeline.document.version).toBe(2);
    expect(r.pipeline.byId.get('s')?.inputs['b']).toEqual([{ node: 'b', port: 'value' }]);
    const missing = loadPipeline({ ...doc([], []) }, reg, { currentVersion: 2, migrations: {} });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.errors[0]?.message).toBe('no migration from document version 1 to 2');
  });
});

describe('parsePipelineText', () => {
  it('says where the JSON is broken', () => {
    const r = parsePipelineText('{\n  "format": "cortexflow/pipeline",\n  "nodes": [\n}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/not valid JSON at line 4/);
  });
});
