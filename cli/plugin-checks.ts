/**
 * The three traps met when a plugin is written outside this repository, turned into clear errors
 * before (or instead of) Node's own: a module file that is not an ES module (no `"type": "module"`
 * above it), a plugin that cannot resolve `cortexflow`, a package folder with no entry point.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';

/** The nearest package.json at or above `dir`, with its parsed content, if any. */
export function nearestPackageJson(
  dir: string,
): { file: string; pkg: Record<string, unknown> | undefined } | undefined {
  let d = dir;
  for (;;) {
    const file = join(d, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as unknown;
        return { file, pkg: typeof pkg === 'object' && pkg !== null ? (pkg as Record<string, unknown>) : undefined };
      } catch {
        return { file, pkg: undefined };
      }
    }
    const up = dirname(d);
    if (up === d || d === parse(d).root) return undefined;
    d = up;
  }
}

/**
 * Why the module file at `path` would not load as an ES module, or undefined. `.mjs`/`.mts` always
 * are; `.js`/`.ts` only under a package.json saying `"type": "module"` (else Node and tsx take
 * them for CommonJS and `import ... from 'cortexflow/core'` fails with a cryptic require() error).
 */
export function moduleTypeProblem(spec: string, path: string): string | undefined {
  if (!/\.(js|ts|jsx|tsx)$/.test(path)) return undefined;
  const found = nearestPackageJson(dirname(path));
  if (found?.pkg?.['type'] === 'module') return undefined;
  const dir = dirname(path);
  return (
    `plugin "${spec}": ${path} is not an ES module: ${
      found
        ? `the package.json above it (${found.file}) does not say "type": "module"`
        : 'no package.json above it says "type": "module"'
    }. Plugins are ES modules: run \`npm pkg set type=module\` in ${found ? dirname(found.file) : dir}` +
    `${found ? '' : ' (after `npm init -y`)'}, or name the file .mts/.mjs; \`cortexflow plugin new NAME\` writes a ready package`
  );
}

/** Why a plugin package folder has no module to load, or undefined. */
export function folderEntryProblem(spec: string, folder: string, pkg: unknown): string | undefined {
  if (typeof pkg !== 'object' || pkg === null) return undefined;
  const p = pkg as Record<string, unknown>;
  if (p['exports'] !== undefined || typeof p['main'] === 'string' || typeof p['module'] === 'string') return undefined;
  if (existsSync(join(folder, 'index.js'))) return undefined;
  return (
    `plugin "${spec}": its package.json has neither "exports" nor "main", so there is no module to load; ` +
    `add "exports": { ".": "./src/index.ts" } (the plugin's module), or give the module file itself to --plugin`
  );
}

/** A clearer message for an import failure, or undefined to keep Node's. */
export function explainImportError(spec: string, path: string | undefined, e: unknown): string | undefined {
  const msg = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown }).code;
  if (
    /Cannot find (package|module) 'cortexflow(\/[^']*)?'/.test(msg) ||
    (code === 'ERR_MODULE_NOT_FOUND' && /'cortexflow[/']/.test(msg))
  ) {
    const where = path ? dirname(path) : process.cwd();
    return (
      `plugin "${spec}": it imports cortexflow, which cannot be resolved from ${where}: install cortexflow where the plugin is ` +
      `(npm install cortexflow, or npm install PATH/cortexflow-VERSION.tgz; a plugin package lists it in peerDependencies and devDependencies)`
    );
  }
  if (/Cannot require\(\) ES Module|require\(\) of ES Module|ERR_REQUIRE_(ESM|CYCLE_MODULE)/.test(msg) && path)
    return moduleTypeProblem(spec, path) ?? undefined;
  return undefined;
}
