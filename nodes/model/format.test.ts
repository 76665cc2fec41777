import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelPort, type Model } from '../ports/index.ts';
import { createCtrnn, type CtrnnOptions } from './ctrnn.ts';
import { decodeModel, encodeModel, modelArtifacts } from './format.ts';
import { loadModelFile, loadModelUrl, modelFromFiles, modelLoad } from './load.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runBlock } from '../../core/index.ts';
import { simulate } from './simulate.ts';
import { Rng } from '../lib/rng.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fixtureDir = join(here, '../../test/fixtures/models/tiny-ctrnn');

const base: CtrnnOptions = {
  N: 7,
  inputSize: 3,
  outputSize: 2,
  alpha: 0.2,
  activation: 'softplus',
  useBias: true,
  recurrentInit: 'normal',
  gain: 1.3,
  inputInit: 'glorot-uniform',
  outputInit: 'lecun-normal',
  noiseSigma: 0.05,
  seed: 42,
};

/** A model with non-zero biases and awkward float32 values (denormals, -0, extremes). */
function awkwardModel(): Model {
  const m = createCtrnn(base, { block: 'test', note: 'ünïcode ✓' });
  const rng = new Rng(3);
  for (let i = 0; i < m.N; i++) m.weights.b[i] = rng.normal();
  m.weights.b_out[0] = -0;
  m.weights.b_out[1] = 1.4e-45; // smallest float32 denormal
  m.weights.W_rec[0] = 3.4028234663852886e38;
  m.trainedOn = { tasks: ['and'], T: 210 };
  return m;
}

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

function inputsFor(m: Model, B: number, T: number): Float32Array {
  const rng = new Rng(9);
  return Float32Array.from({ length: B * T * m.inputSize }, () => rng.normal());
}

describe('model save format', () => {
  it('save then load gives bit-identical weights and outputs', async () => {
    const m = awkwardModel();
    const arts = await ModelPort.artifacts!(m);
    expect(arts.map((a) => a.suffix)).toEqual(['/model.json', '/weights.bin']);
    const json = arts[0]!.data as string;
    const bin = arts[1]!.data as Uint8Array;
    expect(bin.length).toBe(4 * (7 * 7 + 7 * 3 + 2 * 7 + 7 + 2));
    const { model: back } = await modelFromFiles([
      { name: 'out/model/model.json', bytes: new TextEncoder().encode(json) },
      { name: 'out/model/weights.bin', bytes: bin },
    ]);
    for (const k of ['W_rec', 'W_in', 'W_out', 'b', 'b_out'] as const)
      expect(bits(back.weights[k])).toEqual(bits(m.weights[k]));
    expect(Object.is(back.weights.b_out[0], -0)).toBe(true);
    const { weights: _w1, ...restA } = m;
    const { weights: _w2, ...restB } = back;
    expect(restB).toEqual(restA);
    const x = inputsFor(m, 3, 25);
    expect(bits(simulate(back, x, 3, 25).y)).toEqual(bits(simulate(m, x, 3, 25).y));
    expect(bits(simulate(back, x, 3, 25).hidden)).toEqual(bits(simulate(m, x, 3, 25).hidden));
  });

  it('writes the tfjs weights-manifest format: tf.io.decodeWeights reads weights.bin', () => {
    const m = awkwardModel();
    const { json, weights } = encodeModel(m);
    const group = json.weightsManifest[0]!;
    expect(group.paths).toEqual(['weights.bin']);
    expect(group.weights.map((w) => [w.name, w.shape, w.dtype])).toEqual([
      ['W_rec', [7, 7], 'float32'],
      ['W_in', [7, 3], 'float32'],
      ['W_out', [2, 7], 'float32'],
      ['b', [7], 'float32'],
      ['b_out', [2], 'float32'],
    ]);
    const buf = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
    const decoded = tf.io.decodeWeights(buf, group.weights);
    for (const k of ['W_rec', 'W_in', 'W_out', 'b', 'b_out'] as const) {
      const t = decoded[k]!;
      expect(t.shape).toEqual(group.weights.find((w) => w.name === k)!.shape);
      expect(bits(t.dataSync() as Float32Array)).toEqual(bits(m.weights[k]));
    }
    tf.dispose(Object.values(decoded));
    // little-endian on disk, whatever the platform
    const dv = new DataView(weights.buffer, weights.byteOffset);
    expect(dv.getFloat32(4, true)).toBe(m.weights.W_rec[1]);
  });

  it('keeps typed-array and JSON extras bit-exactly', () => {
    const m = awkwardModel();
    m.extras = {
      sign: Int32Array.from([1, -1, 1, 1, -1, 1, -1]),
      mask: Float32Array.from([0.5, 1e-40, -2]),
      f64: Float64Array.from([Math.PI, 1e-310]),
      note: { ei: 0.8, units: [1, 2] },
    };
    const { json, weights } = encodeModel(m);
    const back = decodeModel(JSON.stringify(json), weights);
    expect(back.extras!['sign']).toEqual(m.extras['sign']);
    expect(bits(back.extras!['mask'] as Float32Array)).toEqual(bits(m.extras['mask'] as Float32Array));
    expect(back.extras!['f64']).toEqual(m.extras['f64']);
    expect(back.extras!['note']).toEqual({ ei: 0.8, units: [1, 2] });
  });

  it('keeps constraints (Dale sign, connection mask) bit-exactly, and loads older files unconstrained', () => {
    const m = awkwardModel();
    m.constraints = {
      recurrentSign: Float32Array.from([1, -1, 0, 1, 1, -1, 1]),
      recurrentMask: Float32Array.from({ length: 49 }, (_, i) => (i % 5 === 0 ? 0 : 1)),
    };
    const { json, weights } = encodeModel(m);
    expect(json.weightsManifest[0]!.weights.map((w) => w.name).slice(5)).toEqual([
      'constraints/recurrentSign',
      'constraints/recurrentMask',
    ]);
    const back = decodeModel(json, weights);
    expect(back.constraints).toEqual(m.constraints);
    const { constraints: _c, ...plain } = m;
    expect(decodeModel(encodeModel(plain).json, encodeModel(plain).weights).constraints).toBeUndefined();
    m.constraints = { recurrentSign: Float32Array.from([2, 0, 0, 0, 0, 0, 0]) };
    expect(() => encodeModel(m)).toThrow(/recurrentSign must hold only \+1/);
  });

  it('rejects files that are not what they claim, saying what was found', () => {
    const m = awkwardModel();
    const { json, weights } = encodeModel(m);
    expect(() => decodeModel(JSON.stringify(json), weights.subarray(0, 40))).toThrow(
      /too short.*"W_rec" needs bytes 0\.\.196, the file has 40/,
    );
    const extra = new Uint8Array(weights.length + 4);
    extra.set(weights);
    expect(() => decodeModel(json, extra)).toThrow(/manifest describes/);
    expect(() => decodeModel({ ...json, format: 'keras' }, weights)).toThrow(
      /"format" is not "cortexflow\/model", expected "cortexflow\/model"/,
    );
    expect(() => decodeModel({ ...json, version: 99 }, weights)).toThrow(/newer than this cortexflow reads/);
    expect(() => decodeModel({ ...json, activation: 'elu' }, weights)).toThrow(/"activation" is "elu"/);
    expect(() => decodeModel({ ...json, N: 8 }, weights)).toThrow(/"W_rec" needs bytes|"W_rec" has/);
    expect(() => decodeModel('{not json', weights)).toThrow(/not valid JSON/);
    expect(() => decodeModel(json, {})).toThrow(/weights file "weights.bin" named in the manifest was not given/);
    // manifest paths in a subfolder are found by their path or their base name
    const sub = { ...json, weightsManifest: [{ ...json.weightsManifest[0]!, paths: ['w/weights.bin'] }] };
    expect(bits(decodeModel(sub, { 'w/weights.bin': weights }).weights.W_in)).toEqual(bits(m.weights.W_in));
    expect(bits(decodeModel(sub, { 'weights.bin': weights }).weights.W_in)).toEqual(bits(m.weights.W_in));
  });

  it('artifacts and model.load agree on disk: folder, model.json and errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-model-'));
    const m = awkwardModel();
    await mkdir(join(dir, 'net'));
    for (const a of modelArtifacts(m)) await writeFile(join(dir, 'net' + a.suffix), a.data);
    const fromFolder = (await loadModelFile(join(dir, 'net'))).model;
    const fromJson = (await loadModelFile(join(dir, 'net', 'model.json'))).model;
    expect(bits(fromFolder.weights.W_rec)).toEqual(bits(m.weights.W_rec));
    expect(bits(fromJson.weights.W_out)).toEqual(bits(m.weights.W_out));
    await expect(loadModelFile(join(dir, 'nope.json'))).rejects.toThrow(/no file at .*nope\.json/);
    await expect(loadModelFile(dir)).rejects.toThrow(/holds no model\.json/);
    await writeFile(join(dir, 'notes.txt'), 'hello world, not a model');
    await expect(loadModelFile(join(dir, 'notes.txt'))).rejects.toThrow(
      /neither a cortexflow model\.json nor an HDF5 file \(found 24 bytes of text\)/,
    );
    await mkdir(join(dir, 'lonely'));
    await writeFile(join(dir, 'lonely', 'model.json'), modelArtifacts(m)[0]!.data);
    await expect(loadModelFile(join(dir, 'lonely'))).rejects.toThrow(
      /names the weights file "weights\.bin", but there is no file/,
    );
  });

  it('reads the committed fixture (format stability) and it equals the same init today', async () => {
    // test/fixtures/models/tiny-ctrnn was written by this format, version 1, from createCtrnn(fixtureOptions).
    const opts = JSON.parse(await readFile(join(fixtureDir, 'options.json'), 'utf8')) as CtrnnOptions;
    const saved = (await loadModelFile(fixtureDir)).model;
    const today = createCtrnn(opts);
    for (const k of ['W_rec', 'W_in', 'W_out', 'b', 'b_out'] as const)
      expect(bits(saved.weights[k])).toEqual(bits(today.weights[k]));
    expect(saved.alpha).toBe(opts.alpha);
    expect(saved.activation).toBe(opts.activation);
  });

  it('loads from http(s) URLs (weights fetched next to model.json) and refuses file paths in the browser', async () => {
    const m = awkwardModel();
    const files = new Map(modelArtifacts(m).map((a) => [`/runs/net${a.suffix}`, a.data]));
    const server = createServer((req, res) => {
      const body = files.get(req.url ?? '');
      if (body === undefined) {
        res.statusCode = 404;
        res.end('not found');
      } else res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { model } = await loadModelUrl(`${base}/runs/net/model.json`);
      expect(bits(model.weights.W_rec)).toEqual(bits(m.weights.W_rec));
      const rec = await runBlock<{ model: Model }>(modelLoad, {
        params: { path: `${base}/runs/net/model.json` },
        env: { platform: 'browser' },
      });
      expect(bits(rec.outputs.model.weights.W_in)).toEqual(bits(m.weights.W_in));
      await expect(loadModelUrl(`${base}/runs/other/model.json`)).rejects.toThrow(/gave HTTP 404/);
      await expect(
        loadModelUrl(
          `data:application/json;base64,${Buffer.from(modelArtifacts(m)[0]!.data as string).toString('base64')}`,
        ),
      ).rejects.toThrow(/data: URL cannot bring its weights file "weights\.bin"/);
    } finally {
      server.close();
    }
    await expect(
      runBlock(modelLoad, { params: { path: 'runs/net/model.json' }, env: { platform: 'browser' } }),
    ).rejects.toThrow(
      /"runs\/net\/model\.json" is a file path, which only Node can read; in the browser give an http\(s\):, data: or blob: URL/,
    );
  });
});
