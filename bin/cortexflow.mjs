#!/usr/bin/env node
// cortexflow command line. The sources are TypeScript: tsx's loader compiles them on the fly.
import { readFileSync } from 'node:fs';

// A reader that goes away (`cortexflow nodes --json | head`, a killed sweep reading a run's
// stderr) is not an error worth a stack trace: stop writing to it and carry on quietly.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
      stream.destroy();
      return;
    }
    throw e;
  });

// `cortexflow sweep` starts its runs with a pipe on stdin: when the sweep dies (even by SIGKILL)
// the pipe closes, and the run stops as if it had been sent SIGTERM.
const watchParent = process.env.CORTEXFLOW_WATCH_PARENT === '1';
if (watchParent) {
  const parentGone = () => process.kill(process.pid, 'SIGTERM');
  process.stdin.on('end', parentGone);
  process.stdin.on('error', parentGone);
  process.stdin.resume();
}

// `--version` answers from package.json before any TypeScript (or tfjs) is loaded.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  process.exit(0);
}
// TypeBox ships as ~250 small ES modules; loaded through tsx's hooks (which see every module, not
// only TypeScript) they cost about three times their plain load. Load them first, untouched by tsx:
// the project's imports of them then hit the module cache.
await Promise.all([
  import('@sinclair/typebox'),
  import('@sinclair/typebox/value'),
  import('@sinclair/typebox/errors'),
]);
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../cli/main.ts');
const code = await main(process.argv.slice(2));
if (watchParent) process.stdin.destroy();
// Let stdout drain before exiting (NDJSON consumers read to the end).
process.exitCode = code;
