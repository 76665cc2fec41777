import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Rng } from '../lib/rng.ts';
import type { Eigenvalue } from '../ports/index.ts';
import {
  eigenvalues,
  gramMatrix,
  gramUpperJs,
  hessenberg,
  hessenbergEigenvalues,
  symmetricEigen,
  tridiagonalizeJs,
} from './linalg.ts';
import { linalgWasm } from './linalg-wasm.ts';
import { fitPca } from './pca.ts';

interface EigCase {
  name: string;
  n: number;
  data: number[];
  eigenvalues: [number, number][];
}
interface PcaCase {
  name: string;
  rows: number;
  cols: number;
  data: number[];
  variances: number[];
  components: number[][];
}
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/analysis/linalg-numpy.json', import.meta.url), 'utf8'),
) as { eig: EigCase[]; pca: PcaCase[] };

/** Largest distance from each reference eigenvalue to its nearest unused computed one. */
function setDistance(got: Eigenvalue[], want: [number, number][]): number {
  const used = new Array<boolean>(got.length).fill(false);
  let worst = 0;
  for (const [re, im] of want) {
    let best = Infinity;
    let at = -1;
    got.forEach((l, i) => {
      const d = Math.hypot(l.re - re, l.im - im);
      if (!used[i] && d < best) {
        best = d;
        at = i;
      }
    });
    used[at] = true;
    worst = Math.max(worst, best);
  }
  return worst;
}

function jsEigenvalues(data: ArrayLike<number>, n: number): Eigenvalue[] {
  const a = Float64Array.from(data);
  hessenberg(a, n);
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  hessenbergEigenvalues(a, n, wr, wi);
  return Array.from(wr, (re, i) => ({ re, im: wi[i]! }));
}

function randomMatrix(n: number, seed: number, gain = 1): Float64Array {
  const r = new Rng(seed);
  return Float64Array.from({ length: n * n }, () => (gain * r.normal()) / Math.sqrt(n));
}

describe('linalg.wasm', () => {
  it('compiles here (Node has WebAssembly SIMD), so the fast path is the one tested', () => {
    expect(linalgWasm()).not.toBeNull();
  });

  it('committed bytes are what the AssemblyScript source builds to', () => {
    const script = fileURLToPath(new URL('../../scripts/build-as-module.mjs', import.meta.url));
    const out = execFileSync(process.execPath, [script, 'linalg', '--check'], { encoding: 'utf8' });
    expect(out).toContain('match');
  });
});

describe('eigenvalues (Hessenberg + Francis double-shift QR)', () => {
  for (const c of fixture.eig)
    it(`match numpy.linalg.eigvals: ${c.name}`, () => {
      const e = eigenvalues(c.data, c.n);
      expect(e).toHaveLength(c.n);
      expect(setDistance(e, c.eigenvalues)).toBeLessThan(1e-10);
      // The TypeScript twin too.
      expect(setDistance(jsEigenvalues(c.data, c.n), c.eigenvalues)).toBeLessThan(1e-10);
      // Conjugate pairs come out exactly paired.
      const im = e.map((l) => l.im).reduce((a, b) => a + b, 0);
      expect(Math.abs(im)).toBeLessThan(1e-12);
    });

  it('wasm and TypeScript kernels agree on every size, including SIMD tails and n < 3', () => {
    for (const n of [1, 2, 3, 4, 5, 16, 33, 64, 101]) {
      const A = randomMatrix(n, 100 + n, 1.1);
      const e = eigenvalues(A, n);
      expect(
        setDistance(
          e,
          jsEigenvalues(A, n).map((l) => [l.re, l.im]),
        ),
      ).toBeLessThan(1e-11);
      // Sum of eigenvalues = trace.
      let tr = 0;
      for (let i = 0; i < n; i++) tr += A[i * n + i]!;
      expect(e.reduce((s, l) => s + l.re, 0)).toBeCloseTo(tr, 10);
    }
  });

  it('a zero matrix and an already-Hessenberg (companion) matrix', () => {
    expect(eigenvalues(new Float64Array(16), 4).every((l) => l.re === 0 && l.im === 0)).toBe(true);
    // Companion matrix of (x - 1)(x - 2)(x - 3)(x + 0.5) = x^4 - 5.5 x^3 + 8 x^2 - 0.5 x - 3.
    const C = [5.5, -8, 0.5, 3, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0];
    const e = eigenvalues(C, 4);
    expect(
      setDistance(e, [
        [3, 0],
        [2, 0],
        [1, 0],
        [-0.5, 0],
      ]),
    ).toBeLessThan(1e-10);
  });

  it('a cyclic permutation (where unshifted QR stalls) gives the n-th roots of unity, on both paths', () => {
    for (const n of [3, 8, 64]) {
      const P = new Float64Array(n * n);
      for (let i = 0; i < n; i++) P[((i + 1) % n) * n + i] = 1;
      const want = Array.from({ length: n }, (_, k): [number, number] => [
        Math.cos((2 * Math.PI * k) / n),
        Math.sin((2 * Math.PI * k) / n),
      ]);
      expect(setDistance(eigenvalues(P, n), want)).toBeLessThan(1e-12);
      expect(setDistance(jsEigenvalues(P, n), want)).toBeLessThan(1e-12);
    }
  });

  it('says which entry is not finite', () => {
    expect(() => eigenvalues([1, NaN, 0, 1], 2)).toThrow(/entry 1 is NaN/);
    expect(() => eigenvalues([1, 2, 3], 2)).toThrow(/3 values, expected 2 x 2/);
  });
});

describe('symmetric eigen and PCA (tridiagonal QL + inverse iteration)', () => {
  for (const c of fixture.pca)
    it(`match numpy.linalg.eigh of the covariance: ${c.name}`, () => {
      const fit = fitPca(c.data, c.rows, c.cols, undefined, c.components.length);
      const top = c.variances[0]!;
      fit.variances.forEach((v, i) => expect(Math.abs(v - Math.max(0, c.variances[i]!))).toBeLessThan(1e-10 * top));
      c.components.forEach((want, r) => {
        const got = fit.components.subarray(r * c.cols, (r + 1) * c.cols);
        want.forEach((w, j) => expect(Math.abs(got[j]! - w)).toBeLessThan(1e-8));
      });
    });

  it('degenerate eigenvalues still give orthonormal eigenvectors with small residuals', () => {
    // Q diag(3, 3, 3, 1, 1, 0.5) Q^T for a random orthogonal Q: two clusters.
    const n = 6;
    const lam = [3, 3, 3, 1, 1, 0.5];
    const r = new Rng(7);
    const Q = Float64Array.from({ length: n * n }, () => r.normal());
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < i; p++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += Q[i * n + j]! * Q[p * n + j]!;
        for (let j = 0; j < n; j++) Q[i * n + j] = Q[i * n + j]! - s * Q[p * n + j]!;
      }
      let s = 0;
      for (let j = 0; j < n; j++) s += Q[i * n + j]! ** 2;
      for (let j = 0; j < n; j++) Q[i * n + j] = Q[i * n + j]! / Math.sqrt(s);
    }
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < n; p++) s += Q[p * n + i]! * lam[p]! * Q[p * n + j]!;
        A[i * n + j] = s;
      }
    const { values, vectors } = symmetricEigen(A, n);
    [...lam].sort((a, b) => b - a).forEach((l, i) => expect(values[i]).toBeCloseTo(l, 12));
    for (let p = 0; p < n; p++) {
      for (let q = 0; q < n; q++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += vectors[p * n + j]! * vectors[q * n + j]!;
        expect(s).toBeCloseTo(p === q ? 1 : 0, 10);
      }
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += A[i * n + j]! * vectors[p * n + j]!;
        expect(s).toBeCloseTo(values[p]! * vectors[p * n + i]!, 10);
      }
    }
  });

  it('wasm and TypeScript tridiagonalisations give the same tridiagonal', () => {
    for (const n of [1, 2, 3, 7, 40]) {
      const B = randomMatrix(n, 300 + n);
      const A = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = B[i * n + j]! + B[j * n + i]!;
      const js = tridiagonalizeJs(A.slice(), n);
      const w = linalgWasm()!.tridiagonalize(A.slice(), n);
      for (let i = 0; i < n; i++) {
        expect(w.d[i]).toBeCloseTo(js.d[i]!, 12);
        expect(w.e[i]).toBeCloseTo(js.e[i]!, 12);
        expect(w.beta[i]).toBeCloseTo(js.beta[i]!, 12);
      }
    }
  });

  it('the Gram product (wasm, panels and odd tails) equals the TypeScript one and the naive sums', () => {
    for (const [n, m] of [
      [1, 1],
      [5, 3],
      [7, 13],
      [9, 1031],
    ] as const) {
      const r = new Rng(n * 1000 + m);
      const X = Float64Array.from({ length: n * m }, () => r.normal());
      const C = gramMatrix(X, n, m);
      const J = gramUpperJs(X, n, m);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < m; k++) s += X[i * m + k]! * X[j * m + k]!;
          expect(C[i * n + j]).toBeCloseTo(s, 10);
          if (j >= i) expect(J[i * n + j]).toBeCloseTo(s, 10);
        }
    }
  });
});

describe('eigenvalues of a relu network Jacobian (most rows exactly zero)', () => {
  // J = [J_SS J_SX; 0 0] up to a permutation, so its spectrum is eig(J_SS) and n - |S| zeros. Before
  // the deflation floor, 11 of 30 such matrices at n = 200 did not converge (wasm and TypeScript),
  // which failed analysis.fixed-points on a trained E/I (relu) network.
  it('converges in wasm and in TypeScript and gives eig(J_SS) plus zeros', () => {
    const n = 200;
    const rng = new Rng(3);
    const wasm = linalgWasm();
    for (let trial = 0; trial < 30; trial++) {
      const rows = Array.from({ length: n }, (_, i) => i).filter(() => rng.uniform() < 0.25);
      const J = new Float64Array(n * n);
      for (const i of rows) for (let j = 0; j < n; j++) J[i * n + j] = (rng.normal() * 0.3) / Math.sqrt(n);
      const sub = new Float64Array(rows.length * rows.length);
      rows.forEach((i, a) => rows.forEach((j, b) => (sub[a * rows.length + b] = J[i * n + j] as number)));
      const expected = eigenvalues(sub, rows.length);
      const got = eigenvalues(J, n);
      const big = got.slice(0, rows.length);
      for (let k = 0; k < rows.length; k++) {
        expect(
          Math.abs(Math.hypot(big[k]!.re, big[k]!.im) - Math.hypot(expected[k]!.re, expected[k]!.im)),
        ).toBeLessThan(1e-10);
      }
      for (const e of got.slice(rows.length)) expect(Math.hypot(e.re, e.im)).toBeLessThan(1e-10);
      const a = Float64Array.from(J);
      hessenberg(a, n);
      const wr = new Float64Array(n);
      const wi = new Float64Array(n);
      expect(() => hessenbergEigenvalues(a, n, wr, wi)).not.toThrow();
      if (wasm) expect(wasm.eigenvalues(J, n, wr, wi)).toBe(true);
    }
  });
});
