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
  /** Where it was loaded from (path, package name or URL), as given to {@link installPlugin}. */
  source: string;
  blocks: string[];
  /** Removes the plugin's blocks again (restoring nothing else: they were new). */
  dispose: Disposer;
}

const PLUGIN_NAME_RE = /^[A-Za-z0-9@][A-Za-z0-9@/._-]*$/;

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** The plugin module's declarations, checked: its name, its `blocks` and its `register`. */
function readNamespace(source: string, mod: unknown): { name: string; blocks: unknown; register: unknown } {
  if (!isRecord(mod)) throw new PluginError(source, 'the module exports nothing usable');
  const ns = isRecord(mod['default']) && !('blocks' in mod) && !('register' in mod) ? mod['default'] : mod;
  const declared = ns['name'];
  if (declared !== undefined && (typeof declared !== 'string' || !PLUGIN_NAME_RE.test(declared)))
    throw new PluginError(
      source,
      `"name" must be a non-empty string of letters, digits, @ / . _ - (like an npm package name), got ${describeValue(declared)}`,
    );
  const name = typeof declared === 'string' ? declared : source;
  const api = ns['apiVersion'];
  if (api === undefined)
    throw new PluginError(
      name,
      `it does not declare "apiVersion" (this cortexflow provides API version ${CORE_API_VERSION})`,
    );
  if (api !== CORE_API_VERSION)
    throw new PluginError(
      name,
      typeof api === 'number' && Number.isInteger(api)
        ? `it targets API version ${api}, but this cortexflow provides version ${CORE_API_VERSION}; ` +
            (api > CORE_API_VERSION ? 'update cortexflow' : 'use a version of the plugin written for this cortexflow')
        : `"apiVersion" must be an integer (this cortexflow provides ${CORE_API_VERSION}), got ${describeValue(api)}`,
    );
  const blocks = ns['blocks'];
  const register = ns['register'];
  if (blocks === undefined && typeof register !== 'function')
    throw new PluginError(
      name,
      'it exports neither "blocks" (an array of block definitions) nor a "register(registry)" function',
    );
  if (blocks !== undefined && !Array.isArray(blocks))
    throw new PluginError(name, `"blocks" must be an array of block definitions, got ${describeValue(blocks)}`);
  if (register !== undefined && typeof register !== 'function')
    throw new PluginError(name, `"register" must be a function register(registry), got ${describeValue(register)}`);

  return { name, blocks, register };
}

/**
 * Collect the blocks a plugin declares (its `blocks` and what its `register` registers), checking
 * each, without touching the registry.
 */
function collectBlocks(name: string, blocks: unknown, register: unknown, registry: Registry): AnyBlock[] {
  // Collect and check everything first, so a failure changes nothing.
  const collected: AnyBlock[] = [];
  const add = (b: unknown, where: string): void => {
    const problems = blockDefinitionProblems(b);
    if (problems.length > 0)
      throw new PluginError(
        name,
        `${where} is malformed: ${problems.join('; ')} (declare blocks with defineBlock from cortexflow/core)`,
      );
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
    let returned: unknown;
    try {
      returned = (register as (r: unknown) => unknown)(proxy);
    } catch (e) {
      if (e instanceof PluginError) throw e;
      throw new PluginError(name, `register() threw: ${messageOf(e)}`);
    }
    if (isRecord(returned) && typeof returned['then'] === 'function') {
      // Swallow its outcome: it is reported here, and must not surface later as an unhandled rejection.
      (returned as unknown as PromiseLike<unknown>).then(undefined, () => undefined);
      throw new PluginError(
        name,
        'register() returned a Promise; it must register its blocks synchronously (do async work at import time, with top-level await)',
      );
    }
  }
  return collected;
}

/**
 * Install a plugin from its module namespace object (what `import()` returned).
 * `source` names it in messages when the module does not export a `name`.
 */
export function installPlugin(source: string, mod: unknown, registry: Registry): InstalledPlugin {
  const { name, blocks, register } = readNamespace(source, mod);
  const collected = collectBlocks(name, blocks, register, registry);
  if (collected.length === 0) throw new PluginError(name, 'it defines no blocks');
  for (const b of collected) {
    if (registry.has(b.type))
      throw new PluginError(name, `block type "${b.type}" is already registered (by cortexflow or another plugin)`);
  }
  const dispose = registry.registerAll(collected);
  return { name, source, blocks: collected.map((b) => b.type), dispose };
}

/**
 * Import a plugin with `load` (e.g. `() => import(url)`) and install it. A module that throws (or
 * fails to resolve) while importing gives a {@link PluginError} naming `source`; the registry is
 * unchanged on every failure. The CLI and the editor's "Load plugin" both go through here.
 */
export async function loadPlugin(
  source: string,
  load: () => Promise<unknown>,
  registry: Registry,
): Promise<InstalledPlugin> {
  let mod: unknown;
  try {
    mod = await load();
  } catch (e) {
    throw new PluginError(source, `importing it threw: ${messageOf(e)}`);
  }
  return installPlugin(source, mod, registry);
}

/**
 * The module a plugin package's `package.json` points at, relative to the package folder: the `"."`
 * export (a string, or its `import` / `default` condition), else `module`, else `main`, else
 * `index.js`. Lets a CLI accept a plugin folder (`--plugin plugins/dale`) as well as a file.
 */
export function pluginPackageEntry(pkg: unknown, where = 'package.json'): string {
  if (!isRecord(pkg)) throw new PluginError(where, 'package.json is not a JSON object');
  const pick = (e: unknown): string | undefined => {
    if (typeof e === 'string') return e;
    if (isRecord(e)) {
      for (const k of ['import', 'node', 'browser', 'default']) {
        const v = pick(e[k]);
        if (v !== undefined) return v;
      }
    }
    return undefined;
  };
  const exp = pkg['exports'];
  if (exp !== undefined) {
    const hasSubpaths = isRecord(exp) && Object.keys(exp).some((k) => k.startsWith('.'));
    const entry = pick(hasSubpaths ? exp['.'] : exp);
    if (entry === undefined)
      throw new PluginError(
        typeof pkg['name'] === 'string' ? pkg['name'] : where,
        'its package.json "exports" has no "." entry (or no "import"/"default" condition for it); export the plugin module as "."',
      );
    return entry;
  }
  for (const k of ['module', 'main']) if (typeof pkg[k] === 'string') return pkg[k];
  return 'index.js';
}
