/**
 * What `cortexflow run` prints at the end: where the results are and the few files worth opening
 * first (the report, then figures, then the trained model), found on disk so that the list only
 * names files that exist.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

function walk(dir: string, out: string[] = [], depth = 0): string[] {
  if (depth > 6) return out;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.name.startsWith('.')) continue; // the run's private folder (lock, values for --resume)
    if (e.isDirectory()) walk(p, out, depth + 1);
    else if (e.isFile() && !e.name.includes('.tmp-')) out.push(p);
  }
  return out;
}

/** How useful a file is to open first (higher first); any file can fill the list of a small run. */
function score(rel: string): number {
  const name = rel.split('/').pop() ?? rel;
  if (/\.html$/.test(name)) return 100;
  if (/\.svg$/.test(name)) return 80;
  if (/\.png$/.test(name)) return 79;
  if (/^model\.(h5|safetensors|npz)$/.test(name)) return 60;
  if (name === 'model.json') return 50;
  if (/^(metrics|criterion|summary|sweep)\.(json|csv)$/.test(name)) return 40;
  if (name === 'manifest.json') return 10;
  if (/\.(json|csv)$/.test(name)) return 2;
  return 1;
}

/** The `k` most useful files of a results folder, as paths relative to it, best first. */
export function usefulFiles(dir: string, k = 3): string[] {
  const files = walk(dir).map((f) => relative(dir, f));
  return files
    .map((f, i) => ({ f, s: score(f), i }))
    .sort((a, b) => b.s - a.s || a.f.split('/').length - b.f.split('/').length || a.f.localeCompare(b.f))
    .slice(0, k)
    .map((x) => x.f);
}

/** The lines printed after a run: the folder, then its most useful files. */
export function resultsLines(dir: string): string[] {
  const top = usefulFiles(dir);
  return [`results: ${dir}`, ...top.map((f) => `  ${join(dir, f)}`)];
}
