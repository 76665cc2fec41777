/**
 * docs/python.md's Python blocks, run as written with /usr/bin/python3 on exported networks, against
 * sim.run's outputs on the same inputs (max abs difference printed, must be < 1e-5).
 *
 * NumPy (and h5py) come from Debian (.ci/run installs python3-numpy and python3-h5py); without them
 * these tests fail under CI=true and are skipped with a warning elsewhere. PyTorch (python3-torch,
 * large) and Keras (not in Debian) run where installed, else are skipped with a warning.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { runBlock } from '../../core/testing.ts';
import { createCtrnn } from '../../nodes/model/ctrnn.ts';
import { toKerasH5, toNpz, toSafetensors } from '../../nodes/model/export.ts';
import { loadModelFile } from '../../nodes/model/load.ts';
import { simRun } from '../../nodes/sim/run.ts';
import { encodeNpy } from '../../nodes/lib/npy.ts';
import { readNpy } from '../../nodes/lib/npy-read.ts';
import { Rng } from '../../nodes/lib/rng.ts';
import { makeDataset, type Dataset, type Model, type Trajectories } from '../../nodes/ports/index.ts';
import { datasetLoad } from '../../nodes/dataset/load.ts';

const PY = '/usr/bin/python3';
const can = (mod: string): boolean => spawnSync(PY, ['-c', `import ${mod}`], { stdio: 'ignore' }).status === 0;
const CI = process.env['CI'] === 'true' || process.env['CI'] === '1';
const has = { numpy: can('numpy'), h5py: can('h5py'), torch: can('torch'), keras: can('keras') };
for (const [mod, ok] of Object.entries(has))
  if (!ok)
    console.warn(
      `python.test.ts: SKIPPING the docs/python.md blocks that need ${mod}: ${PY} cannot import it` +
        (mod === 'numpy' || mod === 'h5py' ? ` (apt-get install python3-${mod}; CI fails without it)` : ''),
    );

/** The ```python <tag> blocks of docs/python.md (or of another page of docs/). */
function snippet(tag: string, page = 'python.md'): string {
  const doc = readFileSync(join(process.cwd(), 'docs', page), 'utf8');
  const m = new RegExp('```python ' + tag + '\\n([\\s\\S]*?)```').exec(doc);
  if (!m?.[1]) throw new Error(`docs/${page} has no \`\`\`python ${tag} block`);
  return m[1];
}

/** Temporary folders made here, removed after the tests. */
const made: string[] = [];
const tempDir = (prefix: string): string => {
  const d = mkdtempSync(prefix);
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const B = 4;
const T = 60;

async function setup(model: Model): Promise<{ dir: string; ySim: Float32Array }> {
  const dir = tempDir(join(tmpdir(), 'cf-python-'));
  const rng = new Rng(5);
  const x = new Float32Array(B * T * model.inputSize);
  // Pulses and a little noise, as a task's inputs look.
  for (let i = 0; i < x.length; i++)
    x[i] = (rng.uniform() < 0.1 ? (rng.uniform() < 0.5 ? -1 : 1) : 0) + 0.05 * rng.normal();
  writeFileSync(join(dir, 'x.npy'), encodeNpy(x, [B, T, model.inputSize]));
  writeFileSync(join(dir, 'model.npz'), toNpz(model).bytes);
  writeFileSync(join(dir, 'model.safetensors'), toSafetensors(model).bytes);
  if (model.alpha === 1) writeFileSync(join(dir, 'model.h5'), (await toKerasH5(model)).bytes);
  const dataset = makeDataset({ samples: B, T, channels: model.inputSize, outputs: model.outputSize, inputs: x });
  const rec = await runBlock<{ trajectories: Trajectories }>(simRun, {
    params: { conditions: 'all', engine: 'js' },
    inputs: { model, dataset },
  });
  return { dir, ySim: rec.outputs.trajectories.y };
}

/** Run a doc block in `dir`, save its `y`, return max |y - ySim|. */
function runSnippet(tag: string, dir: string, ySim: Float32Array): number {
  const save =
    "\nimport numpy as _np\n_np.save('y_out.npy', _np.asarray(y.detach().numpy() if hasattr(y, 'detach') else y, dtype=_np.float64))\n";
  writeFileSync(join(dir, `doc_${tag.replace(/-/g, '_')}.py`), snippet(tag) + save);
  const r = spawnSync(PY, [`doc_${tag.replace(/-/g, '_')}.py`], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, `${tag}.py failed:\n${r.stderr}`).toBe(0);
  const y = readNpy(new Uint8Array(readFileSync(join(dir, 'y_out.npy'))), 'y_out.npy');
  expect(y.shape.reduce((a, b) => a * b, 1)).toBe(ySim.length);
  let max = 0;
  for (let i = 0; i < ySim.length; i++) max = Math.max(max, Math.abs((y.values[i] as number) - (ySim[i] as number)));
  console.log(
    `docs/python.md "${tag}" vs sim.run: max |difference| = ${max.toExponential(2)} (${ySim.length} outputs)`,
  );
  return max;
}

/** A trained network, alpha = 0.2 (test/fixtures/models/flip-flop-3bit), and an alpha = 1 net with a bias. */
async function models(): Promise<{ leaky: Model; keras: Model }> {
  const leaky = (await loadModelFile(join(process.cwd(), 'test/fixtures/models/flip-flop-3bit'))).model;
  const keras = createCtrnn({
    N: 32,
    inputSize: 3,
    outputSize: 2,
    alpha: 1,
    activation: 'tanh',
    useBias: true,
    recurrentInit: 'normal',
    gain: 1.4,
    inputInit: 'glorot-uniform',
    outputInit: 'glorot-uniform',
    noiseSigma: 0,
    seed: 3,
  });
  const rng = new Rng(9);
  for (let i = 0; i < keras.N; i++) keras.weights.b[i] = 0.2 * rng.normal();
  keras.weights.b_out.set([0.1, -0.3]);
  return { leaky, keras };
}

const needNumpy = !has.numpy && !CI;

/** Run a doc block as written in `dir`, plus `extra` lines; returns stdout. */
function runPlain(tag: string, dir: string, extra = ''): string {
  const file = `doc_${tag.replace(/-/g, '_')}.py`;
  writeFileSync(join(dir, file), snippet(tag) + extra);
  const r = spawnSync(PY, [file], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, `${file} failed:\n${r.stderr}`).toBe(0);
  return r.stdout;
}

describe('docs/python.md', () => {
  it('has a test for every python block', () => {
    const doc = readFileSync(join(process.cwd(), 'docs', 'python.md'), 'utf8');
    const tags = [...doc.matchAll(/```python ?([^\n]*)\n/g)].map((m) => m[1]);
    expect(tags.sort()).toEqual(
      ['datasets-out', 'h5py', 'keras', 'numpy-npz', 'torch-nn-rnn', 'torch-safetensors', 'trials-in'].sort(),
    );
  });

  it.skipIf(needNumpy)('datasets out: a real run\'s dataset.npz and hidden.npz load with NumPy as the doc says', async () => {
    expect(has.numpy, `${PY} cannot import numpy (CI=true): install python3-numpy`).toBe(true);
    const dir = tempDir(join(tmpdir(), 'cf-python-ds-'));
    const run = join(dir, 'runs/my-run');
    const r = await runCli(['run', 'test/fixtures/pipelines/multitask-small.json', '--out', run]);
    expect(r.code, r.stderr).toBe(0);
    // What was written, read back here with fflate + our .npy reader, for numpy to agree with.
    const npz = unzipSync(new Uint8Array(readFileSync(join(run, 'mux/dataset.npz'))));
    const x = readNpy(npz['inputs.npy']!, 'inputs');
    const meta = JSON.parse(new TextDecoder().decode(npz['meta.json'])) as { channelNames: string[] };
    const hidden = readNpy(unzipSync(new Uint8Array(readFileSync(join(run, 'sim/trajectories/hidden.npz'))))['hidden.npy']!, 'hidden');
    const out = runPlain(
      'datasets-out',
      dir,
      "\nprint(json.dumps({'x': list(x.shape), 'y': list(y.shape), 'm': list(mask.shape), 'sum': float(x.sum()), 'ch': meta['channelNames'], 'labels': len(labels), 'distinct': len(set(labels)), 'probe': list(probe.shape), 'h': list(h.shape), 'hsum': float(h.astype('float64').sum())}))\n",
    );
    const got = JSON.parse(out.trim().split('\n').pop() as string) as Record<string, unknown>;
    expect(got).toMatchObject({ x: [80, 240, 3], y: [80, 240, 1], m: [80, 240], ch: meta.channelNames, labels: 80 });
    expect(got['distinct']).toBeGreaterThan(1);
    expect(got['probe']).toEqual([8, 240, 3]);
    expect(got['h']).toEqual(hidden.shape);
    expect(got['sum']).toBeCloseTo(Array.from(x.values).reduce((a, b) => a + b, 0), 3);
    expect(got['hsum']).toBeCloseTo(Array.from(hidden.values).reduce((a, b) => a + b, 0), 3);
    // docs/tasks.md's block, in the run folder.
    writeFileSync(join(run, 'doc_tasks_mux.py'), snippet('tasks-mux', 'tasks.md') + "\nprint(json.dumps([list(x.shape), len(labels)]))\n");
    const t = spawnSync(PY, ['doc_tasks_mux.py'], { cwd: run, encoding: 'utf8', timeout: 120_000 });
    expect(t.status, t.stderr).toBe(0);
    expect(JSON.parse(t.stdout.trim())).toEqual([[80, 240, 3], 80]);
  });

  it('docs/tasks.md: every python block is run here', () => {
    const doc = readFileSync(join(process.cwd(), 'docs', 'tasks.md'), 'utf8');
    expect([...doc.matchAll(/```python ?([^\n]*)\n/g)].map((m) => m[1])).toEqual(['tasks-mux']);
  });

  it.skipIf(needNumpy)('trials in: what the doc saves with np.savez loads with dataset.load', async () => {
    expect(has.numpy, `${PY} cannot import numpy (CI=true): install python3-numpy`).toBe(true);
    const dir = tempDir(join(tmpdir(), 'cf-python-in-'));
    runPlain('trials-in', dir);
    const ds = (await runBlock<{ dataset: Dataset }>(datasetLoad, { params: { path: join(dir, 'my-trials.npz') } }))
      .outputs.dataset;
    expect(ds).toMatchObject({ samples: 200, T: 100, channels: 3, outputs: 1 });
    expect(new Set(ds.conditions.map((c) => c.key))).toEqual(new Set(['user left', 'user right']));
    expect(ds.probe?.samples).toBe(2);
    expect(ds.mask.every((v) => v === 1)).toBe(true);
    // targets = cumsum of channel 0 / 10, computed by NumPy in float64
    let worst = 0;
    for (let s = 0; s < 200; s += 37) {
      let acc = 0;
      for (let t = 0; t < 100; t++) {
        acc += ds.inputs[(s * 100 + t) * 3] as number;
        worst = Math.max(worst, Math.abs(acc / 10 - (ds.targets[s * 100 + t] as number)));
      }
    }
    expect(worst).toBeLessThan(1e-5);
  });
});

describe('docs/python.md runs and re-simulates exported models as sim.run does', () => {
  it.skipIf(needNumpy)('NumPy from .npz: alpha = 0.2 (trained flip-flop) and alpha = 1', async () => {
    expect(has.numpy, `${PY} cannot import numpy (CI=true): install python3-numpy`).toBe(true);
    const { leaky, keras } = await models();
    for (const m of [leaky, keras]) {
      const { dir, ySim } = await setup(m);
      expect(runSnippet('numpy-npz', dir, ySim)).toBeLessThan(1e-5);
    }
  });

  it.skipIf(!has.torch)('PyTorch from safetensors (any alpha) and nn.RNN + nn.Linear (alpha = 1)', async () => {
    const { leaky, keras } = await models();
    for (const m of [leaky, keras]) {
      const { dir, ySim } = await setup(m);
      expect(runSnippet('torch-safetensors', dir, ySim)).toBeLessThan(1e-5);
      if (m.alpha === 1) expect(runSnippet('torch-nn-rnn', dir, ySim)).toBeLessThan(1e-5);
    }
  });

  it.skipIf(!has.h5py && !CI)('the Keras HDF5 file read with h5py in the Keras layout', async () => {
    expect(has.h5py, `${PY} cannot import h5py (CI=true): install python3-h5py`).toBe(true);
    const { dir, ySim } = await setup((await models()).keras);
    expect(runSnippet('h5py', dir, ySim)).toBeLessThan(1e-5);
  });

  it.skipIf(!has.keras)('keras.models.load_model reads it', async () => {
    const { dir, ySim } = await setup((await models()).keras);
    expect(runSnippet('keras', dir, ySim)).toBeLessThan(1e-5);
  });
});
