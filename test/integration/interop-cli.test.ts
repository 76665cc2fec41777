/**
 * The real CLI with a user's own files: trials from .npy trained in a pipeline (dataset.load ->
 * model.ctrnn -> train.ctrnn -> sim.run -> model.save), `cortexflow export`, what `run` prints at the
 * end, and model.load's file rules as seen from the command line (stderr and manifest never show a
 * file's contents; http URLs only with --allow-urls).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../../nodes/lib/npy.ts';
import { Rng } from '../../nodes/lib/rng.ts';
import { secretBytes } from '../fixtures/hostile-files.ts';
import { runCli } from './run-cli.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'cf-interop-'));

/** A sign-memory task: a +-1 pulse on channel 0 at steps 2-3; hold its sign from step 6 on. */
function writeTrials(dir: string, S = 96, T = 24): void {
  const rng = new Rng(4);
  const x = new Float32Array(S * T * 2);
  const y = new Float32Array(S * T);
  const mask = new Float32Array(S * T);
  const labels = new Int32Array(S);
  for (let s = 0; s < S; s++) {
    const sign = s % 2 === 0 ? 1 : -1;
    labels[s] = sign > 0 ? 1 : 0;
    for (let t = 0; t < T; t++) {
      x[(s * T + t) * 2] = (t === 2 || t === 3 ? sign : 0) + 0.02 * rng.normal();
      x[(s * T + t) * 2 + 1] = 1; // a constant channel
      y[s * T + t] = t >= 6 ? sign * 0.8 : 0;
      mask[s * T + t] = t >= 6 || t < 2 ? 1 : 0;
    }
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'inputs.npy'), encodeNpy(x, [S, T, 2]));
  writeFileSync(join(dir, 'targets.npy'), encodeNpy(y, [S, T]));
  writeFileSync(join(dir, 'mask.npy'), encodeNpy(mask, [S, T]));
  writeFileSync(join(dir, 'conditions.npy'), encodeNpy(labels, [S]));
}

function pipeline(trials: string): unknown {
  return {
    format: 'cortexflow/pipeline',
    version: 1,
    name: 'my trials',
    nodes: [
      { id: 'data', type: 'dataset.load', params: { path: trials, task: 'sign', testCount: 16 } },
      { id: 'net', type: 'model.ctrnn', params: { units: 16, seed: 2 } },
      {
        id: 'train',
        type: 'train.ctrnn',
        params: {
          lr: 0.01,
          batchSize: 16,
          maxSteps: 80,
          clipNorm: 1,
          criterionEvery: 20,
          stopAtCriterion: false,
          seed: 1,
        },
      },
      { id: 'sim', type: 'sim.run', params: {} },
      { id: 'save', type: 'model.save', params: { format: 'npz' } },
      { id: 'plot', type: 'plot.timeseries', params: { title: 'My trials' } },
    ],
    edges: [
      { from: { node: 'data', port: 'dataset' }, to: { node: 'net', port: 'dataset' } },
      { from: { node: 'data', port: 'dataset' }, to: { node: 'train', port: 'dataset' } },
      { from: { node: 'net', port: 'model' }, to: { node: 'train', port: 'model' } },
      { from: { node: 'train', port: 'model' }, to: { node: 'sim', port: 'model' } },
      { from: { node: 'data', port: 'dataset' }, to: { node: 'sim', port: 'dataset' } },
      { from: { node: 'train', port: 'model' }, to: { node: 'save', port: 'model' } },
      { from: { node: 'sim', port: 'trajectories' }, to: { node: 'plot', port: 'trajectories' } },
    ],
  };
}

describe("a user's files through the CLI", () => {
  it('trains a pipeline on trials from .npy files, saves the model for Python, prints where results are', async () => {
    const dir = tmp();
    writeTrials(join(dir, 'trials'));
    writeFileSync(join(dir, 'p.json'), JSON.stringify(pipeline(join(dir, 'trials'))));
    const out = join(dir, 'out');
    const r = await runCli(['run', join(dir, 'p.json'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const history = JSON.parse(readFileSync(join(out, 'train', 'history.json'), 'utf8')) as { loss: number[] };
    const first = history.loss.slice(0, 5).reduce((a, b) => a + b, 0) / 5;
    const last = history.loss.slice(-5).reduce((a, b) => a + b, 0) / 5;
    expect(last).toBeLessThan(first * 0.5);
    expect(existsSync(join(out, 'save', 'file', 'model.npz'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.nodes.data.outputs.dataset.summary).toMatch(/96 samples x 24 steps, 2 in \/ 1 out \(sign\)/);
    // the end of the run: the folder, then the three most useful files, the figure first
    const lines = r.stderr.trim().split('\n');
    const at = lines.indexOf(`results: ${out}`);
    expect(at, r.stderr).toBeGreaterThanOrEqual(0);
    const listed = lines.slice(at + 1, at + 4).map((l) => l.trim());
    expect(listed).toHaveLength(3);
    expect(listed[0]).toMatch(/plot\/figure\.svg$/);
    expect(listed).toContain(join(out, 'save', 'file', 'model.npz'));
    for (const f of listed) expect(existsSync(f), f).toBe(true);

    // and the exported model converts to the other formats from the CLI
    const st = await runCli(['export', join(out, 'train', 'model'), '--to', 'safetensors']);
    expect(st.code, st.stderr).toBe(0);
    expect(existsSync(join(out, 'train', 'model', 'model.safetensors'))).toBe(true);
    const again = await runCli(['export', join(out, 'train', 'model'), '--to', 'safetensors']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/model\.safetensors exists; give --force/);
    const keras = await runCli(['export', join(out, 'train', 'model'), '--to', 'keras', '-o', join(dir, 'k.h5')]);
    expect(keras.code, keras.stderr).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('model.load: no file contents in stderr or the manifest; http only with --allow-urls', async () => {
    const dir = tmp();
    const { bytes, leaks } = secretBytes(11);
    writeFileSync(join(dir, 'shadow'), bytes);
    const doc = (path: string): string => {
      const p = join(dir, `p${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(
        p,
        JSON.stringify({
          format: 'cortexflow/pipeline',
          version: 1,
          name: 'load',
          nodes: [{ id: 'm', type: 'model.load', params: { path } }],
          edges: [],
        }),
      );
      return p;
    };
    const out = join(dir, 'out1');
    const r = await runCli(['run', doc(join(dir, 'shadow')), '--out', out]);
    expect(r.code).toBe(1);
    const manifest = readFileSync(join(out, 'manifest.json'), 'utf8');
    expect(r.stderr + manifest).toMatch(
      /shadow is neither a cortexflow model\.json nor an HDF5 file \(found 256 bytes of binary data\)/,
    );
    for (const l of leaks) {
      expect(r.stderr).not.toContain(l);
      expect(manifest).not.toContain(l);
    }
    // every hostile path at once, one model.load node each: refused, none hangs, the run ends
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const sparse = join(dir, 'huge.h5');
    writeFileSync(sparse, '');
    truncateSync(sparse, 1100 * 2 ** 20); // over the 1024 MiB default limit; sparse, so no disk is used
    const hostile: Record<string, [string, RegExp]> = {
      fifo: [fifo, /pipe is a FIFO \(named pipe\), not a regular file/],
      zero: ['/dev/zero', /\/dev\/zero is a character device, not a regular file/],
      huge: [sparse, /huge\.h5 is 1100\.0 MiB, over the 1024\.0 MiB read limit; set CORTEXFLOW_MAX_READ_MB/],
      proc: ['/proc/self/environ', /environ reports size 0 but has content/],
    };
    const many = join(dir, 'hostile.json');
    writeFileSync(
      many,
      JSON.stringify({
        format: 'cortexflow/pipeline',
        version: 1,
        name: 'hostile',
        nodes: Object.entries(hostile).map(([id, [path]]) => ({ id, type: 'model.load', params: { path } })),
        edges: [],
      }),
    );
    const h = await runCli(['run', many, '--out', join(dir, 'out-h')]);
    expect(h.code).toBe(1);
    const hm = JSON.parse(readFileSync(join(dir, 'out-h', 'manifest.json'), 'utf8')) as {
      nodes: Record<string, { status: string; error?: string }>;
    };
    for (const [id, [, message]] of Object.entries(hostile)) {
      expect(hm.nodes[id]?.status, id).toBe('failed');
      expect(hm.nodes[id]?.error, id).toMatch(message);
    }
    expect(h.stderr).not.toMatch(/\n\s+at /);

    const url = doc('http://127.0.0.1:9/model.json');
    const refused = await runCli(['run', url, '--out', join(dir, 'out2')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /http: URLs are not fetched from the command line unless allowed; run with --allow-urls/,
    );
    const allowed = await runCli(['run', url, '--allow-urls', '--out', join(dir, 'out3')]);
    expect(allowed.code).toBe(1);
    expect(allowed.stderr).toMatch(/could not fetch http:\/\/127\.0\.0\.1:9\/model\.json/);
    rmSync(dir, { recursive: true, force: true });
  });
});
