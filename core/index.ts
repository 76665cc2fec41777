/**
 * cortexflow core: the pipeline document, port types, the block API, the registry and the runtime.
 * Headless: no DOM, no tfjs.
 */
export * from './schema.ts';
export * from './ports.ts';
export * from './block.ts';
export * from './registry.ts';
export * from './testing.ts';
export * from './document.ts';
export * from './limits.ts';
export * from './graph.ts';
export * from './runtime/index.ts';
export * from './run-state.ts';
export * from './manifest.ts';
export * from './hash.ts';
export * from './plugins.ts';
export * from './text.ts';
export { suggestion } from './hints.ts';
