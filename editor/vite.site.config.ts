/**
 * Vite config of the static site (`npm run build:site`): the editor's config, written to
 * `dist/site/` with relative URLs (`base: './'`, inherited) so the folder works under any sub-path
 * of any static host. scripts/build-site.mjs adds the landing page, docs and examples around it.
 */
import { defineConfig, mergeConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import editor from './vite.config.ts';

const here = dirname(fileURLToPath(import.meta.url));

export default mergeConfig(
  editor,
  defineConfig({
    base: './',
    build: { outDir: resolve(here, '../dist/site'), emptyOutDir: true },
    // The threaded tfjs-wasm build sends its module factory to its pthread workers as source text
    // (`Function.prototype.toString`); the minifier's compress pass rewrites it to use helpers that
    // live outside that function ("ReferenceError: e is not defined" on a cross-origin isolated page).
    // Mangling alone keeps each function self-contained.
    worker: { rolldownOptions: { output: { minify: { compress: false, mangle: true } } } },
  }),
);
