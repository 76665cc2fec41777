/**
 * Generate docs/REPRODUCTION.md: for each published figure of docs/science.md's reference table,
 * the authors' value, the same analysis run here on the authors' own trained networks, and ours
 * (mean and spread over the seeds of `cortexflow sweep` runs of the example pipelines).
 *
 *     node bin/tsx.mjs scripts/reproduction.ts                 # the document from results/ alone
 *     node bin/tsx.mjs scripts/reproduction.ts --refresh \
 *       --sweeps runs/repro --authors /tmp/authors-nets      # first refresh results/ from live data
 *
 * Options: --results DIR (default results), --out FILE (default docs/REPRODUCTION.md),
 * --sweeps DIR (live sweep folders DIR/NAME, default runs/repro), --authors DIR (the authors'
 * repositories' extracted files, default /tmp/authors-nets; --skip-authors keeps results/authors.json
 * as it is, the authors' analysis takes minutes). With --refresh, whatever is found
 * replaces its part of results/ and whatever is not keeps the committed numbers (results/README.md).
 * Without it nothing but results/ is read, and the output is deterministic: a fresh clone
 * regenerates the committed document byte for byte (test/integration/reproduction-results.test.ts).
 */
import { writeFileSync } from 'node:fs';
import { readResults } from './reproduction/results.ts';
import { renderDocument } from './reproduction/render.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (i >= 0 && (v === undefined || v.startsWith('--'))) {
    process.stderr.write(`scripts/reproduction.ts: --${name} needs a value\n`);
    process.exit(2);
  }
  return v ?? fallback;
}
const RESULTS = arg('results', 'results');
const OUT = arg('out', 'docs/REPRODUCTION.md');

try {
  if (process.argv.includes('--refresh')) {
    // Loaded only here: refreshing reads HDF5 and run folders; rendering needs none of that.
    const { refreshResults } = await import('./reproduction/collect.ts');
    const authors = process.argv.includes('--skip-authors') ? undefined : arg('authors', '/tmp/authors-nets');
    await refreshResults(arg('sweeps', 'runs/repro'), authors, RESULTS);
  }
  writeFileSync(OUT, await renderDocument(readResults(RESULTS)));
  process.stderr.write(`wrote ${OUT} from ${RESULTS}/\n`);
} catch (e) {
  process.stderr.write(`scripts/reproduction.ts: ${(e as Error).message}\n`);
  process.exit(1);
}
