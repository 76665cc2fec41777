/**
 * One fixed training case of the fused kernel, computed the same way in Node and in Chromium by
 * test/e2e/kernel.test.ts: the loss, the gradient's checksum, and the loss curve of a few steps on
 * 1 and 2 threads.
 */
import { Rng } from '../../nodes/lib/rng.ts';
import { CtrnnKernel, fusedLossAndGrad } from '../../nodes/dynamics/fused.ts';
import { gradientPool } from '../../nodes/train/pool.ts';
import { adamInit, adamStep } from '../../nodes/train/adam.ts';
import { thetaLength } from '../../nodes/train/layout.ts';
import type { Model } from '../../nodes/ports/model.ts';

export interface KernelCase {
  loss: number;
  gradSum: number;
  curve1: number[];
  curve2: number[];
  threads2: number;
  /** The kernel build that ran (relaxed SIMD in both Node and Chromium here). */
  variant: string;
}

export async function kernelCase(platform: 'node' | 'browser'): Promise<KernelCase> {
  const N = 37;
  const I = 3;
  const O = 2;
  const B = 40;
  const T = 50;
  const cfg = { N, I, O, bias: true, alpha: 0.3, activation: 'tanh' as const };
  const rng = new Rng(5);
  const theta = Float32Array.from({ length: thetaLength(cfg) }, () => rng.normal() * 0.2);
  const batch = {
    T,
    B,
    X: Float32Array.from({ length: T * B * I }, () => rng.normal()),
    Y: Float32Array.from({ length: T * B * O }, () => rng.normal() * 0.3),
    M: Float32Array.from({ length: T * B }, () => (rng.uniform() < 0.8 ? 1 : 0)),
    noise: Float32Array.from({ length: T * B * N }, () => rng.normal() * 0.05),
  };
  const k = await CtrnnKernel.create(cfg);
  const r = fusedLossAndGrad(k, theta, batch);
  let gradSum = 0;
  for (let i = 0; i < r.grad.length; i++) gradSum += (r.grad[i] as number) * ((i % 7) + 1);
  const adamCfg = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, decay: 0 };
  const curve = async (gradient: (th: Float32Array) => Promise<{ loss: number; grad: Float32Array }>): Promise<number[]> => {
    const th = theta.slice();
    const adam = adamInit(th.length);
    const losses: number[] = [];
    for (let s = 0; s < 5; s++) {
      const g = await gradient(th);
      losses.push(g.loss);
      adamStep(adamCfg, adam, th, g.grad);
    }
    return losses;
  };
  const curve1 = await curve(async (th) => fusedLossAndGrad(k, th, batch));
  const model = { cell: 'ctrnn', N, inputSize: I, outputSize: O, alpha: 0.3, activation: 'tanh', useBias: true } as unknown as Model;
  const pool = await gradientPool(model, 2, { platform, batchSize: B });
  let curve2: number[] = [];
  try {
    if (pool) curve2 = await curve((th) => pool.gradient(th, batch, batch.noise));
  } finally {
    await pool?.close();
  }
  return { loss: r.loss, gradSum, curve1, curve2, threads2: pool?.threads ?? 1, variant: k.variant };
}
