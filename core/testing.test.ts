import { describe, expect, it } from 'vitest';
import { Observable } from 'rxjs';
import {
  BlockExpectationError,
  checkEvents,
  defineBlock,
  expectBlock,
  int,
  NumberPort,
  ParamsError,
  runBlock,
  schema,
  type BlockEmission,
} from './index.ts';

/** Counts to n with progress, warns on odd n, honours cancellation between steps. */
const counter = defineBlock({
  type: 'test.counter',
  version: 1,
  title: 'Counter',
  category: 'Test',
  description: 'Counts.',
  inputs: {},
  outputs: { value: NumberPort },
  params: schema({ n: int(1, 100, 3) }),
  run: async ({ params, signal, progress, warn }) => {
    for (let i = 1; i <= params.n; i++) {
      await Promise.resolve();
      if (signal.aborted) throw new Error(`cancelled at ${i}`);
      progress(i, params.n, { loss: 1 / i });
    }
    if (params.n % 2 === 1) warn(`odd count ${params.n}`);
    return { value: params.n };
  },
});

const streaming = defineBlock({
  type: 'test.streaming',
  version: 1,
  title: 'Streaming',
  category: 'Test',
  description: 'Emits an Observable.',
  inputs: {},
  outputs: { value: NumberPort },
  params: schema({}),
  run: () =>
    new Observable<BlockEmission<{ value: number }>>((s) => {
      s.next({ kind: 'progress', value: 1, max: 2 });
      s.next({ kind: 'warning', message: 'halfway' });
      s.next({ kind: 'progress', value: 2, max: 2 });
      s.next({ kind: 'outputs', outputs: { value: 7 } });
      s.complete();
    }),
});

const problems = async (exp: Parameters<typeof expectBlock>[2], params: Record<string, unknown> = {}) => {
  try {
    await expectBlock(counter, { params }, exp);
    return [];
  } catch (e) {
    if (e instanceof BlockExpectationError) return e.problems;
    throw e;
  }
};

describe('runBlock', () => {
  it('records progress and warnings in order, for Promise and Observable blocks', async () => {
    const r = await runBlock(streaming);
    expect(r.events.map((e) => e.kind)).toEqual(['progress', 'warning', 'progress']);
    expect(r.outputs).toEqual({ value: 7 });
    const c = await runBlock(counter, { params: { n: 3 } });
    expect(c.events.at(-1)).toEqual({ kind: 'warning', message: 'odd count 3' });
  });

  it('abortAfterProgress cancels the run after that many reports', async () => {
    await expect(runBlock(counter, { params: { n: 10 }, abortAfterProgress: 4 })).rejects.toThrow('cancelled at 5');
  });

  it('rejects params that do not validate, naming them', async () => {
    await expect(runBlock(counter, { params: { n: 1000 } })).rejects.toThrow(ParamsError);
    await expect(runBlock(counter, { params: { n: 1000 } })).rejects.toThrow(
      'test.counter: n: expected an integer in [1, 100], got 1000',
    );
  });
});

describe('expectBlock', () => {
  it('passes when everything holds, and returns the record', async () => {
    const r = await expectBlock(
      counter,
      { params: { n: 3 } },
      {
        outputs: { value: 3 },
        progress: { count: 3, monotonic: true, completes: true, metrics: ['loss'] },
        warnings: ['odd'],
      },
    );
    expect('outputs' in r && r.progress).toHaveLength(3);
  });

  it('lists every failed expectation', async () => {
    const p = await problems(
      { outputs: { value: 4 }, progress: { count: { min: 5 }, metrics: ['accuracy'] }, warnings: [] },
      { n: 3 },
    );
    expect(p).toEqual([
      'outputs.value: expected 4, got 3',
      'expected at least 5 progress reports, got 3',
      'no progress report carried the metric "accuracy"',
      'expected no warnings, got: "odd count 3"',
    ]);
  });

  it('checks warnings in order, outputs with a tolerance or a function', async () => {
    expect(await problems({ warnings: [/even/] })).toEqual([`no warning matching /even/ (warnings: ["odd count 3"])`]);
    expect(await problems({ outputs: { value: 3.05 }, tolerance: 0.1 })).toEqual([]);
    expect(await problems({ outputs: () => ['custom problem'] })).toEqual(['custom problem']);
  });

  it('expects a failure when told to, and reports an unexpected one', async () => {
    const r = await expectBlock(counter, { params: { n: 10 }, abortAfterProgress: 2 }, { error: /cancelled at 3/ });
    expect('error' in r).toBe(true);
    await expect(expectBlock(counter, { params: { n: 10 }, abortAfterProgress: 2 }, {})).rejects.toThrow(
      'the run failed: cancelled at 3',
    );
    expect(await problems({ error: true })).toEqual(['the run succeeded, but it was expected to fail']);
  });

  it('catches a missing output and a value its port cannot summarise', () => {
    const rec = { outputs: {}, progress: [], warnings: [], events: [] };
    expect(checkEvents(rec, {}, counter)).toEqual(['output "value" (Number) is missing from what run returned']);
    const bad = { ...rec, outputs: { value: { not: 'a number' } } };
    const broken = defineBlock({
      ...counter,
      type: 'test.broken',
      outputs: { value: { ...NumberPort, summarize: (v: number) => v.toFixed(2) } },
    });
    expect(checkEvents(bad, {}, broken)[0]).toMatch(/^output "value": Number\.summarize threw/);
  });
});
