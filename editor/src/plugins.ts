/**
 * The example plugins shipped in `plugins/*` (npm workspaces), bundled but loaded only on demand
 * ("Plugins…" menu): a pipeline file never loads code by itself. The page installs a plugin into its
 * registry (palette, params, connection checks); runs name the loaded plugins so the worker installs
 * the same modules before it validates and runs.
 */
import { loadPlugin, type InstalledPlugin, type Registry } from '../../core/index.ts';

const loaders = import.meta.glob('../../plugins/*/src/index.ts');
const packages = import.meta.glob('../../plugins/*/package.json', { eager: true, import: 'default' });

export interface BundledPlugin {
  /** Folder name under plugins/. */
  id: string;
  /** npm package name (what pipeline files list in `plugins`). */
  packageName: string;
  description: string;
  load(): Promise<unknown>;
}

export function bundledPlugins(): BundledPlugin[] {
  const out: BundledPlugin[] = [];
  for (const [path, load] of Object.entries(loaders)) {
    const id = path.split('/').at(-3) ?? path;
    const pkg = (packages[`../../plugins/${id}/package.json`] ?? {}) as Record<string, unknown>;
    out.push({
      id,
      packageName: typeof pkg['name'] === 'string' ? pkg['name'] : id,
      description: typeof pkg['description'] === 'string' ? pkg['description'] : '',
      load,
    });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** Install a bundled plugin (by folder id or package name) into a registry. */
export async function installBundled(idOrName: string, registry: Registry): Promise<InstalledPlugin> {
  const p = bundledPlugins().find((x) => x.id === idOrName || x.packageName === idOrName);
  if (!p) throw new Error(`no bundled plugin "${idOrName}"; available: ${bundledPlugins().map((x) => x.packageName).join(', ') || 'none'}`);
  return loadPlugin(p.packageName, () => p.load(), registry);
}
