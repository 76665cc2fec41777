/**
 * `npm run bench [-- --quick] [-- suite ...]`: runs every bench/*.bench.ts (or the named ones),
 * prints one table and writes bench/results/<timestamp>.json and latest.md.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import type { BenchRow, BenchSuite } from './types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

const rows: BenchRow[] = [];
for (const f of files) {
  process.stderr.write(`bench: ${f} ...\n`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: BenchSuite };
  try {
    const r = await mod.default({ quick });
    rows.push(...r);
    for (const row of r) process.stderr.write(`  ${row.name}: ${row.value.toFixed(3)} ${row.unit}\n`);
  } catch (e) {
    process.stderr.write(`bench: ${f} failed: ${String(e instanceof Error ? e.stack : e)}\n`);
    rows.push({ suite: f, name: 'FAILED', value: NaN, unit: '', note: String(e) });
  }
}

const machine = `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const fmt = (v: number | undefined) =>
  v === undefined ? '' : Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) : String(v);
const header = ['suite', 'benchmark', 'value', 'unit', 'peer', 'ratio', 'note'];
const table = rows.map((r) => [r.suite, r.name, fmt(r.value), r.unit, r.peer ?? '', fmt(r.ratio), r.note ?? '']);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => (t[i] ?? '').length)));
const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ') + ' |';
const md = [
  `# Benchmarks ${new Date().toISOString()}`,
  '',
  `Machine: ${machine}${quick ? ' (quick mode)' : ''}`,
  '',
  line(header),
  '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
  ...table.map(line),
  '',
].join('\n');
process.stdout.write(md);
const out = join(here, 'results');
mkdirSync(out, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
writeFileSync(join(out, `${stamp}.json`), JSON.stringify({ machine, quick, rows }, null, 2));
writeFileSync(join(out, 'latest.md'), md);
process.stderr.write(`bench: results written to ${join(out, 'latest.md')}\n`);
