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
  const samples = fc.sample(hostileCases(false), { seed: 1405, numRuns: total });
  for (const c of samples) {
    try {
      counts[checkCase(c, registry)]++;
    } catch (e) {
      counts.broken++;
      if (firstBroken.length < 3) firstBroken.push(e instanceof Error ? e.message.slice(0, 200) : String(e));
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const note = `${samples.length} documents: ${counts.valid} valid, ${counts.refused} refused with validation errors, ${counts.broken} broke a rule (target 0)${firstBroken.length ? `: ${firstBroken.join(' | ')}` : ''}`;
  return [
    { suite: 'fuzz', name: 'hostile documents checked', value: samples.length, unit: 'documents', note },
    { suite: 'fuzz', name: 'documents that broke a rule', value: counts.broken, unit: 'documents' },
    { suite: 'fuzz', name: 'check rate', value: samples.length / seconds, unit: 'documents/s' },
  ];
};
export default suite;
