/**
 * The example plugins and the plugin contract through the real CLI, spawned as a user would run it:
 * `--plugin` with a folder, a package name or a module file; every malformed-plugin case exits 2
 * with a message naming the plugin; the example pipelines run headless.
 */
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runCli as cli } from './run-cli.ts';

/** The CLI's main() in this process (the built-ins load once), with stdout and stderr captured. */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../../cli/main.ts');
  let stderr = '';
  let stdout = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}

const tmp = () => mkdtempSync(join(tmpdir(), 'cortexflow-plugins-'));

/** A plugin module written to a temporary file (plain ESM, no imports). */
function pluginFile(name: string, source: string): string {
  const file = join(tmp(), name);
  writeFileSync(file, source);
  return file;
}

/** A block definition in plain JS, valid for installPlugin (no defineBlock needed). */
const plainBlock = (type: string) => `{
  type: '${type}', version: 1, title: 'T', category: 'Test', description: 'A test block.',
  inputs: {}, outputs: { value: { name: 'Number', description: 'n', color: '#000', summarize: (v) => String(v) } },
  params: { type: 'object', properties: {} },
  run: async () => ({ value: 1 }),
}`;

describe('plugins in the CLI', () => {
  it('nodes lists the example plugins, loaded from a folder and by package name', async () => {
    const r = await cli(['nodes', '--plugin', 'plugins/dale', '--plugin', 'cortexflow-plugin-mante-task']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/dale\.ctrnn\s+E\/I CTRNN \(Dale\)\s+\(dataset: Dataset\) -> \(model: Model\)/);
    expect(r.stdout).toMatch(/dale\.ei-stats\s+.*\(model: Model\) -> \(stats: EIStats\)/);
    expect(r.stdout).toMatch(/mante\.context-integration\s+.*\(-\) -> \(dataset: Dataset\)/);
    expect(r.stdout).toMatch(/model\.ctrnn/);
  });

  it('a module that throws on import exits 2 naming it (spawned: a real import failure)', async () => {
    const explodes = pluginFile('explodes.mjs', "throw new Error('cannot find libfoo');\n");
    const r = await cli(['nodes', '--plugin', explodes]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`plugin "${explodes}": importing it threw: cannot find libfoo`);
    expect(r.stdout).toBe('');
  });

  it('each malformed plugin exits 2 with an error naming the plugin and the problem (CLI main, in process)', async () => {
    const v2 = pluginFile(
      'v2.mjs',
      `export const apiVersion = 2; export const name = 'future-plugin'; export const blocks = [${plainBlock('future.a')}];\n`,
    );
    const none = pluginFile('none.mjs', `export const blocks = [${plainBlock('none.a')}];\n`);
    const dup = pluginFile(
      'dup.mjs',
      `export const apiVersion = 1; export const name = 'dup'; export const blocks = [${plainBlock('model.ctrnn')}];\n`,
    );
    const mal = pluginFile(
      'mal.mjs',
      "export const apiVersion = 1; export const name = 'mal'; export const blocks = [{ type: 'mal.a', version: 1 }];\n",
    );
    const reg = pluginFile(
      'reg.mjs',
      "export const apiVersion = 1; export const name = 'reg'; export function register() { throw new Error('license check failed'); }\n",
    );
    const cases: Array<[string[], string]> = [
      [[v2], 'plugin "future-plugin": it targets API version 2, but this cortexflow provides version 1'],
      [[none], `plugin "${none}": it does not declare "apiVersion"`],
      [[dup], 'plugin "dup": block type "model.ctrnn" is already registered'],
      [
        ['plugins/dale', 'plugins/dale'],
        'plugin "cortexflow-plugin-dale": block type "dale.ctrnn" is already registered',
      ],
      [[mal], 'plugin "mal": blocks[0] ("mal.a") is malformed: "title" must be a non-empty string'],
      [[reg], 'plugin "reg": register() threw: license check failed'],
      [['./plugins/no-such-plugin'], 'plugin "./plugins/no-such-plugin": no such file'],
      [['no-such-plugin-package'], 'plugin "no-such-plugin-package": package not found'],
      [['test'], 'plugin "test": the folder has no package.json'],
    ];
    for (const [plugins, message] of cases) {
      const { code, stdout, stderr } = await inProcess(['nodes', ...plugins.flatMap((p) => ['--plugin', p])]);
      expect(code, stderr).toBe(2);
      expect(stderr).toContain(message);
      expect(stdout).toBe('');
    }
  });

  it('a pipeline that names a plugin which was not loaded says which one and how to load it', async () => {
    const r = await inProcess(['validate', 'examples/plugin-dale.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown block type "dale.ctrnn"');
    expect(r.stderr).toContain('cortexflow-plugin-dale');
    expect(r.stderr).toContain('--plugin');
  });
});

describe('the example pipelines run headless with their plugin', () => {
  it('examples/plugin-dale.json (small): E/I model, training, E/I statistics before and after, eigenvalues', async () => {
    const out = tmp();
    const r = await cli([
      'run',
      'examples/plugin-dale.json',
      '--plugin',
      'plugins/dale',
      '--out',
      out,
      '--set',
      'and.samples=64',
      '--set',
      'and.testFraction=0.25',
      '--set',
      'ei.units=10',
      '--set',
      'train.maxSteps=3',
      '--set',
      'train.batchSize=16',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('done');
    expect(manifest.plugins).toEqual(['cortexflow-plugin-dale']);
    const before = JSON.parse(readFileSync(join(out, 'ei-before', 'stats.json'), 'utf8'));
    expect(before).toMatchObject({
      N: 10,
      excitatory: 8,
      inhibitory: 2,
      typesFrom: 'constraints',
      violations: { count: 0 },
    });
    // The trained model still carries its E/I constraints (the trainer keeps the model's fields).
    const after = JSON.parse(readFileSync(join(out, 'ei-after', 'stats.json'), 'utf8'));
    expect(after.typesFrom).toBe('constraints');
    const saved = JSON.parse(readFileSync(join(out, 'train', 'model', 'model.json'), 'utf8'));
    const names = saved.weightsManifest[0].weights.map((w: { name: string }) => w.name);
    expect(names).toContain('constraints/recurrentSign');
    expect(readFileSync(join(out, 'ei-before', 'stats', 'units.csv'), 'utf8').split('\n')[1]).toMatch(/^0,E,/);
  });

  it('examples/plugin-mante.json (small): two contexts through context.mux, trained and simulated', async () => {
    const out = tmp();
    const r = await cli([
      'run',
      'examples/plugin-mante.json',
      '--plugin',
      'plugins/mante-task',
      '--out',
      out,
      '--json',
      '--set',
      'motion.samples=64',
      '--set',
      'colour.samples=64',
      '--set',
      'model.units=8',
      '--set',
      'train.maxSteps=3',
      '--set',
      'train.batchSize=16',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('done');
    const meta = JSON.parse(strFromU8(unzipSync(readFileSync(join(out, 'mux', 'dataset.npz')))['meta.json']!));
    expect(meta.channelNames).toEqual(['motion', 'colour', 'context:mante-motion', 'context:mante-colour']);
    expect(meta.tasks).toEqual(['mante-motion', 'mante-colour']);
    expect(manifest.nodes.sim.outputs.trajectories.summary).toMatch(/^72 conditions x 105 steps, N=8/);
  });
});
