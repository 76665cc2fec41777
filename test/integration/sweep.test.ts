/** `cortexflow sweep`: resumable, failure-tolerant, and its table matches the individual runs. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandRuns, parseSeeds, parseGridAxis } from '../../cli/sweep.ts';

import { runCli } from './run-cli.ts';

/** The CLI; killed hard (SIGKILL, as a crashed machine) once `killWhen` holds for its stderr. */
function cli(args: string[], killWhen?: (stderr: string) => boolean) {
  let killed = false;
  return runCli(args, {
    onOutput: (o, kill) => {
      if (!killed && killWhen?.(o.stderr)) {
        killed = true;
        kill('SIGKILL');
      }
    },
  });
}
const PLUGIN = 'test/fixtures/test-plugin.ts';
const PIPE = 'test/fixtures/pipelines/seeded.json';

describe('sweep helpers', () => {
  it('parses seeds and grids and expands the cartesian product', () => {
    expect(parseSeeds('1..3,7')).toEqual([1, 2, 3, 7]);
    expect(() => parseSeeds('a..b')).toThrow(/expected a list/);
    const axis = parseGridAxis('train.lr=0.001,0.01');
    const runs = expandRuns([1, 2], ['s.seed'], [axis]);
    expect(runs.map((r) => r.id)).toEqual([
      'seed-1_train.lr=0.001',
      'seed-2_train.lr=0.001',
      'seed-1_train.lr=0.01',
      'seed-2_train.lr=0.01',
    ]);
    expect(runs[0]?.sets).toEqual(['s.seed=1', 'train.lr=0.001']);
  });
});

describe('cortexflow sweep', () => {
  it('reports a failing seed without losing the others; the table matches the runs', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sweep-'));
    const r = await cli([
      'sweep',
      PIPE,
      '--plugin',
      PLUGIN,
      '--seeds',
      '1..4',
      '--set',
      's.failOn=3',
      '--workers',
      '2',
      '--out',
      out,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('run seed-3: failed: s: seed 3 fails on purpose');
    const table = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(table.runs.map((x: { status: string }) => x.status)).toEqual(['done', 'done', 'failed', 'done']);
    for (const row of table.runs) {
      const manifest = JSON.parse(readFileSync(join(out, 'runs', row.run, 'manifest.json'), 'utf8'));
      if (row.status === 'done') {
        expect(row.values['s.value.value']).toBe(row.seed * 3);
        expect(row.values['sum.sum.value']).toBe(manifest.nodes.sum.outputs.sum.numbers.value);
      }
    }
    expect(table.summary['s.value.value']).toMatchObject({ n: 3, min: 3, max: 12 });
    const csv = readFileSync(join(out, 'sweep.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('run,seed,status,duration_ms,error,sets,s.value.value,sum.sum.value');
    expect(csv).toHaveLength(5);
  });

  it('resumes after being killed mid-run without repeating finished runs', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sweep-'));
    const args = [
      'sweep',
      PIPE,
      '--plugin',
      PLUGIN,
      '--seeds',
      '1..4',
      '--set',
      's.ms=1500',
      '--workers',
      '1',
      '--out',
      out,
    ];
    const first = await cli(args, (stderr) => stderr.includes('[2/4]'));
    expect(first.code).toBe(null); // killed
    const finished = readdirSync(join(out, 'runs')).filter((d) => {
      const f = join(out, 'runs', d, 'manifest.json');
      return existsSync(f) && JSON.parse(readFileSync(f, 'utf8')).status === 'done';
    });
    expect(finished.length).toBeGreaterThanOrEqual(2);
    const startedAt = Object.fromEntries(
      finished.map((d) => [d, JSON.parse(readFileSync(join(out, 'runs', d, 'manifest.json'), 'utf8')).startedAt]),
    );
    const second = await cli(args);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`${finished.length} already finished, ${4 - finished.length} to run`);
    for (const d of finished)
      expect(JSON.parse(readFileSync(join(out, 'runs', d, 'manifest.json'), 'utf8')).startedAt).toBe(startedAt[d]);
    const table = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(table.runs.map((x: { status: string }) => x.status)).toEqual(['done', 'done', 'done', 'done']);
  });
});
