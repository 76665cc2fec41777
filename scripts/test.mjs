#!/usr/bin/env node
/**
 * `npm test`: the whole suite (unit, integration, browser end-to-end) in one Vitest run.
 * Without Chromium the browser tests are skipped with a loud notice; under CI=true that is a failure.
 * Ends with one summary line: "N passed, N failed, N skipped".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const chromium = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p) => p && existsSync(p),
);
const ci = process.env.CI === 'true';
const banner = (msg) => console.error(`\n${'!'.repeat(78)}\n${msg}\n${'!'.repeat(78)}\n`);

if (!chromium && ci) {
  banner(
    'CI=true but no Chromium is installed: the browser tests cannot run.\nInstall it: apt-get update && apt-get install -y chromium',
  );
  process.exit(1);
}
const projects = chromium ? ['--project', 'unit', '--project', 'e2e'] : ['--project', 'unit'];
if (!chromium)
  banner(
    'BROWSER TESTS SKIPPED: no Chromium found at /usr/bin/chromium.\n' +
      'Only unit and integration tests will run. To run the end-to-end tests too:\n' +
      '  sudo apt-get update && sudo apt-get install -y chromium',
  );

mkdirSync('test-artifacts', { recursive: true });
const jsonOut = join('test-artifacts', 'vitest-results.json');
const args = [
  'vitest',
  'run',
  ...projects,
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${jsonOut}`,
  ...process.argv.slice(2),
];
const r = spawnSync('npx', args, { stdio: 'inherit' });

let summary = '';
try {
  const j = JSON.parse(readFileSync(jsonOut, 'utf8'));
  summary = `${j.numPassedTests} passed, ${j.numFailedTests} failed, ${j.numPendingTests + j.numTodoTests} skipped`;
} catch {
  summary = '';
}
if (!chromium)
  banner('Reminder: the browser end-to-end tests were SKIPPED (no Chromium). apt-get install -y chromium to run them.');
if (summary) console.log(`\n${summary}`);
process.exit(r.status ?? 1);
