import { describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import {
  CORE_API_VERSION,
  defineBlock,
  execute,
  input,
  installPlugin,
  loadPipeline,
  loadPlugin,
  NumberPort,
  num,
  PluginError,
  pluginPackageEntry,
  Registry,
  schema,
  type AnyBlock,
  type RunEvent,
} from './index.ts';
import { doc, testRegistry } from '../test/fixtures/blocks.ts';

const block = (type: string, run: () => Promise<{ value: number }> = async () => ({ value: 1 })): AnyBlock =>
  defineBlock({
    type,
    version: 1,
    title: type,
    category: 'Plugin test',
    description: 'A block for plugin tests.',
    inputs: {},
    outputs: { value: NumberPort },
    params: schema({ x: num(0, 10, 1) }),
    run,
  });

/** Everything observable about a registry, to prove a failed install changed nothing. */
function snapshot(r: Registry): unknown {
  return {
    types: r.types(),
    blocks: r.list(),
    ports: r.portTypes().map((p) => p.name),
  };
}

/** Install and return the PluginError, checking the registry did not change. */
function failure(mod: unknown, source = 'plugins/broken.ts'): PluginError {
  const r = testRegistry();
  const before = snapshot(r);
  const builtinConst = r.get('test.const');
  let err: unknown;
  try {
    installPlugin(source, mod, r);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(PluginError);
  expect(snapshot(r)).toEqual(before);
  expect(r.get('test.const')).toBe(builtinConst);
  return err as PluginError;
}

describe('installPlugin: valid plugins', () => {
  it('installs exported blocks, names them, and disposes them again', () => {
    const r = testRegistry();
    const before = snapshot(r);
    const p = installPlugin(
      'x.ts',
      { apiVersion: CORE_API_VERSION, name: 'demo', blocks: [block('demo.a'), block('demo.b')] },
      r,
    );
    expect(p).toMatchObject({ name: 'demo', source: 'x.ts', blocks: ['demo.a', 'demo.b'] });
    expect(r.has('demo.a') && r.has('demo.b')).toBe(true);
    p.dispose();
    expect(snapshot(r)).toEqual(before);
  });

  it('accepts register(registry) and a default-exported plugin object; the name defaults to the source', () => {
    const r = testRegistry();
    const p = installPlugin(
      'my/plugin.ts',
      { default: { apiVersion: 1, register: (reg: Registry) => reg.register(block('demo.reg')) } },
      r,
    );
    expect(p.name).toBe('my/plugin.ts');
    expect(r.has('demo.reg')).toBe(true);
  });

  it('register() sees the registry (has/get/list) without being able to change it directly', () => {
    const r = testRegistry();
    const seen: boolean[] = [];
    installPlugin(
      'p',
      {
        apiVersion: 1,
        blocks: [block('demo.first')],
        register: (reg: Registry) => {
          seen.push(reg.has('test.const'), reg.has('demo.first'), reg.has('demo.nope'));
          reg.registerAll([block('demo.second')]);
        },
      },
      r,
    );
    expect(seen).toEqual([true, true, false]);
    expect(r.has('demo.second')).toBe(true);
  });
});

describe('installPlugin: malformed plugins name the plugin and the problem, and change nothing', () => {
  it('a wrong API version', () => {
    const e = failure({ apiVersion: 2, name: 'future', blocks: [block('f.a')] });
    expect(e.message).toBe(
      'plugin "future": it targets API version 2, but this cortexflow provides version 1; update cortexflow',
    );
    expect(e.plugin).toBe('future');
    expect(failure({ apiVersion: 0, name: 'old', blocks: [block('o.a')] }).message).toContain(
      'use a version of the plugin written for this cortexflow',
    );
    expect(failure({ apiVersion: '1', name: 's', blocks: [block('s.a')] }).message).toContain(
      '"apiVersion" must be an integer',
    );
  });

  it('a missing apiVersion names the source when the plugin has no name', () => {
    const e = failure({ blocks: [block('m.a')] }, 'plugins/noversion.ts');
    expect(e.message).toBe(
      'plugin "plugins/noversion.ts": it does not declare "apiVersion" (this cortexflow provides API version 1)',
    );
  });

  it('a block type that is already registered (built-in)', () => {
    const e = failure({ apiVersion: 1, name: 'clash', blocks: [block('clash.ok'), block('test.const')] });
    expect(e.message).toBe(
      'plugin "clash": block type "test.const" is already registered (by cortexflow or another plugin)',
    );
  });

  it('a block type defined twice by the plugin itself (blocks, or blocks and register)', () => {
    expect(failure({ apiVersion: 1, name: 'twice', blocks: [block('t.a'), block('t.a')] }).message).toBe(
      'plugin "twice": it defines block type "t.a" twice',
    );
    expect(
      failure({
        apiVersion: 1,
        name: 'twice2',
        blocks: [block('t.a')],
        register: (reg: Registry) => reg.register(block('t.a')),
      }).message,
    ).toBe('plugin "twice2": it defines block type "t.a" twice');
  });

  it('a malformed block definition says which block and what is wrong', () => {
    const good = block('mal.good');
    const noRun = { ...good, type: 'mal.norun', run: undefined };
    let e = failure({ apiVersion: 1, name: 'mal', blocks: [good, noRun] });
    expect(e.message).toContain('plugin "mal": blocks[1] ("mal.norun") is malformed: "run" must be a function');
    expect(e.message).toContain('defineBlock');
    e = failure({ apiVersion: 1, name: 'mal2', blocks: [{ ...good, type: 'NoDots' }] });
    expect(e.message).toContain('blocks[0] ("NoDots") is malformed: "type" must look like "family.name"');
    e = failure({ apiVersion: 1, name: 'mal3', blocks: [{ ...good, outputs: { value: { name: 'Number' } } }] });
    expect(e.message).toContain('outputs.value must be a PortType');
    e = failure({ apiVersion: 1, name: 'mal4', blocks: [null] });
    expect(e.message).toContain('blocks[0] is malformed: a block definition must be an object');
    e = failure({
      apiVersion: 1,
      name: 'mal5',
      register: (reg: Registry) => reg.register({ type: 'mal.x' } as unknown as AnyBlock),
    });
    expect(e.message).toContain('a block passed to register() ("mal.x") is malformed');
  });

  it('wrong export shapes', () => {
    expect(failure({ apiVersion: 1, name: 'e1' }).message).toContain('exports neither "blocks"');
    expect(failure({ apiVersion: 1, name: 'e2', blocks: block('e.a') }).message).toContain(
      '"blocks" must be an array of block definitions, got an object',
    );
    expect(failure({ apiVersion: 1, name: 'e3', blocks: [], register: 'yes' }).message).toContain(
      '"register" must be a function',
    );
    expect(failure({ apiVersion: 1, name: 'e4', blocks: [] }).message).toBe('plugin "e4": it defines no blocks');
    expect(failure({ apiVersion: 1, name: '', blocks: [block('e.b')] }, 'src.ts').message).toContain(
      'plugin "src.ts": "name" must be a non-empty string',
    );
    expect(failure(null, 'nothing.ts').message).toBe('plugin "nothing.ts": the module exports nothing usable');
  });

  it('register() that throws, even after registering some blocks', () => {
    const e = failure({
      apiVersion: 1,
      name: 'thrower',
      register: (reg: Registry) => {
        reg.register(block('thrower.a'));
        throw new Error('no GPU found');
      },
    });
    expect(e.message).toBe('plugin "thrower": register() threw: no GPU found');
  });

  it('register() that returns a Promise', () => {
    const e = failure({
      apiVersion: 1,
      name: 'async',
      register: async (reg: Registry) => reg.register(block('async.a')),
    });
    expect(e.message).toContain('plugin "async": register() returned a Promise');
  });
});

describe('loadPlugin', () => {
  it('a module that throws while importing gives an error naming it; the registry is unchanged', async () => {
    const r = testRegistry();
    const before = snapshot(r);
    const err = await loadPlugin('plugins/explodes.ts', () => Promise.reject(new Error('boom at import')), r).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PluginError);
    expect((err as Error).message).toBe('plugin "plugins/explodes.ts": importing it threw: boom at import');
    expect(snapshot(r)).toEqual(before);
  });

  it('installs what the import returned', async () => {
    const r = testRegistry();
    const p = await loadPlugin('ok.ts', async () => ({ apiVersion: 1, blocks: [block('ok.a')] }), r);
    expect(p.blocks).toEqual(['ok.a']);
  });
});

describe('a plugin block that throws at run time', () => {
  it('fails only its own node: its dependents are skipped, independent nodes finish', async () => {
    const r = testRegistry();
    const boom = defineBlock({
      type: 'boom.fail',
      version: 1,
      title: 'Boom',
      category: 'Plugin test',
      description: 'Throws.',
      inputs: { a: input(NumberPort) },
      outputs: { value: NumberPort },
      params: schema({}),
      run: async () => {
        throw new Error('plugin bug: division by zero');
      },
    });
    installPlugin('boom', { apiVersion: 1, blocks: [boom] }, r);
    const loaded = loadPipeline(
      doc(
        [
          { id: 'c', type: 'test.const', params: { value: 2 } },
          { id: 'b', type: 'boom.fail' },
          { id: 'after', type: 'test.add' },
          { id: 'free', type: 'test.const', params: { value: 5 } },
        ],
        [
          ['c', 'value', 'b', 'a'],
          ['b', 'value', 'after', 'a'],
          ['c', 'value', 'after', 'b'],
        ],
      ),
      r,
    );
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const events: RunEvent[] = await lastValueFrom(execute(loaded.pipeline).pipe(toArray()));
    const last = (node: string) => events.filter((e) => 'node' in e.data && e.data.node === node).at(-1)?.type;
    expect(last('c')).toBe('node-done');
    expect(last('free')).toBe('node-done');
    expect(last('b')).toBe('node-error');
    expect(last('after')).toBe('node-skipped');
    const err = events.find((e) => e.type === 'node-error');
    expect(JSON.stringify(err?.data)).toContain('plugin bug: division by zero');
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', data: { status: 'failed' } });
  });
});

describe('pluginPackageEntry', () => {
  it('finds the module a plugin package exports', () => {
    expect(pluginPackageEntry({ exports: { '.': './src/index.ts' } })).toBe('./src/index.ts');
    expect(pluginPackageEntry({ exports: './src/index.ts' })).toBe('./src/index.ts');
    expect(
      pluginPackageEntry({ exports: { '.': { types: './x.d.ts', import: './esm.js', require: './cjs.cjs' } } }),
    ).toBe('./esm.js');
    expect(pluginPackageEntry({ exports: { import: './a.js' } })).toBe('./a.js');
    expect(pluginPackageEntry({ main: 'lib/main.js' })).toBe('lib/main.js');
    expect(pluginPackageEntry({})).toBe('index.js');
    expect(() => pluginPackageEntry({ name: 'p', exports: { './sub': './sub.js' } })).toThrow(
      /plugin "p": its package.json "exports" has no "." entry/,
    );
  });
});
