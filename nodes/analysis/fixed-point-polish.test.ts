import { Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { Rng } from '../lib/rng.ts';
import { linalgWasm } from './linalg-wasm.ts';
import { normalMatrix, solveDense } from './fixed-point-polish.ts';
import { relErr } from '../../test/fixtures/gradient-check.ts';

const random = (n: number, seed: number) => {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
};

describe("the polish's dense linear algebra (wasm LU and Gram product)", () => {
  it('runs in wasm here', () => {
    expect(linalgWasm()).not.toBeNull();
  });

  for (const n of [1, 2, 7, 64, 201])
    it(`solves A x = b as ml-matrix's LU does (n = ${n}), with pivoting`, () => {
      const A = random(n * n, n);
      // A zero leading entry forces a row exchange.
      if (n > 1) A[0] = 0;
      const b = random(n, n + 1);
      const x = solveDense(A, n, b);
      expect(x).not.toBeNull();
      const M = new Matrix(n, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M.set(i, j, A[i * n + j]!);
      const ref = solve(M, Matrix.columnVector(Array.from(b))).getColumn(0);
      expect(relErr(x!, ref)).toBeLessThan(1e-10);
      // The residual itself is at rounding level.
      const r = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = -b[i]!;
        for (let j = 0; j < n; j++) s += A[i * n + j]! * x![j]!;
        r[i] = s;
      }
      expect(Math.hypot(...r) / Math.hypot(...b)).toBeLessThan(1e-11);
    });

  it('returns null for a singular matrix (a zero pivot), as ml-matrix throws', () => {
    const n = 5;
    const A = random(n * n, 3);
    for (let j = 0; j < n; j++) A[3 * n + j] = 2 * A[1 * n + j]! - A[0 * n + j]!;
    // An exactly repeated row gives an exact zero pivot.
    for (let j = 0; j < n; j++) A[4 * n + j] = A[2 * n + j]!;
    expect(solveDense(A, n, random(n, 4))).toBeNull();
    expect(solveDense(new Float64Array(9), 3, random(3, 5))).toBeNull();
  });

  for (const n of [3, 50, 133])
    it(`forms J^T J, full and symmetric (n = ${n})`, () => {
      const J = random(n * n, 7 + n);
      const A = normalMatrix(J, n);
      const ref = new Float64Array(n * n);
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += J[i * n + a]! * J[i * n + b]!;
          ref[a * n + b] = s;
        }
      expect(relErr(A, ref)).toBeLessThan(1e-13);
      for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) expect(A[a * n + b]).toBe(A[b * n + a]);
    });
});
