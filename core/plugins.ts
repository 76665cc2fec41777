/**
 * The plugin contract. A plugin is an ES module (or npm package) that exports
 *
 *     export const apiVersion = 1;                 // the core API it targets
 *     export const name = 'my-plugin';             // optional, defaults to where it was loaded from
 *     export const blocks = [myBlock, ...];        // and/or
 *     export function register(registry) { ... }   // for anything more dynamic
 *
 * (or the same as a default-exported object). Installing validates everything first: a wrong API
 * version, a malformed block, a type that is already registered, or a `register` that throws
 * leaves the registry exactly as it was and reports the plugin's name and the problem.
 * Loading code is always explicit (CLI `--plugin`, the editor's "Load plugin"); a pipeline file
 * only names the plugins it needs.
 */
import { blockDefinitionProblems, type AnyBlock } from './block.ts';
import type { Disposer, Registry } from './registry.ts';

/** The version of the block API plugins are written against. */
export const CORE_API_VERSION = 1;

/** Thrown when a plugin cannot be installed; the registry is unchanged. */
export class PluginError extends Error {
  override name = 'PluginError';
  constructor(
    readonly plugin: string,
    problem: string,
  ) {
    super(`plugin "${plugin}": ${problem}`);
  }
}

export interface InstalledPlugin {
  name: string;
  blocks: string[];
  dispose: Disposer;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/**
 * Install a plugin from its module namespace object (what `import()` returned).
 * `source` names it in messages when the module does not export a `name`.
 */
export function installPlugin(source: string, mod: unknown, registry: Registry): InstalledPlugin {
  if (!isRecord(mod)) throw new PluginError(source, 'the module exports nothing usable');
  const ns = isRecord(mod['default']) && !('blocks' in mod) && !('register' in mod) ? mod['default'] : mod;
  const name = typeof ns['name'] === 'string' && ns['name'] !== '' ? ns['name'] : source;
  const api = ns['apiVersion'];
  if (api === undefined)
    throw new PluginError(
      name,
      `it does not declare "apiVersion" (this cortexflow provides API version ${CORE_API_VERSION})`,
    );
  if (api !== CORE_API_VERSION)
    throw new PluginError(
      name,
      `it targets API version ${JSON.stringify(api)}, but this cortexflow provides version ${CORE_API_VERSION}`,
    );
  const blocks = ns['blocks'];
  const register = ns['register'];
  if (blocks === undefined && typeof register !== 'function')
    throw new PluginError(
      name,
      'it exports neither "blocks" (an array of block definitions) nor a "register(registry)" function',
    );
  if (blocks !== undefined && !Array.isArray(blocks))
    throw new PluginError(name, '"blocks" must be an array of block definitions');

  // Collect and check everything first, so a failure changes nothing.
  const collected: AnyBlock[] = [];
  const add = (b: unknown, where: string): void => {
    const problems = blockDefinitionProblems(b);
    if (problems.length > 0) throw new PluginError(name, `${where} is malformed: ${problems.join('; ')}`);
    const block = b as AnyBlock;
    if (collected.some((c) => c.type === block.type))
      throw new PluginError(name, `it defines block type "${block.type}" twice`);
    collected.push(block);
  };
  (blocks as unknown[] | undefined)?.forEach((b, i) =>
    add(b, `blocks[${i}]${isRecord(b) && typeof b['type'] === 'string' ? ` ("${b['type']}")` : ''}`),
  );
  if (typeof register === 'function') {
    const proxy = {
      register: (b: AnyBlock) => {
        add(
          b,
          `a block passed to register()${isRecord(b) && typeof b['type'] === 'string' ? ` ("${b['type']}")` : ''}`,
        );
        return () => undefined;
      },
      registerAll: (bs: AnyBlock[]) => {
        bs.forEach((b, i) => add(b, `registerAll()[${i}]`));
        return () => undefined;
      },
      has: (t: string) => registry.has(t) || collected.some((c) => c.type === t),
      get: (t: string) => registry.get(t),
      list: () => registry.list(),
    };
    try {
      (register as (r: unknown) => void)(proxy);
    } catch (e) {
      if (e instanceof PluginError) throw e;
      throw new PluginError(name, `register() threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (collected.length === 0) throw new PluginError(name, 'it defines no blocks');
  for (const b of collected) {
    if (registry.has(b.type))
      throw new PluginError(name, `block type "${b.type}" is already registered (by cortexflow or another plugin)`);
  }
  const dispose = registry.registerAll(collected);
  return { name, blocks: collected.map((b) => b.type), dispose };
}
