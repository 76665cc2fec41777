/**
 * Export round trips: ours -> Keras HDF5 -> ours bit-exactly; the safetensors and npz files parsed
 * back independently (header, names, shapes, bytes); model.save as a block.
 */
import { describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { runBlock } from '../../core/testing.ts';
import { createCtrnn, type CtrnnOptions } from './ctrnn.ts';
import { toKerasH5, toNpz, toSafetensors } from './export.ts';
import { modelFromKerasH5 } from './keras.ts';
import { decodeNpy } from '../lib/npy.ts';
import { modelSave, type ExportedModelFile } from './save.ts';
import type { Model } from '../ports/index.ts';

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

function net(o: Partial<CtrnnOptions> = {}): Model {
  const m = createCtrnn(
    {
      N: 7,
      inputSize: 3,
      outputSize: 2,
      alpha: 1,
      activation: 'tanh',
      useBias: true,
      recurrentInit: 'normal',
      gain: 1.3,
      inputInit: 'glorot-uniform',
      outputInit: 'glorot-uniform',
      noiseSigma: 0.05,
      seed: 11,
      ...o,
    },
    { block: 'test' },
  );
  // Non-zero biases and awkward values (subnormal, -0, large), so that bit-exactness means something.
  m.weights.b.forEach((_, i) => (m.weights.b[i] = (i - 3) * 0.137));
  m.weights.b_out[0] = -0;
  m.weights.b_out[1] = 1e-40;
  m.weights.W_rec[5] = 3.4e38;
  return m;
}

describe('model export', () => {
  it('ours -> Keras HDF5 -> ours is bit-exact (weights, settings, seed, noise, provenance)', async () => {
    for (const activation of ['tanh', 'relu', 'softplus', 'sigmoid'] as const)
      for (const useBias of [true, false]) {
        const m = net({ activation, useBias });
        if (!useBias) m.weights.b.fill(0);
        const { bytes, warnings } = await toKerasH5(m);
        expect(warnings).toEqual([expect.stringMatching(/training noise \(noiseSigma 0\.05\)/)]);
        const back = (await modelFromKerasH5(bytes, 'net.h5')).model;
        for (const k of ['W_rec', 'W_in', 'W_out', 'b', 'b_out'] as const)
          expect(bits(back.weights[k]), `${activation} ${useBias} ${k}`).toEqual(bits(m.weights[k]));
        expect(back).toMatchObject({
          cell: 'ctrnn',
          N: 7,
          inputSize: 3,
          outputSize: 2,
          alpha: 1,
          activation,
          useBias,
          noiseSigma: 0.05,
          seed: 11,
        });
        expect(back.provenance['block']).toBe('test');
      }
  });

  it('refuses Keras for alpha != 1 and for plugin cells, saying why', async () => {
    await expect(toKerasH5(net({ alpha: 0.2 }))).rejects.toThrow(
      /cannot export to Keras: alpha is 0\.2, and Keras' SimpleRNN has no leak.*--to safetensors or --to npz/,
    );
    await expect(toKerasH5({ ...net(), cell: 'ei-ctrnn' })).rejects.toThrow(
      /cell is "ei-ctrnn", not the built-in ctrnn/,
    );
    await expect(
      runBlock(modelSave, { params: { format: 'keras' }, inputs: { model: net({ alpha: 0.5 }) } }),
    ).rejects.toThrow(/format: cannot write Keras: alpha is 0\.5/);
  });

  it('safetensors: header, PyTorch names, shapes, offsets and metadata parse back', () => {
    const m = net({ alpha: 0.25 });
    const { bytes } = toSafetensors(m);
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    const n = Number(dv.getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<
      string,
      { dtype: string; shape: number[]; data_offsets: [number, number] }
    > & { __metadata__: Record<string, string> };
    expect(header.__metadata__).toMatchObject({ alpha: '0.25', activation: 'tanh', noise_sigma: '0.05' });
    expect(JSON.parse(header.__metadata__['cortexflow']!)).toMatchObject({ alpha: 0.25, seed: 11, N: 7 });
    const body = bytes.subarray(8 + n);
    const tensor = (name: string): Float32Array => {
      const t = header[name]!;
      expect(t.dtype).toBe('F32');
      return new Float32Array(body.slice(t.data_offsets[0], t.data_offsets[1]).buffer);
    };
    expect(header['rnn.weight_ih_l0']!.shape).toEqual([7, 3]);
    expect(header['linear.weight']!.shape).toEqual([2, 7]);
    expect(bits(tensor('rnn.weight_ih_l0'))).toEqual(bits(m.weights.W_in));
    expect(bits(tensor('rnn.weight_hh_l0'))).toEqual(bits(m.weights.W_rec));
    expect(bits(tensor('rnn.bias_ih_l0'))).toEqual(bits(m.weights.b));
    expect(Array.from(tensor('rnn.bias_hh_l0'))).toEqual(new Array(7).fill(0));
    expect(bits(tensor('linear.weight'))).toEqual(bits(m.weights.W_out));
    expect(bits(tensor('linear.bias'))).toEqual(bits(m.weights.b_out));
    expect(body.length).toBe(4 * (21 + 49 + 7 + 7 + 14 + 2));
  });

  it('npz: a zip of .npy files with the same names plus alpha, noise_sigma, activation, metadata', () => {
    const m = net({ alpha: 0.25, activation: 'relu' });
    const files = unzipSync(toNpz(m).bytes);
    expect(Object.keys(files).sort()).toEqual(
      [
        'activation.npy',
        'alpha.npy',
        'linear.bias.npy',
        'linear.weight.npy',
        'metadata.npy',
        'noise_sigma.npy',
        'rnn.bias_hh_l0.npy',
        'rnn.bias_ih_l0.npy',
        'rnn.weight_hh_l0.npy',
        'rnn.weight_ih_l0.npy',
      ].sort(),
    );
    const w = decodeNpy(files['rnn.weight_hh_l0.npy']!);
    expect(w.shape).toEqual([7, 7]);
    expect(bits(w.data as Float32Array)).toEqual(bits(m.weights.W_rec));
    const alpha = decodeNpy(files['alpha.npy']!);
    expect(alpha.shape).toEqual([]);
    expect(alpha.data[0]).toBe(0.25);
    // '<U4' scalar "relu" in UTF-32LE after the 64-byte aligned header
    const act = files['activation.npy']!;
    const start = 10 + (act[8]! | (act[9]! << 8));
    expect(start % 64).toBe(0);
    expect(new TextDecoder('latin1').decode(act.subarray(10, start))).toMatch(/'descr': '<U4'.*'shape': \(\)/);
    const chars = Array.from(new Uint32Array(act.slice(start).buffer), (c) => String.fromCodePoint(c)).join('');
    expect(chars).toBe('relu');
  });

  it('model.save gives the file as an output written to the results folder', async () => {
    const rec = await runBlock<{ file: ExportedModelFile }>(modelSave, {
      params: { format: 'npz' },
      inputs: { model: net() },
    });
    expect(rec.outputs.file.name).toBe('model.npz');
    const h5 = await runBlock<{ file: ExportedModelFile }>(modelSave, {
      params: { format: 'keras' },
      inputs: { model: net() },
    });
    expect(h5.outputs.file.name).toBe('model.h5');
    expect(h5.warnings.join('\n')).toMatch(/training noise/);
  });
});
