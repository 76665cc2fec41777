/**
 * Noise-free simulation through the fused wasm kernel: the same float32 forward pass the trainer
 * differentiates, for `sim.run` and pruning re-simulation of larger networks (the plain-JS float64
 * loops in nodes/model/simulate.ts stay the reference).
 */
import type { Model, ModelWeights } from '../ports/model.ts';
import { packTheta } from '../train/layout.ts';
import { CtrnnKernel, fusedForward, type KernelConfig } from './fused.ts';
import type { SimulationResult } from '../model/simulate.ts';

// One kernel per configuration per thread: instantiating costs ~1 ms, a pruning sweep simulates
// hundreds of times.
const kernels = new Map<string, Promise<CtrnnKernel>>();

function kernelFor(c: KernelConfig): Promise<CtrnnKernel> {
  const key = `${c.N}/${c.I}/${c.O}/${c.bias}/${c.alpha}/${c.activation}`;
  let k = kernels.get(key);
  if (!k) {
    if (kernels.size > 8) kernels.clear();
    k = CtrnnKernel.create(c);
    kernels.set(key, k);
  }
  return k;
}

/**
 * Run `model` (or it with `weights`) on inputs [B, T, inputSize] from h = 0, noise-free, in the
 * fused kernel. Same result layout as simulate(): hidden [B, T, N], y [B, T, O].
 */
export async function simulateWasm(model: Model, inputs: Float32Array, B: number, T: number, weights?: ModelWeights): Promise<SimulationResult> {
  const { N, inputSize: I, outputSize: O } = model;
  if (inputs.length !== B * T * I)
    throw new Error(`simulateWasm: inputs have ${inputs.length} values, expected B*T*I = ${B}*${T}*${I}`);
  const c: KernelConfig = { N, I, O, bias: model.useBias, alpha: model.alpha, activation: model.activation };
  const k = await kernelFor(c);
  const X = new Float32Array(T * B * I);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) X.set(inputs.subarray((b * T + t) * I, (b * T + t + 1) * I), (t * B + b) * I);
  const r = fusedForward(k, packTheta(model, weights ?? model.weights), { T, B, X }, true);
  const H = r.hidden as Float32Array;
  const hidden = new Float32Array(B * T * N);
  const y = new Float32Array(B * T * O);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) {
      hidden.set(H.subarray((t * B + b) * N, (t * B + b + 1) * N), (b * T + t) * N);
      y.set(r.y.subarray((t * B + b) * O, (t * B + b + 1) * O), (b * T + t) * O);
    }
  return { hidden, y };
}
