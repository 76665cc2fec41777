/**
 * What every command needs before it runs anything: the registry of built-in blocks plus the
 * `--plugin`s (each checked for the traps of docs/plugins.md), and a pipeline file read, overridden
 * with `--set` and validated. Also used by the run's worker thread (run-worker.ts).
 */
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  loadPlugin,
  loadPipeline,
  pluginPackageEntry,
  PluginError,
  parsePipelineText,
  Registry,
  type DocumentError,
  type ResolvedPipeline,
} from '../core/index.ts';
import { builtinRegistry } from '../nodes/index.ts';
import { applyOverrides } from './overrides.ts';
import { explainImportError, folderEntryProblem, moduleTypeProblem } from './plugin-checks.ts';

/** A usage or validation failure: printed, exit code 2, nothing run. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function looksLikePath(spec: string): boolean {
  return spec.startsWith('.') || spec.startsWith('/') || /\.(m?[jt]s)$/.test(spec) || existsSync(spec);
}

/** Import and install each `--plugin`; errors name the plugin. */
async function loadPlugins(registry: Registry, specs: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  for (const spec of specs) {
    let url: string;
    if (looksLikePath(spec)) {
      let path = isAbsolute(spec) ? spec : resolve(process.cwd(), spec);
      if (!existsSync(path)) throw new UsageError(`plugin "${spec}": no such file (${path})`);
      if (statSync(path).isDirectory()) {
        // A plugin package folder: load the module its package.json exports.
        const pkgFile = join(path, 'package.json');
        if (!existsSync(pkgFile))
          throw new UsageError(
            `plugin "${spec}": the folder has no package.json; give the plugin's module file instead`,
          );
        try {
          const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as unknown;
          const noEntry = folderEntryProblem(spec, path, pkg);
          if (noEntry !== undefined) throw new UsageError(noEntry);
          path = resolve(path, pluginPackageEntry(pkg, pkgFile));
        } catch (e) {
          if (e instanceof UsageError) throw e;
          if (e instanceof PluginError) throw new UsageError(e.message);
          throw new UsageError(
            `plugin "${spec}": cannot read its package.json (${e instanceof Error ? e.message : String(e)})`,
          );
        }
        if (!existsSync(path))
          throw new UsageError(`plugin "${spec}": its package.json points at ${path}, which does not exist`);
      }
      const notEsm = moduleTypeProblem(spec, path);
      if (notEsm !== undefined) throw new UsageError(notEsm);
      url = pathToFileURL(path).href;
    } else {
      try {
        url = pathToFileURL(createRequire(join(process.cwd(), 'noop.js')).resolve(spec)).href;
      } catch {
        throw new UsageError(
          `plugin "${spec}": package not found from ${process.cwd()} (npm install it, or give a path)`,
        );
      }
    }
    try {
      names.push(
        (
          await loadPlugin(
            spec,
            async () => {
              try {
                return (await import(url)) as Record<string, unknown>;
              } catch (e) {
                const clearer = explainImportError(spec, url.startsWith('file:') ? fileURLToPath(url) : undefined, e);
                throw new UsageError(
                  clearer ?? `plugin "${spec}": importing it threw: ${e instanceof Error ? e.message : String(e)}`,
                );
              }
            },
            registry,
          )
        ).name,
      );
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
  }
  return names;
}

/** A registry with the built-ins and the `--plugin`s (also used by the run's worker thread). */
export async function makeRegistry(
  plugins: readonly string[],
  onWarning: (message: string) => void = (m) => process.stderr.write(`warning: ${m}\n`),
): Promise<{ registry: Registry; plugins: string[] }> {
  const registry = builtinRegistry({ onWarning, pluginHint: 'load them with --plugin PATH' });
  return { registry, plugins: await loadPlugins(registry, plugins) };
}

/** Read, override and validate a pipeline file (also used by the run's worker thread). */
export async function readPipeline(
  file: string,
  registry: Registry,
  sets: readonly string[],
): Promise<{ pipeline: ResolvedPipeline; warnings: string[] } | { errors: DocumentError[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(e)}`,
    );
  }
  const parsed = parsePipelineText(text);
  if (!parsed.ok) return { errors: [parsed.error] };
  const over = applyOverrides(parsed.value, sets, (type) =>
    registry.has(type) ? Object.keys((registry.get(type).params as { properties: object }).properties) : undefined,
  );
  if (!over.ok) return { errors: over.errors };
  const r = loadPipeline(over.document, registry);
  return r.ok ? { pipeline: r.pipeline, warnings: r.warnings } : { errors: r.errors };
}
