/** What the eigen solvers share: machine epsilon and the check that a matrix holds finite values. */

/** Float64 machine epsilon: the deflation and perturbation thresholds of the QR/QL iterations. */
export const EPS = 2 ** -52;
/**
 * The Hessenberg QR's deflation test is relative to the two diagonal entries, but never to less
 * than this fraction of the matrix norm (the wasm module uses the same value).
 */
export const DEFLATION_FLOOR = 1e-3;

/** Throw a clear error on a NaN or infinite entry (a diverged model) before the solvers loop on it. */
export function checkFinite(data: ArrayLike<number>, what: string): void {
  for (let i = 0; i < data.length; i++)
    if (!Number.isFinite(data[i]))
      throw new Error(`${what} entry ${i} is ${data[i]}: eigenvalues need finite values (was training diverging?)`);
}
