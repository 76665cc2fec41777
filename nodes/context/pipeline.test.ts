import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPipeline, Registry } from '../../core/index.ts';
import { registerBuiltins } from '../index.ts';

const registry = new Registry();
registerBuiltins(registry);

function example(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(fileURLToPath(new URL(`../../examples/${name}.json`, import.meta.url)), 'utf8'),
  ) as Record<string, unknown>;
}

function threeTaskDoc(
  mux: Record<string, unknown>,
  tasks: Array<[string, string, Record<string, unknown>?]> = [
    ['and', 'task.and'],
    ['or', 'task.or'],
    ['xor', 'task.xor'],
  ],
) {
  return {
    format: 'cortexflow/pipeline',
    version: 1,
    name: 'test',
    nodes: [
      ...tasks.map(([id, type, params]) => ({ id, type, params: params ?? {} })),
      { id: 'mux', type: 'context.mux', params: mux },
    ],
    edges: tasks.map(([id]) => ({ from: { node: id, port: 'dataset' }, to: { node: 'mux', port: 'tasks' } })),
  };
}

function errors(doc: unknown, allowIncomplete = false): Array<{ path: string; message: string }> {
  const r = loadPipeline(doc, registry, { allowIncomplete });
  return r.ok ? [] : r.errors.map((e) => ({ path: e.path, message: e.message }));
}

describe('context.mux in a pipeline document', () => {
  for (const name of ['scheme-3task', 'scheme-2task', 'scheme-pulse-vs-oscillation'])
    it(`examples/${name}.json validates and uses task blocks and context.mux only`, () => {
      const doc = example(name);
      const r = loadPipeline(doc, registry);
      expect(r.ok ? [] : r.errors).toEqual([]);
      const types = (doc['nodes'] as Array<{ type: string }>).map((n) => n.type);
      expect(types.every((t) => t.startsWith('task.') || t === 'context.mux')).toBe(true);
    });

  it("the default multiplexer is the authors' 3-task scheme", () => {
    expect(errors(threeTaskDoc({}))).toEqual([]);
  });

  it('a context level for a task that is not connected is an error naming levels.<task>', () => {
    const e = errors(threeTaskDoc({ levels: { and: 1, or: -1, xor: 0, not: 1 } }));
    expect(e).toEqual([
      {
        path: 'nodes[3].params.levels.not',
        message: expect.stringMatching(/task "not", which is not connected \(connected: and, or, xor\)/),
      },
    ]);
  });

  it('a connected task without a level is an error naming levels', () => {
    const e = errors(
      threeTaskDoc({ levels: { and: 1 } }, [
        ['and', 'task.and'],
        ['not', 'task.not'],
      ]),
    );
    expect(e.map((x) => x.path)).toEqual(['nodes[2].params.levels']);
    expect(e[0]?.message).toMatch(/no context level for the connected task "not"; add levels.not/);
  });

  it('no connected task is an error (an empty multitask dataset)', () => {
    const doc = {
      format: 'cortexflow/pipeline',
      version: 1,
      name: 't',
      nodes: [{ id: 'mux', type: 'context.mux' }],
      edges: [],
    };
    expect(errors(doc, true)).toEqual([{ path: 'nodes[0]', message: expect.stringMatching(/no task is connected/) }]);
  });

  it("a T too short for a task's response after shift and jitter is an error naming T", () => {
    const e = errors(threeTaskDoc({ T: 150 }));
    expect(
      e.some((x) => x.path === 'nodes[3].params.T' && /task "and" starts responding at step 150/.test(x.message)),
    ).toBe(true);
  });

  it('a context pulse outside the trial is an error naming pulseStart', () => {
    const e = errors(threeTaskDoc({ pulseStart: 280 }));
    expect(e.map((x) => x.path)).toContain('nodes[3].params.pulseStart');
  });

  it('more trials than the tasks provide is an error naming samples', () => {
    const e2 = errors(
      threeTaskDoc({ samples: 100, levels: { and: 1, or: -1 } }, [
        ['and', 'task.and', { samples: 10 }],
        ['or', 'task.or', { samples: 10 }],
      ]),
    );
    expect(e2).toEqual([
      { path: 'nodes[2].params.samples', message: expect.stringMatching(/provides 10 trials but 50 are needed/) },
    ]);
  });

  it("a task's own timing errors name its params", () => {
    const e = errors(
      threeTaskDoc({}, [
        ['and', 'task.and', { T: 50 }],
        ['or', 'task.or'],
        ['xor', 'task.xor'],
      ]),
    );
    expect(e.map((x) => x.path)).toContain('nodes[0].params.T');
    expect(
      errors(
        threeTaskDoc({}, [
          ['and', 'task.and', { samples: 0 }],
          ['or', 'task.or'],
          ['xor', 'task.xor'],
        ]),
      ).map((x) => x.path),
    ).toContain('nodes[0].params.samples');
  });
});
