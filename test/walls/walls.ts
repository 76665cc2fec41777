/**
 * The layer walls of docs/DEVELOPING.md, checked on the import graph of the sources: core imports
 * nothing of nodes, editor, cli or plugins; nodes nothing of editor or cli; editor and cli never
 * each other; plugins reach cortexflow only through its package entries. Imports are read with the
 * TypeScript compiler's own pre-processor (static, re-exports and dynamic `import()`), not regexes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * A layer: the first folder of a repository path (`editor` for editor/src/...); `tests` for the
 * test and bench folders.
 */
export type Layer = 'core' | 'nodes' | 'cli' | 'editor' | 'plugins' | 'tests' | 'other';

/** Which layers each layer must not import. */
export const WALLS: Readonly<Record<Layer, readonly Layer[]>> = {
  core: ['nodes', 'editor', 'cli', 'plugins', 'tests'],
  nodes: ['editor', 'cli', 'plugins', 'tests'],
  cli: ['editor', 'plugins', 'tests'],
  editor: ['cli', 'tests'],
  plugins: ['core', 'nodes', 'cli', 'editor'],
  tests: [],
  other: [],
};

/** A test beside its code (`*.test.ts`): it may use the helpers under test/, its folder's code may not. */
function isTestFile(rel: string): boolean {
  return /\.test(-d)?\.[cm]?[jt]s$/.test(rel);
}

/** One crossed wall. */
export interface Violation {
  file: string;
  imports: string;
  message: string;
}

/** The layer of a path relative to the repository root. */
export function layerOf(rel: string): Layer {
  const top = rel.split(/[\\/]/)[0];
  if (top === 'test' || top === 'bench') return 'tests';
  return top === 'core' || top === 'nodes' || top === 'cli' || top === 'editor' || top === 'plugins' ? top : 'other';
}

/** Module specifiers imported by a source text. */
export function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** Where a specifier points inside the repository (relative path), or undefined for packages. */
function target(fromRel: string, spec: string): string | undefined {
  if (spec.startsWith('.')) return relative('.', join(dirname(fromRel), spec)).split(sep).join('/');
  return undefined;
}

/** The walls crossed by `files` (repository-relative path -> source text). */
export function wallViolations(files: ReadonlyMap<string, string>): Violation[] {
  const out: Violation[] = [];
  for (const [file, source] of files) {
    const from = layerOf(file);
    for (const spec of importsOf(source)) {
      const to = target(file, spec);
      // A plugin lives in its own folder: leaving it by a relative path is reaching into cortexflow.
      const pluginRoot = file.split('/').slice(0, 2).join('/');
      if (from === 'plugins' && to !== undefined && !to.startsWith(`${pluginRoot}/`)) {
        out.push({ file, imports: spec, message: `${file} imports ${spec}: plugins use cortexflow's package entries (cortexflow/core, cortexflow/ports, cortexflow/nodes)` });
        continue;
      }
      if (to === undefined) continue;
      const dest = layerOf(to);
      if (dest === 'tests' && isTestFile(file)) continue;
      if (dest !== from && WALLS[from].includes(dest))
        out.push({ file, imports: spec, message: `${file} (${from}) imports ${spec} (${dest}): ${from} must not import ${dest}` });
    }
  }
  return out;
}

/** Every TypeScript source under the layer folders of `root`. */
export function readSources(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(m?ts|m?js)$/.test(name) && !name.endsWith('.d.ts'))
        files.set(relative(root, p).split(sep).join('/'), readFileSync(p, 'utf8'));
    }
  };
  for (const top of ['core', 'nodes', 'cli', 'editor', 'plugins']) walk(resolve(root, top));
  return files;
}

/**
 * Every package specifier reachable from `entry` through static imports (type-only imports
 * included: cheap to over-report, and a light entry should not even name a heavy package).
 */
export function reachableImports(
  files: ReadonlyMap<string, string>,
  entry: string,
  read: (source: string) => string[] = importsOf,
): string[] {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = files.get(file);
    if (source === undefined) continue;
    for (const spec of read(source)) {
      const to = target(file, spec);
      if (to === undefined) packages.add(spec);
      else stack.push(to);
    }
  }
  return [...packages].sort();
}

/**
 * The modules a source loads when it is loaded: static `import` / `export ... from` declarations,
 * not type-only ones and not dynamic `import()` (those load when the code that calls them runs).
 */
export function staticImportsOf(source: string): string[] {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  for (const st of file.statements) {
    if (ts.isImportDeclaration(st) && !st.importClause?.isTypeOnly && ts.isStringLiteral(st.moduleSpecifier))
      out.push(st.moduleSpecifier.text);
    else if (ts.isExportDeclaration(st) && !st.isTypeOnly && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier))
      out.push(st.moduleSpecifier.text);
  }
  return out;
}
