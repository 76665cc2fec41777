#!/usr/bin/env node
// cortexflow command line. The sources are TypeScript: tsx's loader compiles them on the fly.
import { readFileSync } from 'node:fs';

// `--version` answers from package.json before any TypeScript (or tfjs) is loaded.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  process.exit(0);
}
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../cli/main.ts');
const code = await main(process.argv.slice(2));
// Let stdout drain before exiting (NDJSON consumers read to the end).
process.exitCode = code;
