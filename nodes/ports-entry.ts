/**
 * `cortexflow/ports`: the science port types (`Dataset`, `Model`, ...) and the seeded generator,
 * without the built-in blocks, so a plugin that needs a port type does not load tfjs, d3 or h5wasm
 * (test/walls checks that this entry's import graph stays light).
 */
export * from './ports/index.ts';
export { Rng, deriveSeed } from './lib/rng.ts';
