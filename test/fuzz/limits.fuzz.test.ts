/**
 * Fuzz suite of the document limits (issue 14): hostile ids, keys, nesting depth, node counts and
 * `--set` expressions only ever give validation errors with a JSON path, never another throw, never
 * an id that leaves the results folder, never a write into a prototype. Seeded and bounded.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testRegistry } from '../fixtures/blocks.ts';
import { checkCase, hostileArb, idArb, type Verdict } from './hostile.ts';
import { loadPipeline } from '../../core/index.ts';

const reg = testRegistry();

describe('limits fuzz', () => {
  it('hostile documents and --set expressions: validation errors or a safe pipeline, nothing else', () => {
    const seen: Record<Verdict, number> = { valid: 0, refused: 0 };
    fc.assert(
      fc.property(hostileArb, (c) => {
        seen[checkCase(c, reg)]++;
      }),
      { seed: 1405, numRuns: 150, interruptAfterTimeLimit: 5000 },
    );
    // Both outcomes occur: the generator is not just making garbage.
    expect(seen.valid).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it('every id is either valid or refused at nodes[i].id', () => {
    fc.assert(
      fc.property(idArb, (id) => {
        const r = loadPipeline({ format: 'cortexflow/pipeline', version: 1, name: 'x', nodes: [{ id, type: 'test.const' }], edges: [] }, reg);
        if (!r.ok) expect(r.errors[0]?.path).toBe('nodes[0].id');
        else expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/);
      }),
      { seed: 14, numRuns: 1000 },
    );
  });
});
