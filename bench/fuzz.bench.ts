/**
 * The long run of the limits fuzz suite (test/fuzz/): at least 100,000 hostile documents and
 * `--set` expressions, each checked like in the unit suite (validation errors with a path, or a
 * pipeline whose ids are safe path segments; never another throw, never a polluted prototype).
 * Reports how many were valid, refused, and broke a rule (the target is 0), and the rate.
 */
import fc from 'fast-check';
import { checkCase, hostileCases } from '../test/fuzz/hostile.ts';
import { testRegistry } from '../test/fixtures/blocks.ts';
import type { BenchSuite } from './types.ts';

const suite: BenchSuite = async ({ quick }) => {
  const registry = testRegistry();
  const total = quick ? 5_000 : 100_000;
  const counts = { valid: 0, refused: 0, broken: 0 };
  const firstBroken: string[] = [];
  const started = performance.now();
  const arb = hostileCases(false);
  let checked = 0;
  // In batches: 100,000 documents (some 20,000 levels deep) do not fit in memory at once.
  for (let batch = 0; checked < total; batch++) {
    for (const c of fc.sample(arb, { seed: 1405 + batch, numRuns: Math.min(1000, total - checked) })) {
      checked++;
      try {
        counts[checkCase(c, registry)]++;
      } catch (e) {
        counts.broken++;
        if (firstBroken.length < 3) firstBroken.push(e instanceof Error ? e.message.slice(0, 200) : String(e));
      }
    }
  }
  const samples = { length: checked };
  const seconds = (performance.now() - started) / 1000;
  const note = `${samples.length} documents: ${counts.valid} valid, ${counts.refused} refused with validation errors, ${counts.broken} broke a rule (target 0)${firstBroken.length ? `: ${firstBroken.join(' | ')}` : ''}`;
  return [
    { suite: 'fuzz', name: 'hostile documents checked', value: samples.length, unit: 'documents', note },
    { suite: 'fuzz', name: 'documents that broke a rule', value: counts.broken, unit: 'documents' },
    { suite: 'fuzz', name: 'check rate', value: samples.length / seconds, unit: 'documents/s' },
  ];
};
export default suite;
