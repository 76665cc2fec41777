#!/usr/bin/env node
// `npm start`: build the editor with Vite and serve the build on localhost (or `--dev` for the dev
// server with hot reload). Prints the URL. Options: --port N (default 5173, or $PORT), --host H
// (default 127.0.0.1), --no-build (serve the last build), --dev.
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { build, createServer, preview } from 'vite';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const configFile = resolve(repo, 'editor/vite.config.ts');
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const port = Number(opt('--port') ?? process.env.PORT ?? 5173);
const host = opt('--host') ?? '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer in [0, 65535], got ${opt('--port') ?? process.env.PORT}`);
  process.exit(2);
}

if (args.includes('--dev')) {
  const server = await createServer({ configFile, server: { port, host } });
  await server.listen();
  console.log(`cortexflow editor (dev): ${server.resolvedUrls?.local[0] ?? `http://${host}:${port}/`}`);
} else {
  const outDir = resolve(repo, 'dist/editor');
  if (!args.includes('--no-build') || !existsSync(resolve(outDir, 'index.html'))) {
    console.log('building the editor…');
    await build({ configFile, logLevel: 'error' });
  }
  const server = await preview({ configFile, preview: { port, host, open: false } });
  const url = server.resolvedUrls?.local[0] ?? `http://${host}:${port}/`;
  console.log(`cortexflow editor: ${url}`);
  console.log('Press Ctrl+C to stop.');
}
