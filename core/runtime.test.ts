import { describe, expect, it, beforeEach } from 'vitest';
import { firstValueFrom, lastValueFrom, map, toArray, filter } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { execute, plan, RunCache, type RunEvent } from './runtime/index.ts';
import { loadPipeline, type ResolvedPipeline } from './document.ts';
import { defineBlock, NumberPort, schema, input, Registry, type BlockEmission } from './index.ts';
import { doc, executions, aborted, testRegistry } from '../test/fixtures/blocks.ts';

const reg = testRegistry();
function load(raw: unknown, registry: Registry = reg): ResolvedPipeline {
  const r = loadPipeline(raw, registry);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return r.pipeline;
}
const collect = (p: ResolvedPipeline, opts = {}) => lastValueFrom(execute(p, opts).pipe(toArray()));
const kinds = (events: RunEvent[], node: string) =>
  events.filter((e) => 'node' in e.data && e.data.node === node).map((e) => e.type);

const diamond = () =>
  load(
    doc(
      [
        { id: 'a', type: 'test.const', params: { value: 2 } },
        { id: 'b', type: 'test.const', params: { value: 3 } },
        { id: 's', type: 'test.add' },
        { id: 'lone', type: 'test.const', params: { value: 9 } },
      ],
      [
        ['a', 'value', 's', 'a'],
        ['b', 'value', 's', 'b'],
      ],
    ),
  );

beforeEach(() => {
  executions.clear();
  aborted.length = 0;
});

describe('plan', () => {
  it('orders topologically and keeps only what a target needs', () => {
    const p = diamond();
    expect(plan(p).map((n) => n.id)).toEqual(['a', 'b', 's', 'lone']);
    expect(plan(p, ['s']).map((n) => n.id)).toEqual(['a', 'b', 's']);
    expect(plan(p, ['lone']).map((n) => n.id)).toEqual(['lone']);
    expect(() => plan(p, ['nope'])).toThrow(/unknown node "nope"/);
  });
});

describe('execute', () => {
  it('runs in dependency order and delivers outputs', async () => {
    const events = await collect(diamond());
    expect(events[0]?.type).toBe('run-started');
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', data: { status: 'done', counts: { done: 4 } } });
    const done = events.filter((e) => e.type === 'node-done').map((e) => e.type === 'node-done' && e.data.node);
    expect(done.indexOf('s')).toBeGreaterThan(done.indexOf('a'));
    expect(done.indexOf('s')).toBeGreaterThan(done.indexOf('b'));
    const s = events.find((e) => e.type === 'node-done' && e.data.node === 's');
    expect(s?.type === 'node-done' && s.data.values['sum']).toBe(5);
    expect(s?.type === 'node-done' && s.data.outputs['sum']).toEqual({ type: 'Number', summary: '5' });
  });

  it('runs only the requested sub-graph', async () => {
    await collect(diamond(), { targets: ['lone'] });
    expect([...executions.keys()]).toEqual(['lone']);
  });

  it('runs independent branches concurrently', async () => {
    const p = load(
      doc(
        [
          { id: 'x', type: 'test.slow', params: { steps: 5, ms: 20 } },
          { id: 'y', type: 'test.slow', params: { steps: 5, ms: 20 } },
        ],
        [],
      ),
    );
    const events = await collect(p);
    const firstDone = events.findIndex((e) => e.type === 'node-done');
    const runningBeforeDone = new Set(
      events.slice(0, firstDone).flatMap((e) => (e.type === 'node-running' ? [e.data.node] : [])),
    );
    expect(runningBeforeDone).toEqual(new Set(['x', 'y']));
  });

  it('reports progress with metrics', async () => {
    const p = load(doc([{ id: 'x', type: 'test.slow', params: { steps: 3, ms: 1 } }], []));
    const events = await collect(p);
    const prog = events.flatMap((e) => (e.type === 'node-running' && e.data.progress ? [e.data] : []));
    expect(prog.map((d) => d.progress)).toEqual([
      { value: 1, max: 3 },
      { value: 2, max: 3 },
      { value: 3, max: 3 },
    ]);
    expect(prog[1]?.metrics).toEqual({ loss: 0.5 });
  });

  it('caches: after one param change only that node and its downstream re-run', async () => {
    const cache = new RunCache();
    const raw = doc(
      [
        { id: 'a', type: 'test.const', params: { value: 2 } },
        { id: 'b', type: 'test.const', params: { value: 3 } },
        { id: 's', type: 'test.add' },
        { id: 'lone', type: 'test.const' },
      ],
      [
        ['a', 'value', 's', 'a'],
        ['b', 'value', 's', 'b'],
      ],
    );
    await collect(load(raw), { cache });
    expect(Object.fromEntries(executions)).toEqual({ a: 1, b: 1, s: 1, lone: 1 });
    const again = await collect(load(raw), { cache });
    expect(Object.fromEntries(executions)).toEqual({ a: 1, b: 1, s: 1, lone: 1 });
    expect(again.filter((e) => e.type === 'node-cached')).toHaveLength(4);
    const changed = structuredClone(raw) as { nodes: Array<{ params?: Record<string, unknown> }> };
    (changed.nodes[0] as { params: Record<string, unknown> }).params = { value: 10 };
    const third = await collect(load(changed), { cache });
    expect(Object.fromEntries(executions)).toEqual({ a: 2, b: 1, s: 2, lone: 1 });
    const s = third.find((e) => e.type === 'node-done' && e.data.node === 's');
    expect(s?.type === 'node-done' && s.data.values['sum']).toBe(13);
  });

  it('a block that reads the pipeline info re-runs when the pipeline is renamed', async () => {
    const r = new Registry({ onWarning: () => undefined });
    let runs = 0;
    r.register(
      defineBlock({
        type: 'test.namer',
        version: 1,
        title: 'n',
        category: 'Test',
        description: 'd',
        inputs: {},
        outputs: { v: NumberPort },
        params: schema({}),
        usesPipelineInfo: true,
        run: async ({ env }) => {
          runs++;
          return { v: env.pipeline?.name.length ?? -1 };
        },
      }),
    );
    const cache = new RunCache();
    const d = doc([{ id: 'n', type: 'test.namer' }], []);
    await collect(load(d, r), { cache });
    await collect(load(d, r), { cache });
    expect(runs).toBe(1);
    const events = await collect(load({ ...d, name: 'renamed!' }, r), { cache });
    expect(runs).toBe(2);
    const done = events.find((e) => e.type === 'node-done');
    expect(done?.type === 'node-done' && done.data.values['v']).toBe(8);
  });

  it('isolates errors: dependents skipped with the reason, other branches finish', async () => {
    const p = load(
      doc(
        [
          { id: 'f', type: 'test.fail', params: { message: 'bad things' } },
          { id: 'after', type: 'test.slow', params: { steps: 1, ms: 1 } },
          { id: 'after2', type: 'test.slow', params: { steps: 1, ms: 1 } },
          { id: 'ok', type: 'test.slow', params: { steps: 2, ms: 5 } },
        ],
        [
          ['f', 'value', 'after', 'x'],
          ['after', 'value', 'after2', 'x'],
        ],
      ),
    );
    const events = await collect(p);
    expect(kinds(events, 'f')).toEqual(['node-queued', 'node-running', 'node-error']);
    const err = events.find((e) => e.type === 'node-error');
    expect(err?.type === 'node-error' && err.data.message).toBe('bad things');
    const skipped = events.filter((e) => e.type === 'node-skipped').map((e) => e.type === 'node-skipped' && e.data);
    expect(skipped).toEqual([
      { node: 'after', reason: 'upstream node "f" failed' },
      { node: 'after2', reason: 'upstream node "f" failed' },
    ]);
    expect(kinds(events, 'ok')).toContain('node-done');
    expect(events.at(-1)).toMatchObject({
      type: 'run-finished',
      data: { status: 'failed', counts: { failed: 1, skipped: 2, done: 1 } },
    });
  });

  it('keeps the partial outputs of a BlockError', async () => {
    const p = load(doc([{ id: 'f', type: 'test.fail', params: { keep: true } }], []));
    const events = await collect(p);
    const err = events.find((e) => e.type === 'node-error');
    expect(err?.type === 'node-error' && err.data.values).toEqual({ value: 42 });
    expect(err?.type === 'node-error' && err.data.outputs).toEqual({ value: { type: 'Number', summary: '42' } });
  });

  it('unsubscribing aborts running blocks and emits nothing more', async () => {
    const p = load(doc([{ id: 'x', type: 'test.slow', params: { steps: 1000, ms: 5 } }], []));
    const seen: RunEvent[] = [];
    const sub = execute(p).subscribe((e) => seen.push(e));
    await new Promise((r) => setTimeout(r, 40));
    sub.unsubscribe();
    const n = seen.length;
    expect(aborted).toEqual(['x']);
    await new Promise((r) => setTimeout(r, 40));
    expect(seen.length).toBe(n);
    expect(seen.some((e) => e.type === 'run-finished')).toBe(false);
  });

  it('a cancel signal stops gracefully: cancelled nodes and a final event', async () => {
    const p = load(
      doc(
        [
          { id: 'x', type: 'test.slow', params: { steps: 1000, ms: 5 } },
          { id: 'y', type: 'test.slow', params: { steps: 1, ms: 1 } },
        ],
        [['x', 'value', 'y', 'x']],
      ),
    );
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const events = await collect(p, { signal: ac.signal });
    expect(aborted).toEqual(['x']);
    expect(kinds(events, 'x').at(-1)).toBe('node-cancelled');
    expect(kinds(events, 'y')).toEqual(['node-queued', 'node-cancelled']);
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', data: { status: 'cancelled' } });
    const finished = events.findIndex((e) => e.type === 'run-finished');
    expect(finished).toBe(events.length - 1);
  });

  it('fails a block that forgets an output', async () => {
    const r = new Registry({ onWarning: () => undefined });
    r.register(
      defineBlock({
        type: 'test.forgetful',
        version: 1,
        title: 'f',
        category: 'Test',
        description: 'd',
        inputs: {},
        outputs: { a: NumberPort, b: NumberPort },
        params: schema({}),
        run: async () => ({ a: 1 }) as unknown as { a: number; b: number },
      }),
    );
    const events = await collect(load(doc([{ id: 'f', type: 'test.forgetful' }], []), r));
    const err = events.find((e) => e.type === 'node-error');
    expect(err?.type === 'node-error' && err.data.message).toBe('the block returned no value for output(s) b');
  });

  it('handles blocks that return an Observable (progress, warning, outputs)', async () => {
    const events = await collect(load(doc([{ id: 's', type: 'test.stream', params: { n: 2 } }], [])));
    expect(kinds(events, 's')).toEqual([
      'node-queued',
      'node-running',
      'node-running',
      'node-running',
      'node-warning',
      'node-done',
    ]);
  });

  it('emits the first event synchronously with the plan', async () => {
    const first = await firstValueFrom(execute(diamond()));
    expect(first).toMatchObject({ type: 'run-started', data: { nodes: ['a', 'b', 's', 'lone'] } });
  });
});

describe('execute (marble)', () => {
  it('streams a two-stage pipeline in virtual time', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, expectObservable }) => {
      const r = new Registry({ onWarning: () => undefined });
      const src = defineBlock({
        type: 'm.src',
        version: 1,
        title: 's',
        category: 'M',
        description: 'd',
        inputs: {},
        outputs: { v: NumberPort },
        params: schema({}),
        run: () =>
          cold<BlockEmission<{ v: number }>>('-p-(o|)', {
            p: { kind: 'progress', value: 1, max: 2 },
            o: { kind: 'outputs', outputs: { v: 1 } },
          }),
      });
      const sink = defineBlock({
        type: 'm.sink',
        version: 1,
        title: 's',
        category: 'M',
        description: 'd',
        inputs: { v: input(NumberPort) },
        outputs: { v: NumberPort },
        params: schema({}),
        run: ({ inputs }) =>
          cold<BlockEmission<{ v: number }>>('--(o|)', { o: { kind: 'outputs', outputs: { v: inputs.v + 1 } } }),
      });
      r.registerAll([src, sink]);
      const p = load(
        doc(
          [
            { id: 'a', type: 'm.src' },
            { id: 'b', type: 'm.sink' },
          ],
          [['a', 'v', 'b', 'v']],
        ),
        r,
      );
      const short = execute(p, { now: () => scheduler.now() }).pipe(
        filter(
          (e) =>
            e.type === 'node-done' ||
            e.type === 'run-finished' ||
            (e.type === 'node-running' && e.data.progress !== undefined),
        ),
        map((e) => `${e.type}${'node' in e.data ? `:${e.data.node}` : ''}`),
      );
      // frame 1: a's progress; 3: a done (b starts); 5: b done and the run finishes
      expectObservable(short).toBe('-p-d-(DF|)', {
        p: 'node-running:a',
        d: 'node-done:a',
        D: 'node-done:b',
        F: 'run-finished',
      });
    });
  });
});
