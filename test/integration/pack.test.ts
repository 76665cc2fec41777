/**
 * cortexflow outside this repository: `npm pack`, install the tarball into an empty folder, then
 * (1) the plugin of docs/plugins.md, written there exactly as the doc says, runs with --plugin;
 * (2) `cortexflow plugin new` writes a package whose test passes and whose example pipeline runs;
 * (3) the three traps give clear errors (no "type": "module", cortexflow not resolvable, a folder
 * without an entry).
 *
 * npm installs with --prefer-offline (the cache from `npm ci` has every tarball; only package
 * metadata may come from the registry).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '../../nodes/lib/npy-read.ts';

const repo = process.cwd();
let root: string;
let app: string;
let bin: string;

function run(cmd: string, args: string[], cwd: string, timeout = 120_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, FORCE_COLOR: '0', npm_config_audit: 'false', npm_config_fund: 'false' },
  });
}
const cf = (args: string[], cwd = app): SpawnSyncReturns<string> => run(process.execPath, [bin, ...args], cwd);

/** The ```ts plugin-sample block of docs/plugins.md. */
function docPlugin(): string {
  const doc = readFileSync(join(repo, 'docs', 'plugins.md'), 'utf8');
  const m = /```ts plugin-sample\n([\s\S]*?)```/.exec(doc);
  if (!m?.[1]) throw new Error('docs/plugins.md has no ```ts plugin-sample block');
  return m[1];
}

describe('the packed package in an empty folder', () => {
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'cf-pack-'));
    const pack = run('npm', ['pack', '--pack-destination', root], repo);
    expect(pack.status, pack.stderr).toBe(0);
    const tgz = readdirSync(root).find((f) => f.endsWith('.tgz'));
    expect(tgz).toBeDefined();
    app = join(root, 'app');
    mkdirSync(app);
    // As docs/plugins.md says: a package.json with "type": "module", then install cortexflow.
    expect(run('npm', ['init', '-y'], app).status).toBe(0);
    expect(run('npm', ['pkg', 'set', 'type=module'], app).status).toBe(0);
    const inst = run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', join(root, tgz as string)],
      app,
      180_000,
    );
    expect(inst.status, inst.stderr).toBe(0);
    bin = join(app, 'node_modules', 'cortexflow', 'bin', 'cortexflow.mjs');
    expect(existsSync(bin)).toBe(true);
    // Only what a user needs is packed: no tests, no bench, no editor sources.
    const pkgDir = join(app, 'node_modules', 'cortexflow');
    expect(existsSync(join(pkgDir, 'nodes', 'model', 'export.test.ts'))).toBe(false);
    expect(existsSync(join(pkgDir, 'bench'))).toBe(false);
  }, 240_000);
  afterAll(() => {
    // The install is ~400 MB (tfjs and friends): never leave it behind.
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('--version, and the plugin of docs/plugins.md as written runs with --plugin', () => {
    const v = cf(['--version']);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version);
    writeFileSync(join(app, 'my-plugin.ts'), docPlugin());
    const r = cf(['nodes', '--plugin', './my-plugin.ts']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/demo\.recurrent-norm\s+Recurrent weight norm\s+\(model: Model\) -> \(norm: Number\)/);
  });

  it('plugin new writes a package whose test passes and whose example runs with --plugin', () => {
    const made = cf(['plugin', 'new', 'my-gain']);
    expect(made.status, made.stderr).toBe(0);
    const dir = join(app, 'my-gain');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      type: 'module',
      exports: { '.': './src/index.ts' },
      name: 'cortexflow-plugin-my-gain',
    });
    // its own test (node:test through tsx; cortexflow resolves from the folder above)
    const t = run('npm', ['test'], dir);
    expect(t.status, t.stdout + t.stderr).toBe(0);
    expect(t.stdout).toMatch(/# pass 1/);
    // its example pipeline, with the folder as the plugin
    const out = join(root, 'out');
    const r = cf(['run', 'my-gain/example.json', '--plugin', './my-gain', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`results: ${out}`);
    const inputs = (node: string) =>
      readNpy(unzipSync(readFileSync(join(out, node, 'dataset.npz')))['inputs.npy']!, `${node} inputs`);
    const x = inputs('task');
    const g = inputs('gain');
    expect(g.shape).toEqual(x.shape);
    expect(Array.from(g.values.slice(0, 200))).toEqual(Array.from(x.values.slice(0, 200), (v) => v * 2));
    expect(Math.max(...Array.from(x.values))).toBeGreaterThan(0);
    // a second one in the same place is refused
    expect(cf(['plugin', 'new', 'my-gain']).stderr).toMatch(/my-gain exists and is not empty/);
    expect(cf(['plugin', 'new', 'My Gain']).status).toBe(2);
  });

  it('the three traps: no "type": "module", cortexflow not resolvable, a folder without an entry', () => {
    const cjs = join(app, 'cjs');
    mkdirSync(cjs);
    writeFileSync(join(cjs, 'package.json'), '{ "name": "cjs-plugin" }\n');
    writeFileSync(join(cjs, 'p.ts'), docPlugin());
    const a = cf(['nodes', '--plugin', './cjs/p.ts']);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(
      /plugin "\.\/cjs\/p\.ts": .*p\.ts is not an ES module: the package\.json above it \(.*cjs\/package\.json\) does not say "type": "module"\. .*npm pkg set type=module/,
    );
    expect(a.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const away = join(root, 'away');
    mkdirSync(away);
    writeFileSync(join(away, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(away, 'p.ts'), docPlugin());
    const b = cf(['nodes', '--plugin', join(away, 'p.ts')]);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(
      /it imports cortexflow, which cannot be resolved from .*away: install cortexflow where the plugin is/,
    );

    const noEntry = join(app, 'no-entry');
    mkdirSync(noEntry);
    writeFileSync(join(noEntry, 'package.json'), '{ "name": "x", "type": "module" }\n');
    const c = cf(['nodes', '--plugin', './no-entry']);
    expect(c.status).toBe(2);
    expect(c.stderr).toMatch(/plugin "\.\/no-entry": its package\.json has neither "exports" nor "main"/);
  });
});
