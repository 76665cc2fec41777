/**
 * Results travel with the code: docs/REPRODUCTION.md is regenerated from the committed results/
 * folder alone (no run folder, no authors' file, no clock), byte for byte. If this fails, either
 * results/ or the rendering changed without re-running `node bin/tsx.mjs scripts/reproduction.ts`,
 * or the document was edited by hand. (The flat-output distances of the delay section come from the
 * seeded time-reproduction task generator, so a change to that generator shows here too.)
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('docs/REPRODUCTION.md from results/', () => {
  it('regenerates byte for byte from the committed results', { timeout: 120_000 }, () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cortexflow-repro-results-')), 'REPRODUCTION.md');
    // --sweeps and --authors point nowhere: without --refresh they must not be read at all.
    const r = spawnSync(
      process.execPath,
      ['bin/tsx.mjs', 'scripts/reproduction.ts', '--out', out, '--sweeps', '/nonexistent', '--authors', '/nonexistent'],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const generated = readFileSync(out, 'utf8');
    const committed = readFileSync('docs/REPRODUCTION.md', 'utf8');
    expect(generated === committed, 'docs/REPRODUCTION.md differs from what results/ regenerates').toBe(true);
    // The committed results carry the authors' networks and the flagship sweep, not placeholders.
    expect(committed).toMatch(/\| Multitask nets: eigenvalues with abs > 1\.01 \| 7-21 \| 7 to 21 \(4 nets\) \| \d/);
    expect(committed).not.toMatch(/Generated .* on \d{4}-\d\d-\d\d/);
  });

  it('names a malformed results file instead of throwing a stack trace', { timeout: 60_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'cortexflow-repro-bad-'));
    writeFileSync(join(dir, 'authors.json'), '{ "multitask": [');
    const r = spawnSync(
      process.execPath,
      ['bin/tsx.mjs', 'scripts/reproduction.ts', '--results', dir, '--out', join(dir, 'out.md')],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'authors.json')}: not valid JSON`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
