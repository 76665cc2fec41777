/**
 * Vite config of the editor. Root is `editor/`; the core, the built-in blocks and the examples are
 * imported from the repository root, so the dev server may read it.
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');

export default defineConfig({
  root: here,
  base: './',
  clearScreen: false,
  server: { fs: { allow: [repo] } },
  // tfjs is only imported from the worker: pre-bundle it so a cold dev server does not reload mid-session.
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      'rete',
      'rete-area-plugin',
      'rete-connection-plugin',
      '@retejs/lit-plugin',
      'rete-context-menu-plugin',
      'rete-history-plugin',
      'rete-minimap-plugin',
      'lit',
      'rxjs',
      '@sinclair/typebox',
    ],
  },
  worker: { format: 'es' },
  build: {
    outDir: resolve(repo, 'dist/editor'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    reportCompressedSize: false,
  },
});
