/**
 * Shared launcher for the browser tests: Debian's Chromium driven by playwright-core.
 * Where no Chromium is installed the browser tests are skipped, loudly; under CI=true that is a failure.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Path of a Chromium executable, or undefined. */
export function chromiumPath(): string | undefined {
  return CANDIDATES.find((p): p is string => typeof p === 'string' && p !== '' && existsSync(p));
}

/** True when browser tests can run; throws under CI when they cannot. */
export function browserAvailable(): boolean {
  if (chromiumPath()) return true;
  const msg =
    'BROWSER TESTS SKIPPED: no Chromium found (looked for /usr/bin/chromium). ' +
    'Install it with: sudo apt-get update && sudo apt-get install -y chromium';
  if (process.env['CI'] === 'true') throw new Error(`${msg} (CI=true: a missing browser is a failure)`);
  console.warn(`\n${'!'.repeat(78)}\n${msg}\n${'!'.repeat(78)}\n`);
  return false;
}

/** Launch headless Chromium with the flags this sandbox needs. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('no Chromium installed');
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Folder where browser tests keep their screenshots (kept as CI artifacts). */
export function artifactDir(name: string): string {
  const dir = join(process.cwd(), 'test-artifacts', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
