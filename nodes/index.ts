/**
 * The built-in blocks. Nothing is registered on import: call {@link registerBuiltins}.
 */
import { Registry, type AnyBlock, type Disposer, type RegistryOptions } from '../core/index.ts';
import { tasksBlocks } from './tasks/index.ts';
import { datasetBlocks } from './dataset/index.ts';
import { contextBlocks } from './context/index.ts';
import { modelBlocks } from './model/index.ts';
import { trainBlocks } from './train/index.ts';
import { simBlocks } from './sim/index.ts';
import { analysisBlocks } from './analysis/index.ts';
import { plotBlocks } from './plot/index.ts';
import { reportBlocks } from './report/index.ts';

export * from './ports/index.ts';
/** The seeded generator every block (and plugin) draws from: same seed, same numbers everywhere. */
export { Rng, deriveSeed } from './lib/rng.ts';

/** Every built-in block definition. */
export function builtinBlocks(): AnyBlock[] {
  return [
    ...tasksBlocks,
    ...datasetBlocks,
    ...contextBlocks,
    ...modelBlocks,
    ...trainBlocks,
    ...simBlocks,
    ...analysisBlocks,
    ...plotBlocks,
    ...reportBlocks,
  ];
}

/** Register every built-in block; the disposer removes them. */
export function registerBuiltins(registry: Registry): Disposer {
  return registry.registerAll(builtinBlocks());
}

/**
 * The one registry bootstrap of the front ends (CLI, editor page, editor worker): a registry with
 * every built-in block, configured by the caller (where warnings go, how its users load plugins).
 */
export function builtinRegistry(options: RegistryOptions = {}): Registry {
  const registry = new Registry(options);
  registerBuiltins(registry);
  return registry;
}
