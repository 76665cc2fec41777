/**
 * Loading a user's own plugin module (a single ES module file, or a URL) into a registry, the same
 * way in the page and in the run worker.
 *
 * The module may import `cortexflow/core` (and `cortexflow/nodes` for the built-in port types).
 * Import maps do not reach module workers, so instead the two bare specifiers are rewritten to
 * small shim modules that re-export the namespace this bundle already holds (published on
 * `globalThis` by {@link provideModules}); page and worker thus share one copy of the core with the
 * plugin, and `instanceof` checks and the registry's types agree. The module is imported from a
 * `blob:` URL, so it must be self-contained (bundle relative imports, e.g. with esbuild/vite).
 */
import { loadPlugin, type InstalledPlugin, type Registry } from '../../core/index.ts';

/** A user plugin as remembered: where it came from (file name or URL) and its code. */
export interface UserPluginSource {
  /** What the pipeline's `plugins` list names: `./file.js` for a file, the URL for a URL. */
  id: string;
  code: string;
}

const GLOBAL = '__cortexflowModules';
type Specifier = 'cortexflow/core' | 'cortexflow/nodes';

/** Publish the modules plugins may import (call once per realm: page, worker). */
export function provideModules(modules: Record<Specifier, Record<string, unknown>>): void {
  (globalThis as Record<string, unknown>)[GLOBAL] = modules;
}

const shimUrls = new Map<Specifier, string>();

function shimUrl(spec: Specifier): string {
  const known = shimUrls.get(spec);
  if (known) return known;
  const modules = (globalThis as Record<string, unknown>)[GLOBAL] as
    Record<Specifier, Record<string, unknown>> | undefined;
  const ns = modules?.[spec];
  if (!ns) throw new Error(`"${spec}" is not available to plugins here`);
  const names = Object.keys(ns).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default');
  const code =
    `const m = globalThis[${JSON.stringify(GLOBAL)}][${JSON.stringify(spec)}];\n` +
    names.map((n) => `export const ${n} = m[${JSON.stringify(n)}];`).join('\n') +
    '\nexport default m;\n';
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  shimUrls.set(spec, url);
  return url;
}

/** The module text with `cortexflow/core` and `cortexflow/nodes` imports pointed at the shims. */
export function rewriteImports(code: string): string {
  return code.replace(
    /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(cortexflow\/(?:core|nodes))(?:\/index(?:\.ts|\.js)?)?\2/g,
    (_m, lead: string, q: string, spec: Specifier) => `${lead}${q}${shimUrl(spec)}${q}`,
  );
}

/**
 * Import and install a user plugin; on any failure (syntax error, import error, invalid plugin)
 * the registry is unchanged and the error names the plugin.
 */
export async function installUserPlugin(src: UserPluginSource, registry: Registry): Promise<InstalledPlugin> {
  return loadPlugin(
    src.id,
    async () => {
      const url = URL.createObjectURL(new Blob([rewriteImports(src.code)], { type: 'text/javascript' }));
      try {
        return (await import(/* @vite-ignore */ url)) as unknown;
      } finally {
        URL.revokeObjectURL(url);
      }
    },
    registry,
  );
}

/** Fetch a plugin's code from a URL (same-origin or CORS-enabled). */
export async function fetchPluginCode(url: string): Promise<string> {
  let u: URL;
  try {
    u = new URL(url, location.href);
  } catch {
    throw new Error(`"${url}" is not a URL`);
  }
  const r = await fetch(u);
  if (!r.ok) throw new Error(`fetching ${u.href} gave HTTP ${r.status} ${r.statusText}`);
  return r.text();
}
