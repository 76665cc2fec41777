/**
 * dataset.load: .npz, folders of .npy, MATLAB v7.3; the dtypes NumPy writes by default (float64,
 * int64, bool, str); shape and dtype errors that name the file and the array; our own Dataset
 * artifacts loading back; the hostile paths of issue 14.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import h5wasm from 'h5wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBlock } from '../../core/testing.ts';
import { canMkfifo, hostilePaths, secretBytes } from '../../test/fixtures/hostile-files.ts';
import { datasetArtifacts, makeDataset, type Dataset } from '../ports/index.ts';
import { datasetLoad } from './load.ts';

/** An .npy file of any dtype, written byte by byte as NumPy does (header padded to 64). */
function npy(descr: string, shape: number[], data: Uint8Array, fortran = false): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const pad = (64 - ((10 + dict.length + 1) % 64)) % 64;
  const header = dict + ' '.repeat(pad) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(data, 10 + header.length);
  return out;
}
const f64 = (a: number[]): Uint8Array => new Uint8Array(Float64Array.from(a).buffer);
const f32 = (a: number[]): Uint8Array => new Uint8Array(Float32Array.from(a).buffer);
const i64 = (a: number[]): Uint8Array => new Uint8Array(BigInt64Array.from(a.map(BigInt)).buffer);
const u32str = (a: string[], n: number): Uint8Array => {
  const out = new Uint32Array(a.length * n);
  a.forEach((s, i) => Array.from(s).forEach((c, j) => (out[i * n + j] = c.codePointAt(0)!)));
  return new Uint8Array(out.buffer);
};

const S = 4;
const T = 5;
const C = 2;
const xs = Array.from({ length: S * T * C }, (_, i) => i / 10);
const ys = Array.from({ length: S * T }, (_, i) => -i / 7);

async function load(path: string, params: Record<string, unknown> = {}): Promise<Dataset> {
  return (await runBlock<{ dataset: Dataset }>(datasetLoad, { params: { path, ...params } })).outputs.dataset;
}
async function failure(path: string, params: Record<string, unknown> = {}): Promise<string> {
  return load(path, params).then(
    () => 'no error',
    (e: unknown) => (e as Error).message,
  );
}

describe('dataset.load', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cf-dsload-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads an np.savez file with NumPy default dtypes: float64 inputs, 2-D targets, bool mask, str labels', async () => {
    const mask = new Uint8Array(S * T).fill(1);
    mask[0] = 0;
    const labels = ['go', 'nogo', 'go', 'nogo'];
    await writeFile(
      join(dir, 'trials.npz'),
      zipSync({
        'inputs.npy': npy('<f8', [S, T, C], f64(xs)),
        'targets.npy': npy('<f4', [S, T], f32(ys)),
        'mask.npy': npy('|b1', [S, T], mask),
        'conditions.npy': npy('<U4', [S], u32str(labels, 4)),
      }),
    );
    const ds = await load(join(dir, 'trials.npz'), { task: 'gng', testCount: 1 });
    expect(ds).toMatchObject({ samples: S, T, channels: C, outputs: 1, testCount: 1, tasks: ['gng'] });
    expect(Array.from(ds.inputs)).toEqual(Array.from(Float32Array.from(xs)));
    expect(Array.from(ds.targets)).toEqual(Array.from(Float32Array.from(ys)));
    expect(ds.mask[0]).toBe(0);
    expect(ds.mask[1]).toBe(1);
    expect(ds.conditions.map((c) => c.key)).toEqual(labels.map((l) => `gng ${l}`));
    // the probe: the first trial of each label
    expect(ds.probe?.samples).toBe(2);
    expect(Array.from(ds.probe!.inputs.subarray(0, T * C))).toEqual(Array.from(ds.inputs.subarray(0, T * C)));
    expect(Array.from(ds.probe!.inputs.subarray(T * C))).toEqual(Array.from(ds.inputs.subarray(T * C, 2 * T * C)));
  });

  it('reads an .npz from a data: URL (how the editor passes a file) and refuses http in Node without the opt-in', async () => {
    const npz = zipSync({ 'inputs.npy': npy('<f8', [S, T, C], f64(xs)), 'targets.npy': npy('<f4', [S, T], f32(ys)) });
    const url = `data:application/zip;base64,${Buffer.from(npz).toString('base64')}`;
    const rec = await runBlock<{ dataset: Dataset }>(datasetLoad, {
      params: { path: url },
      env: { platform: 'browser' },
    });
    expect(Array.from(rec.outputs.dataset.inputs)).toEqual(Array.from(Float32Array.from(xs)));
    expect(rec.outputs.dataset.provenance['source']).toBe('the data: URL');
    const before = process.env['CORTEXFLOW_ALLOW_URLS'];
    delete process.env['CORTEXFLOW_ALLOW_URLS'];
    try {
      expect(await failure('http://127.0.0.1:9/trials.npz')).toMatch(
        /path: http: URLs are not fetched from the command line unless allowed; run with --allow-urls/,
      );
    } finally {
      if (before !== undefined) process.env['CORTEXFLOW_ALLOW_URLS'] = before;
    }
  });

  it('reads a folder of .npy files (int64 labels, Fortran order, big-endian), or an .npy in it', async () => {
    const sub = join(dir, 'folder');
    await mkdir(sub);
    // Fortran order: the bytes hold x[s, t, c] at s + S*(t + T*c)
    const fortran = new Float64Array(S * T * C);
    for (let s = 0; s < S; s++)
      for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) fortran[s + S * (t + T * c)] = xs[(s * T + t) * C + c]!;
    await writeFile(join(sub, 'inputs.npy'), npy('<f8', [S, T, C], new Uint8Array(fortran.buffer), true));
    const be = new DataView(new ArrayBuffer(S * T * 4));
    ys.forEach((v, i) => be.setFloat32(i * 4, v, false));
    await writeFile(join(sub, 'targets.npy'), npy('>f4', [S, T, 1], new Uint8Array(be.buffer)));
    await writeFile(join(sub, 'conditions.npy'), npy('<i8', [S], i64([0, 1, 1, 0])));
    for (const p of [sub, join(sub, 'inputs.npy')]) {
      const ds = await load(p);
      expect(Array.from(ds.inputs)).toEqual(Array.from(Float32Array.from(xs)));
      expect(Array.from(ds.targets)).toEqual(Array.from(Float32Array.from(ys)));
      expect(ds.conditions.map((c) => c.inputValues[0])).toEqual([0, 1, 1, 0]);
      expect(Array.from(ds.mask)).toEqual(new Array(S * T).fill(1));
    }
  });

  it('loads a Dataset output folder back with its labels, names, test split and probe', async () => {
    const probe = makeDataset({
      samples: 2,
      T,
      channels: C,
      outputs: 1,
      inputs: Float32Array.from(xs.slice(0, 2 * T * C)),
    });
    const orig = makeDataset({
      samples: S,
      T,
      channels: C,
      outputs: 1,
      inputs: Float32Array.from(xs),
      targets: Float32Array.from(ys),
      channelNames: ['A', 'B'],
      outputNames: ['out'],
      testCount: 2,
      tasks: ['and'],
      conditions: [0, 1, 2, 3].map((i) => ({ task: 'and', inputValues: [i % 2], jitter: i, key: `and A=${i % 2}` })),
      probe,
    });
    const out = join(dir, 'ds-artifact', 'dataset');
    await mkdir(join(out, 'probe'), { recursive: true });
    for (const a of datasetArtifacts(orig)) await writeFile(join(dir, 'ds-artifact', `dataset${a.suffix}`), a.data);
    const ds = await load(out);
    expect(ds).toMatchObject({ channelNames: ['A', 'B'], outputNames: ['out'], testCount: 2, tasks: ['and'] });
    expect(ds.conditions).toEqual(orig.conditions);
    expect(Array.from(ds.inputs)).toEqual(Array.from(orig.inputs));
    expect(ds.probe?.samples).toBe(2);
  });

  it('reads MATLAB v7.3 (HDF5, column-major: axes reversed)', async () => {
    const { FS } = await h5wasm.ready;
    const f = new h5wasm.File('/trials.mat', 'w');
    // MATLAB's x(s, t, c) is stored as HDF5 [C, T, S] in C order: offset (c*T + t)*S + s
    const data = new Float64Array(S * T * C);
    for (let s = 0; s < S; s++)
      for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) data[(c * T + t) * S + s] = xs[(s * T + t) * C + c]!;
    f.create_dataset({ name: 'x', data, shape: [C, T, S], dtype: '<d' }).create_attribute('MATLAB_class', 'double');
    const y = new Float64Array(S * T);
    for (let s = 0; s < S; s++) for (let t = 0; t < T; t++) y[t * S + s] = ys[s * T + t]!;
    f.create_dataset({ name: 'y', data: y, shape: [T, S], dtype: '<d' });
    f.close();
    await writeFile(join(dir, 'trials.mat'), FS.readFile('/trials.mat'));
    FS.unlink('/trials.mat');
    const ds = await load(join(dir, 'trials.mat'), { inputs: 'x', targets: 'y' });
    expect(Array.from(ds.inputs)).toEqual(Array.from(Float32Array.from(xs)));
    expect(Array.from(ds.targets)).toEqual(Array.from(Float32Array.from(ys)));
    // MATLAB 5 files are refused with what to do
    const mat5 = new Uint8Array(256);
    mat5.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Mon Jan 1'));
    await writeFile(join(dir, 'old.mat'), mat5);
    expect(await failure(join(dir, 'old.mat'))).toMatch(/MATLAB 5 \(pre-v7\.3\) MAT-file.*save\(file, '-v7\.3'\)/);
  });

  it('shape, dtype and value errors name the file and the array', async () => {
    const bad = async (name: string, files: Record<string, Uint8Array>, params: Record<string, unknown> = {}) => {
      await writeFile(join(dir, name), zipSync(files));
      return failure(join(dir, name), params);
    };
    const x = npy('<f8', [S, T, C], f64(xs));
    expect(await bad('a.npz', { 'x.npy': x })).toMatch(
      /a\.npz has no array 'inputs' \(the inputs\); it has 'x'; set the param "inputs"/,
    );
    expect(
      await bad('b.npz', { 'inputs.npy': npy('<f8', [S, T * C], f64(xs)), 'targets.npy': npy('<f4', [S, T], f32(ys)) }),
    ).toMatch(
      /b\.npz: array 'inputs' has shape \(4, 10\); inputs must be 3-D \[samples, T, channels\] \(one channel: add an axis/,
    );
    expect(
      await bad('c.npz', { 'inputs.npy': x, 'targets.npy': npy('<f4', [S, T - 1], f32(ys.slice(0, S * (T - 1)))) }),
    ).toMatch(
      /c\.npz: array 'targets' has shape \(4, 4\); targets must be \[samples, T, outputs\] = \(4, 5, outputs\)/,
    );
    expect(
      await bad('d.npz', {
        'inputs.npy': x,
        'targets.npy': npy('<f4', [S, T], f32(ys)),
        'mask.npy': npy('<f4', [T, S], f32(ys)),
      }),
    ).toMatch(/d\.npz: array 'mask' has shape \(5, 4\); the mask must be \[samples, T\] = \(4, 5\)/);
    const nan = [...xs];
    nan[7] = NaN;
    expect(
      await bad('e.npz', { 'inputs.npy': npy('<f8', [S, T, C], f64(nan)), 'targets.npy': npy('<f4', [S, T], f32(ys)) }),
    ).toMatch(/e\.npz: array 'inputs' has a non-finite value \(NaN or infinity\) at flat index 7/);
    expect(await bad('f.npz', { 'inputs.npy': npy('|O', [S], new Uint8Array(8)), 'targets.npy': x })).toMatch(
      /f\.npz: array 'inputs': dtype \|O is not read \(object/,
    );
    expect(
      await bad('g.npz', {
        'inputs.npy': x,
        'targets.npy': npy('<f4', [S, T], f32(ys)),
        'conditions.npy': npy('<i8', [3], i64([0, 1, 2])),
      }),
    ).toMatch(/g\.npz: array 'conditions' has shape \(3,\); condition labels must be one per trial, shape \(4,\)/);
    expect(await bad('h.npz', { 'inputs.npy': npy('<f8', [S, T, C], f64(xs.slice(0, 10))), 'targets.npy': x })).toMatch(
      /h\.npz: array 'inputs': the file holds 80 data bytes, shape \(4, 5, 2\) of <f8 needs 320 \(truncated\?\)/,
    );
    expect(
      await bad('i.npz', { 'inputs.npy': x, 'targets.npy': npy('<f4', [S, T], f32(ys)) }, { testCount: 9 }),
    ).toMatch(/testCount = 9 is more than the 4 trials/);
  });

  it.runIf(canMkfifo)('hostile paths are refused; contents are never echoed', async () => {
    for (const [name, path, message] of await hostilePaths(dir)) {
      if (name === 'a directory' || name === 'a sparse file over the limit') continue; // a folder is a layout; the limit is tested below
      expect(await failure(path), name).toMatch(message);
    }
    const bigDir = join(dir, 'big');
    await mkdir(bigDir);
    const big = (await hostilePaths(bigDir)).find(([n]) => n.startsWith('a sparse'))!;
    const before = process.env['CORTEXFLOW_MAX_READ_MB'];
    process.env['CORTEXFLOW_MAX_READ_MB'] = '1';
    try {
      expect(await failure(big[1])).toMatch(big[2]);
    } finally {
      if (before === undefined) delete process.env['CORTEXFLOW_MAX_READ_MB'];
      else process.env['CORTEXFLOW_MAX_READ_MB'] = before;
    }
    const { bytes, leaks } = secretBytes(3);
    await writeFile(join(dir, 'secret.npz'), bytes);
    const msg = await failure(join(dir, 'secret.npz'));
    expect(msg).toMatch(
      /secret\.npz is not an \.npz, a \.mat \(v7\.3\) or an \.npy file \(found 256 bytes of binary data\)/,
    );
    for (const l of leaks) expect(msg).not.toContain(l);
    expect(
      (await runBlock(datasetLoad, { params: { path: 'x.npz' }, env: { platform: 'browser' } }).catch(
        (e: Error) => e,
      )) as Error,
    ).toHaveProperty(
      'message',
      expect.stringMatching(
        /"x\.npz" is a file path, which only Node can read; in the browser give an http\(s\):, data: or blob: URL/,
      ),
    );
  });
});

describe('dataset.load output goes where a task dataset goes', () => {
  it("context.mux combines it with a task block's dataset", async () => {
    const { contextMux } = await import('../context/mux.ts');
    const { andTask } = await import('../tasks/index.ts');
    const dir = await mkdtemp(join(tmpdir(), 'cf-dsmux-'));
    try {
      const S2 = 20;
      const T2 = 60;
      const x = new Float32Array(S2 * T2 * 2).map((_, i) => (i % 7 === 0 ? 1 : 0));
      const y = new Float32Array(S2 * T2).map((_, i) => (i % 5 === 0 ? 0.5 : 0));
      const labels = Int32Array.from({ length: S2 }, (_, s) => s % 2);
      const { encodeNpy } = await import('../lib/npy.ts');
      await writeFile(
        join(dir, 'mine.npz'),
        zipSync({
          'inputs.npy': encodeNpy(x, [S2, T2, 2]),
          'targets.npy': encodeNpy(y, [S2, T2]),
          'conditions.npy': encodeNpy(labels, [S2]),
        }),
      );
      const mine = await load(join(dir, 'mine.npz'), { task: 'mine' });
      const and = (
        await runBlock<{ dataset: Dataset }>(andTask, { params: { samples: 20, T: 60, stimStart: 5, seed: 1 } })
      ).outputs.dataset;
      const mux = await runBlock<{ dataset: Dataset }>(contextMux, {
        params: { levels: { and: 1, mine: -1 }, seed: 1 },
        inputs: { tasks: [and, mine] },
      });
      const out = mux.outputs.dataset;
      expect(out.tasks).toEqual(['and', 'mine']);
      expect(out.conditions.some((c) => c.task === 'mine')).toBe(true);
      expect(out.probe?.conditions.some((c) => c.task === 'mine')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
