#!/usr/bin/env node
// cortexflow command line. The sources are TypeScript: tsx's loader compiles them on the fly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
const code = await main(process.argv.slice(2));
// Let stdout drain before exiting (NDJSON consumers read to the end).
process.exitCode = code;
