/**
 * Orthogonal initialisation (model.ctrnn's W_rec): the row-major Householder QR of
 * nodes/model/init.ts against ml-matrix's QrDecomposition (what it used before: column access
 * through get(i, j)), same Gaussian draws, same sign fix. The peer is too slow to run at the
 * largest size (over 400 s at units = 4096), so it runs up to 1024 (512 in quick mode).
 */
import { Matrix, QrDecomposition } from 'ml-matrix';
import { orthogonal } from '../nodes/model/init.ts';
import { Rng } from '../nodes/lib/rng.ts';
import type { BenchRow, BenchSuite } from './types.ts';

function viaMlMatrix(n: number, gain: number, rng: Rng): Float32Array {
  const a = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.set(i, j, rng.normal());
  const qr = new QrDecomposition(a);
  const q = qr.orthogonalMatrix;
  const r = qr.upperTriangularMatrix;
  const out = new Float32Array(n * n);
  for (let j = 0; j < n; j++) {
    const s = r.get(j, j) < 0 ? -gain : gain;
    for (let i = 0; i < n; i++) out[j * n + i] = s * q.get(i, j);
  }
  return out;
}

const seconds = (f: () => unknown): number => {
  const t0 = performance.now();
  f();
  return (performance.now() - t0) / 1000;
};

const suite: BenchSuite = async ({ quick }) => {
  const rows: BenchRow[] = [];
  const peerSizes = quick ? [256, 512] : [256, 512, 1024];
  for (const n of peerSizes) {
    let ours: Float32Array = new Float32Array(0);
    let peer: Float32Array = new Float32Array(0);
    const t = seconds(() => (ours = orthogonal(n, 1.3, new Rng(7))));
    const p = seconds(() => (peer = viaMlMatrix(n, 1.3, new Rng(7))));
    let diff = 0;
    for (let i = 0; i < ours.length; i++) diff = Math.max(diff, Math.abs((ours[i] as number) - (peer[i] as number)));
    rows.push({
      suite: 'orthogonal',
      name: `orthogonal init units=${n}`,
      value: t,
      unit: 's',
      peer: 'ml-matrix QR',
      ratio: t / p,
      note: `peer ${p.toFixed(2)} s; max |difference| ${diff.toExponential(1)}`,
    });
  }
  for (const n of quick ? [2048] : [2048, 4096]) {
    const t = seconds(() => orthogonal(n, 1, new Rng(7)));
    rows.push({
      suite: 'orthogonal',
      name: `orthogonal init units=${n}`,
      value: t,
      unit: 's',
      note: 'no peer (too slow)',
    });
  }
  return rows;
};
export default suite;
