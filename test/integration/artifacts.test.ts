/**
 * What a run leaves on disk (docs/cli.md, "Artifacts"): outputs whole or not at all, every file left
 * out named with the command that writes it, `--artifacts` selections, datasets compressed and kept
 * once per content in a sweep's store.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { runBlock, type RunManifest } from '../../core/index.ts';
import { datasetLoad } from '../../nodes/dataset/load.ts';
import { readNpy } from '../../nodes/lib/npy-read.ts';
import type { Dataset } from '../../nodes/ports/index.ts';
import { runCli } from './run-cli.ts';

const PIPE = 'test/fixtures/pipelines/multitask-small.json';
const tmp = () => mkdtempSync(join(tmpdir(), 'cortexflow-art-'));
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RunManifest;
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name), base) : [join(dir, d.name).slice(base.length + 1)],
  );
}

/** Run a printed `npx cortexflow run ...` line (unquoted words only: the test's paths need none). */
function runPrinted(line: string) {
  const words = line.trim().split(/\s+/);
  expect(words.slice(0, 3)).toEqual(['npx', 'cortexflow', 'run']);
  return runCli(words.slice(2));
}

describe('run folder artifacts', () => {
  it('an output over --max-artifact-mb is left out whole, named in the manifest and the summary with the command that writes it', async () => {
    const out = tmp();
    // hidden.npz (~44 kB) is over 0.03 MB; the trajectories' small files must not be written without it.
    const r = await runCli(['run', PIPE, '--out', out, '--max-artifact-mb', '0.03']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'sim'))).toBe(false);
    const m = manifest(out);
    const traj = m.nodes['sim']!.outputs['trajectories']!;
    expect(traj.files).toEqual([]);
    expect(traj.skipped!.map((s) => s.file).sort()).toEqual(
      ['hidden.npz', 'inputs.npy', 'mask.npy', 'summary.json', 'targets.npy', 'y.npy'].map((f) => `sim/trajectories/${f}`),
    );
    const command = traj.skipped![0]!.command!;
    expect(command).toBe(
      `npx cortexflow run ${resolve(PIPE)} --target sim --artifacts sim.trajectories --out ${out}-sim.trajectories`,
    );
    expect(traj.skipped![0]!.reason).toMatch(/this output's 6 files together\) is over the 0.030 MB limit \(--max-artifact-mb\)/);
    expect(r.stderr).toContain('not written (over --max-artifact-mb 0.03; listed in manifest.json, 0 writes everything): ');
    expect(r.stderr).toContain('sim/trajectories/hidden.npz (0.042 MB)');
    expect(r.stderr).toContain(`  to write sim.trajectories: ${command}`);
    // Datasets are far below it: written.
    expect(m.nodes['mux']!.outputs['dataset']!.files).toEqual(['mux/dataset.npz']);
    // The printed command writes exactly that output.
    const again = await runPrinted(command);
    expect(again.code, again.stderr).toBe(0);
    expect(walk(`${out}-sim.trajectories`).filter((f) => !f.endsWith('manifest.json')).sort()).toEqual(
      ['hidden.npz', 'inputs.npy', 'mask.npy', 'summary.json', 'targets.npy', 'y.npy'].map((f) => `sim/trajectories/${f}`),
    );
  });

  it('--artifacts none writes only the manifest; a NODE.PORT list only those outputs, byte for byte the same', async () => {
    const all = tmp();
    expect((await runCli(['run', PIPE, '--out', all])).code).toBe(0);
    const stored = manifest(all).nodes['mux']!.outputs['dataset']!.stored!;
    expect(stored).toEqual([{ file: 'mux/dataset.npz', sha256: sha(join(all, 'mux/dataset.npz')) }]);

    // dataset.load reads it back whole: labels, names, test split, probe.
    const npz = unzipSync(new Uint8Array(readFileSync(join(all, 'mux/dataset.npz'))));
    const meta = JSON.parse(new TextDecoder().decode(npz['meta.json'])) as {
      conditions: Array<{ key: string }>;
      channelNames: string[];
      testCount: number;
    };
    const back = (await runBlock<{ dataset: Dataset }>(datasetLoad, { params: { path: join(all, 'mux/dataset.npz') } }))
      .outputs.dataset;
    const idx = readNpy(npz['condition.npy']!, 'condition').values;
    expect(back.conditions.map((c) => c.key)).toEqual(Array.from(idx, (k) => meta.conditions[k]!.key));
    expect(back.channelNames).toEqual(meta.channelNames);
    expect(back.testCount).toBe(meta.testCount);
    expect(back.probe?.samples).toBe(8);
    expect(back.probe?.inputs).toEqual(readNpy(npz['probe/inputs.npy']!, 'probe').values);

    const none = tmp();
    const r = await runCli(['run', PIPE, '--out', none, '--artifacts', 'none']);
    expect(r.code, r.stderr).toBe(0);
    expect(walk(none)).toEqual(['manifest.json']);
    const m = manifest(none);
    for (const n of Object.values(m.nodes))
      for (const o of Object.values(n.outputs)) {
        expect(o.files).toEqual([]);
        expect(o.skipped?.length).toBeGreaterThan(0);
        for (const s of o.skipped ?? []) expect(s).toMatchObject({ reason: 'not selected by --artifacts none' });
      }
    expect(r.stderr).toContain('not written (not selected by --artifacts none; listed in manifest.json): ');
    const line = r.stderr.split('\n').find((l) => l.startsWith('  to write mux.dataset: '));
    expect(line).toBeDefined();
    const again = await runPrinted(line!.slice('  to write mux.dataset: '.length));
    expect(again.code, again.stderr).toBe(0);
    expect(sha(join(`${none}-mux.dataset`, 'mux/dataset.npz'))).toBe(stored[0]!.sha256);

    const only = tmp();
    expect((await runCli(['run', PIPE, '--out', only, '--artifacts', 'task.dataset,net'])).code).toBe(0);
    expect(walk(only).sort()).toEqual(['manifest.json', 'net/model/model.json', 'net/model/weights.bin', 'task/dataset.npz']);
    const minus = tmp();
    expect((await runCli(['run', PIPE, '--out', minus, '--artifacts', '-sim,-or.dataset'])).code).toBe(0);
    expect(walk(minus).sort()).toEqual(['manifest.json', 'mux/dataset.npz', 'net/model/model.json', 'net/model/weights.bin', 'task/dataset.npz']);
  });

  it('a bad --artifacts is a usage error naming what is wrong (exit 2, nothing run)', async () => {
    const out = tmp();
    const a = await runCli(['run', PIPE, '--out', out, '--artifacts', 'mux,all']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--artifacts "mux,all": "all" can only come first');
    const b = await runCli(['run', PIPE, '--out', out, '--artifacts', 'mux.data']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--artifacts "mux.data": node "mux" has no output "data" (it has dataset)');
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
  });

  it('a sweep keeps each dataset once in SWEEP/store/, hard-linked into every run and referenced from its manifest', async () => {
    const out = tmp();
    const bad = await runCli(['sweep', PIPE, '--seeds', '1..3', '--seed-nodes', 'net,nope', '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--seed-nodes "net,nope": "nope" is not a node with a "seed" param (those: task, or, mux, net)');
    // A temporary file a killed run left in the store (its process is gone) is cleaned up.
    const dead = spawnSync('true').pid;
    mkdirSync(join(out, 'store'), { recursive: true });
    writeFileSync(join(out, 'store', `${'0'.repeat(64)}.npz.tmp-${dead}-1`), 'half');
    // Three network seeds on the same trials.
    const r = await runCli(['sweep', PIPE, '--seeds', '1..3', '--seed-nodes', 'net', '--workers', '2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('sweep: seeds set through net.seed');
    // Three datasets (task, or, mux) shared by the three runs: three objects.
    const objects = readdirSync(join(out, 'store'));
    expect(objects).toHaveLength(3);
    for (const o of objects) expect(o).toMatch(/^[0-9a-f]{64}\.npz$/);
    const runs = readdirSync(join(out, 'runs'));
    expect(runs).toHaveLength(3);
    for (const run of runs) {
      const dir = join(out, 'runs', run);
      const m = manifest(dir);
      for (const id of ['task', 'or', 'mux']) {
        const [s] = m.nodes[id]!.outputs['dataset']!.stored!;
        expect(s!.object).toBe(join('..', '..', 'store', `${s!.sha256}.npz`));
        const object = join(dir, s!.object!);
        expect(statSync(join(dir, s!.file)).ino).toBe(statSync(object).ino);
        expect(statSync(object).nlink).toBe(4);
        expect(statSync(object).mode & 0o777).toBe(0o444);
        expect(sha(object)).toBe(s!.sha256);
      }
    }
  });
});
