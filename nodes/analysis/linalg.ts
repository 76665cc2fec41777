/**
 * Numerical kernels of the analyses, on flat row-major Float64Arrays.
 *
 * Why not a library: ml-matrix's EigenvalueDecomposition always accumulates the eigenvectors (hqr2)
 * through get/set on arrays of rows, which costs 1.7 s for a 400 x 400 W_rec, and no maintained
 * JS/wasm package offers LAPACK's eigenvalues-only path (dgeev with jobvr = 'N'): @stdlib/lapack has no
 * dgehrd/dhseqr, `numeric` and mathjs compute vectors too, `eigen` (an Emscripten port) is
 * unmaintained. So these modules hold, written once and tested against numpy:
 * - non-symmetric eigenvalues: Householder reduction to Hessenberg form, then the Francis
 *   double-shift QR iteration restricted to the active window (EISPACK hqr), no vectors;
 * - symmetric eigenvalues with the eigenvectors of the largest few only (PCA): Householder
 *   tridiagonalisation, implicit QL for all eigenvalues, inverse iteration on the tridiagonal for the
 *   wanted vectors, then back through the reflectors (LAPACK dsytrd + dsterf + dstein + dormtr);
 * - the sample covariance as a register-blocked product of the centred, transposed data.
 *
 * The kernels live by problem in linalg-nonsymmetric.ts, linalg-symmetric.ts and linalg-moments.ts;
 * this module is their one entry.
 */
export * from './linalg-nonsymmetric.ts';
export * from './linalg-symmetric.ts';
export * from './linalg-moments.ts';
