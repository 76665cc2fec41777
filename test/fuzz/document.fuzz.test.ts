/**
 * Property-based tests of the loader: random and mutated documents never make it throw anything
 * but validation errors (every error has a path and a message), and it never hangs.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadPipeline } from '../../core/document.ts';
import { applyOverrides } from '../../cli/overrides.ts';
import { testRegistry } from '../fixtures/blocks.ts';

const reg = testRegistry();
const types = [
  'test.const',
  'test.add',
  'test.sum',
  'test.fail',
  'test.slow',
  'test.json',
  'test.renamed',
  'nope',
  'test.cnst',
];
const ids = ['a', 'b', 'c', 'd', 'e'];
const ports = ['value', 'sum', 'a', 'b', 'values', 'x', 'any', 'data', 'zz'];

const nodeArb = fc.record(
  {
    id: fc.oneof(fc.constantFrom(...ids), fc.string()),
    type: fc.oneof(fc.constantFrom(...types), fc.string()),
    version: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.constant(undefined)),
    params: fc.oneof(
      fc.dictionary(
        fc.constantFrom('value', 'steps', 'ms', 'samples', 'count', 'label', 'message', 'x'),
        fc.jsonValue(),
      ),
      fc.jsonValue(),
    ),
    ui: fc.oneof(fc.record({ x: fc.double(), y: fc.double() }), fc.jsonValue()),
  },
  { requiredKeys: ['id', 'type'] },
);
const endArb = fc.record({ node: fc.oneof(fc.constantFrom(...ids), fc.string()), port: fc.constantFrom(...ports) });
const docArb = fc.record({
  format: fc.oneof(fc.constant('cortexflow/pipeline'), fc.string()),
  version: fc.oneof(fc.constant(1), fc.integer({ min: -2, max: 3 }), fc.jsonValue()),
  name: fc.oneof(fc.string(), fc.jsonValue()),
  nodes: fc.array(nodeArb, { maxLength: 8 }),
  edges: fc.array(fc.oneof(fc.record({ from: endArb, to: endArb }), fc.jsonValue()), { maxLength: 12 }),
});

function check(raw: unknown): void {
  const started = Date.now();
  const r = loadPipeline(raw, reg);
  expect(Date.now() - started).toBeLessThan(1000);
  if (!r.ok) {
    expect(r.errors.length).toBeGreaterThan(0);
    for (const e of r.errors) {
      expect(typeof e.path).toBe('string');
      expect(e.message.length).toBeGreaterThan(0);
    }
  }
}

describe('loader fuzz', () => {
  it('random JSON values only ever produce validation errors', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => check(v)),
      { numRuns: 500 },
    );
  });
  it('random near-valid documents only ever produce validation errors', () => {
    fc.assert(
      fc.property(docArb, (d) => check(d)),
      { numRuns: 1500 },
    );
  });
  it('mutations of a valid document (drop, duplicate, retarget) only ever produce validation errors', () => {
    const base = {
      format: 'cortexflow/pipeline',
      version: 1,
      name: 'base',
      nodes: [
        { id: 'a', type: 'test.const' },
        { id: 'b', type: 'test.const' },
        { id: 'c', type: 'test.add' },
        { id: 'd', type: 'test.slow' },
      ],
      edges: [
        { from: { node: 'a', port: 'value' }, to: { node: 'c', port: 'a' } },
        { from: { node: 'b', port: 'value' }, to: { node: 'c', port: 'b' } },
        { from: { node: 'c', port: 'sum' }, to: { node: 'd', port: 'x' } },
      ],
    };
    expect(loadPipeline(base, reg).ok).toBe(true);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('drop-edge' as const), i: fc.nat(5) }),
      fc.record({ kind: fc.constant('dup-edge' as const), i: fc.nat(5) }),
      fc.record({ kind: fc.constant('retarget' as const), i: fc.nat(5), end: endArb }),
      fc.record({ kind: fc.constant('back-edge' as const), i: fc.nat(5) }),
      fc.record({ kind: fc.constant('param' as const), i: fc.nat(5), key: fc.string(), v: fc.jsonValue() }),
      fc.record({ kind: fc.constant('set' as const), s: fc.string() }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 6 }), (ms) => {
        let d: Record<string, unknown> = structuredClone(base);
        for (const m of ms) {
          const edges = d['edges'] as Array<Record<string, unknown>>;
          const nodes = d['nodes'] as Array<Record<string, unknown>>;
          if (m.kind === 'drop-edge') edges.splice(m.i % (edges.length || 1), 1);
          else if (m.kind === 'dup-edge' && edges.length)
            edges.push(structuredClone(edges[m.i % edges.length]) as Record<string, unknown>);
          else if (m.kind === 'retarget' && edges.length)
            (edges[m.i % edges.length] as Record<string, unknown>)['to'] = m.end;
          else if (m.kind === 'back-edge')
            edges.push({ from: { node: 'd', port: 'value' }, to: { node: ids[m.i % 4], port: 'x' } });
          else if (m.kind === 'param') {
            const n = nodes[m.i % nodes.length] as Record<string, unknown>;
            n['params'] = { ...(n['params'] as object | undefined), [m.key]: m.v };
          } else if (m.kind === 'set') {
            const r = applyOverrides(d, [m.s]);
            if (r.ok) d = r.document as Record<string, unknown>;
          }
        }
        check(d);
      }),
      { numRuns: 1500 },
    );
  });
});
