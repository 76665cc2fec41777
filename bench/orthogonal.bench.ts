/**
 * Orthogonal initialisation (model.ctrnn's W_rec): the blocked Householder QR of nodes/model/qr.ts
 * (WebAssembly SIMD) against the unblocked float64 Householder QR it replaced (LAPACK dgeqr2 +
 * dorg2r, kept as test/fixtures/householder-qr-reference.ts), same Gaussian draws, same sign fix;
 * and the blocked QR's TypeScript twin (the fallback where WebAssembly SIMD is missing). The
 * unblocked peer is cubic and memory-bound (minutes at 4096), so it runs up to 1024 (512 quick).
 * Each row also counts the float32 weights that differ from the peer's.
 */
import { orthogonal } from '../nodes/model/init.ts';
import { householderQr } from '../nodes/model/qr.ts';
import { Rng } from '../nodes/lib/rng.ts';
import { referenceOrthogonal } from '../test/fixtures/householder-qr-reference.ts';
import type { BenchRow, BenchSuite } from './types.ts';

const seconds = (f: () => unknown): number => {
  const t0 = performance.now();
  f();
  return (performance.now() - t0) / 1000;
};

function gaussian(n: number): Float64Array {
  const rng = new Rng(7);
  const a = new Float64Array(n * n);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  return a;
}

const suite: BenchSuite = async ({ quick }) => {
  const rows: BenchRow[] = [];
  const peerSizes = quick ? [256, 512] : [256, 512, 1024];
  for (const n of peerSizes) {
    let ours: Float32Array = new Float32Array(0);
    let peer: Float32Array = new Float32Array(0);
    const t = seconds(() => (ours = orthogonal(n, 1.3, new Rng(7))));
    const p = seconds(() => (peer = referenceOrthogonal(n, 1.3, new Rng(7))));
    let differ = 0;
    for (let i = 0; i < ours.length; i++) if (ours[i] !== peer[i]) differ++;
    rows.push({
      suite: 'orthogonal',
      name: `orthogonal init units=${n}`,
      value: t,
      unit: 's',
      peer: 'unblocked Householder (before)',
      ratio: t / p,
      note: `peer ${p.toFixed(2)} s; float32 entries differing from it: ${differ} of ${n * n}`,
    });
  }
  for (const n of quick ? [512] : [512, 1024]) {
    const a = gaussian(n);
    const w = seconds(() => householderQr(a, n, 'wasm'));
    const ts = seconds(() => householderQr(a, n, 'ts'));
    rows.push({
      suite: 'orthogonal',
      name: `blocked QR units=${n}, wasm SIMD`,
      value: w,
      unit: 's',
      peer: 'its TypeScript twin (fallback)',
      ratio: w / ts,
      note: `twin ${ts.toFixed(2)} s`,
    });
  }
  for (const n of quick ? [2048] : [2048, 4096]) {
    const t = seconds(() => orthogonal(n, 1, new Rng(7)));
    rows.push({
      suite: 'orthogonal',
      name: `orthogonal init units=${n}`,
      value: t,
      unit: 's',
      note: `no peer (the unblocked QR takes minutes); ${(((8 / 3) * n ** 3) / t / 1e9).toFixed(1)} GFlop/s of QR + Q`,
    });
  }
  return rows;
};
export default suite;
