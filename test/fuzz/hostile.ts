/**
 * Hostile pipeline documents for the fuzz suite (test/fuzz/limits.fuzz.test.ts) and its long run
 * (bench/fuzz.bench.ts): node ids, param keys, nesting depth, node counts and `--set` expressions
 * as a careless or malicious user would write them, and the one check every outcome must pass.
 */
import fc from 'fast-check';
import { resolve, sep } from 'node:path';
import { loadPipeline, MAX_NODES, nodeIdProblem, type DocumentError, type Registry } from '../../core/index.ts';
import { applyOverrides } from '../../cli/overrides.ts';

const pathy = fc.constantFrom(
  '..',
  '.',
  '/',
  '\\',
  '\u0000',
  '__proto__',
  'constructor',
  'toString',
  'manifest',
  'manifest.json',
  'CON',
  'nul',
  '',
  ' ',
  'a',
  'b',
  'x-1',
  'ä',
  '😀',
);
/** Node ids: path pieces, prototype names, reserved names, long strings, arbitrary unicode. */
export const idArb = fc.oneof(
  fc.array(pathy, { minLength: 1, maxLength: 5 }).map((p) => p.join('')),
  fc.array(pathy, { minLength: 1, maxLength: 4 }).map((p) => p.join('/')),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,70}$/),
  fc.integer({ min: 60, max: 400 }).map((n) => 'a'.repeat(n)),
);
/** Param keys, including the ones that reach prototypes. */
export const keyArb = fc.oneof(
  pathy,
  fc.string({ maxLength: 20 }),
  fc.constantFrom('value', 'steps', 'ms', 'message', 'prototype'),
);

/** A value nested `depth` levels (arrays and objects alternating), built without recursion. */
export function nested(depth: number, leaf: unknown = 1): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
}

/** A chain of `n` test.slow nodes. */
export function chain(n: number, id: (i: number) => string = (i) => `n${i}`): Record<string, unknown> {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: id(i), type: 'test.slow', params: { steps: 1, ms: 0 } }));
  const edges = Array.from({ length: Math.max(0, n - 1) }, (_, i) => ({
    from: { node: id(i), port: 'value' },
    to: { node: id(i + 1), port: 'x' },
  }));
  return { format: 'cortexflow/pipeline', version: 1, name: 'chain', nodes, edges };
}

/** One hostile case: a document and `--set` expressions to apply to it first. */
export interface HostileCase {
  doc: Record<string, unknown>;
  sets: readonly string[];
}

const setArb = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('a', 'b', 'A', 'zz'),
      fc.array(keyArb, { minLength: 1, maxLength: 3 }),
      fc.string({ maxLength: 12 }),
    )
    .map(([n, ks, v]) => `${n}.${ks.join('.')}=${v}`),
  fc.string({ maxLength: 30 }),
  fc.integer({ min: 1, max: 3000 }).map((d) => `a.value=${'['.repeat(d)}${']'.repeat(d)}`),
);

/**
 * Documents mixing hostile ids, keys, nesting and sizes. `bigChains`: also chains at and over the
 * node limit (each takes ~0.1-0.5 s to validate, so the long bench run leaves them to a test).
 */
export function hostileCases(bigChains = true): fc.Arbitrary<HostileCase> {
  return fc
    .record({
      ids: fc.oneof(
        { arbitrary: fc.constant<string[]>(['a', 'b']), weight: 2 },
        { arbitrary: fc.array(fc.oneof(fc.constantFrom('a', 'b'), idArb), { minLength: 1, maxLength: 4 }), weight: 3 },
      ),
      params: fc.oneof(
        { arbitrary: fc.constant({}), weight: 2 },
        {
          arbitrary: fc.dictionary(
            keyArb,
            fc.oneof(fc.integer(), fc.constant(Infinity), fc.constant(-Infinity), fc.string({ maxLength: 5 })),
            { maxKeys: 3 },
          ),
          weight: 3,
        },
      ),
      depth: fc.oneof(
        { arbitrary: fc.constant(0), weight: 3 },
        { arbitrary: fc.integer({ min: 1, max: 80 }), weight: 1 },
        { arbitrary: fc.integer({ min: 1000, max: 20000 }), weight: 1 },
      ),
      chainLength: fc.oneof(
        { arbitrary: fc.constant(0), weight: 10 },
        { arbitrary: fc.integer({ min: 1, max: 50 }), weight: 10 },
        { arbitrary: fc.constantFrom(MAX_NODES, MAX_NODES + 1), weight: bigChains ? 1 : 0 },
      ),
      edgePort: fc.oneof({ arbitrary: fc.constant('value'), weight: 3 }, { arbitrary: keyArb, weight: 1 }),
      sets: fc.oneof(
        { arbitrary: fc.constant<string[]>([]), weight: 2 },
        { arbitrary: fc.array(setArb, { maxLength: 3 }), weight: 3 },
      ),
    })
    .map(({ ids, params, depth, chainLength, edgePort, sets }) => {
      const base =
        chainLength > 0
          ? chain(chainLength)
          : { format: 'cortexflow/pipeline', version: 1, name: 'h', nodes: [], edges: [] };
      const nodes = base['nodes'] as Array<Record<string, unknown>>;
      const edges = base['edges'] as Array<Record<string, unknown>>;
      ids.forEach((id, i) => {
        const p: Record<string, unknown> = {};
        // Own keys, as JSON.parse makes them (a plain assignment of "__proto__" would set the prototype).
        for (const [k, v] of Object.entries(params))
          Object.defineProperty(p, k, { value: v, enumerable: true, writable: true, configurable: true });
        if (depth > 0 && i === 0) p['value'] = nested(depth);
        nodes.push({ id, type: i % 2 ? 'test.const' : 'test.slow', params: p });
      });
      if (ids.length > 1) edges.push({ from: { node: ids[1], port: edgePort }, to: { node: ids[0], port: 'x' } });
      return { doc: base, sets };
    });
}

/** {@link hostileCases} with big chains. */
export const hostileArb = hostileCases();

/** What happened to one case. */
export type Verdict = 'valid' | 'refused';

/**
 * Apply the case's `--set`s and load it: it must either load (every id then a safe path segment
 * inside any results folder) or be refused with validation errors, each with a JSON path, a short
 * message and a code. Anything thrown is a failure of cortexflow; so is a polluted prototype.
 */
export function checkCase(c: HostileCase, registry: Registry): Verdict {
  const errorsOk = (errors: readonly DocumentError[]): void => {
    if (errors.length === 0) throw new Error('refused without an error');
    for (const e of errors) {
      if (typeof e.path !== 'string' || typeof e.message !== 'string' || typeof e.code !== 'string')
        throw new Error(`malformed error ${JSON.stringify(e)}`);
      if (e.message.length > 2000) throw new Error(`message of ${e.message.length} characters echoes too much`);
    }
  };
  const over = applyOverrides(c.doc, c.sets, (type) =>
    registry.has(type) ? Object.keys((registry.get(type).params as { properties: object }).properties) : undefined,
  );
  if (({} as Record<string, unknown>)['x'] !== undefined || Object.keys(Object.prototype).length > 0)
    throw new Error('Object.prototype was written');
  if (!over.ok) {
    errorsOk(over.errors);
    return 'refused';
  }
  const r = loadPipeline(over.document, registry);
  if (!r.ok) {
    errorsOk(r.errors);
    return 'refused';
  }
  const out = resolve('/tmp/cf-out');
  for (const n of r.pipeline.nodes) {
    if (nodeIdProblem(n.id) !== undefined) throw new Error(`invalid id ${JSON.stringify(n.id)} loaded`);
    const dir = resolve(out, n.id);
    if (!dir.startsWith(out + sep) || dir.slice(out.length + 1).includes(sep))
      throw new Error(`id ${n.id} escapes the folder`);
  }
  return 'valid';
}
