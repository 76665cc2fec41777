/**
 * Small numeric helpers for the task generators, matching the SciPy calls the authors used
 * (`scipy.signal.hann`, `scipy.signal.gaussian`, `scipy.signal.convolve(..., mode='same')`).
 */

/** Symmetric Hann window of length m (`scipy.signal.hann(m)`): 0.5 - 0.5 cos(2 pi n / (m - 1)). */
export function hann(m: number): Float64Array {
  const w = new Float64Array(Math.max(0, m));
  if (m === 1) w[0] = 1;
  for (let n = 0; m > 1 && n < m; n++) w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (m - 1));
  return w;
}

/** Symmetric Gaussian window (`scipy.signal.gaussian(m, std)`): exp(-((n - (m-1)/2) / std)^2 / 2). */
export function gaussian(m: number, std: number): Float64Array {
  const w = new Float64Array(Math.max(0, m));
  const c = (m - 1) / 2;
  for (let n = 0; n < m; n++) w[n] = Math.exp(-0.5 * ((n - c) / std) ** 2);
  return w;
}

/**
 * Discrete convolution in SciPy's `mode='same'`: the output has x's length and is the centre of the
 * full convolution, starting at index floor((k.length - 1) / 2) of it. For an even-length kernel
 * this centre is off by half a step, which is why the authors' smoothed pulses rise 0.5, 0.72,
 * 0.88, 0.97 but fall 0.97, 0.88, 0.72 (no 0.5 at the end).
 */
export function convolveSame(x: ArrayLike<number>, k: ArrayLike<number>): Float64Array {
  const n = x.length;
  const m = k.length;
  const out = new Float64Array(n);
  const start = Math.floor((m - 1) / 2);
  for (let i = 0; i < n; i++) {
    const f = i + start; // index into the full convolution
    let s = 0;
    const jLo = Math.max(0, f - m + 1);
    const jHi = Math.min(n - 1, f);
    for (let j = jLo; j <= jHi; j++) s += (x[j] as number) * (k[f - j] as number);
    out[i] = s;
  }
  return out;
}

/** A box of `width` ones smoothed by a Hann window of length `m`, normalised by the window's sum
 * (the authors' smoothed stimulus). m <= 1 leaves the box unsmoothed. */
export function smoothedBox(width: number, m: number): Float64Array {
  const box = new Float64Array(width).fill(1);
  if (m <= 1) return box;
  const w = hann(m);
  let sum = 0;
  for (const v of w) sum += v;
  const out = convolveSame(box, w);
  for (let i = 0; i < width; i++) out[i] = (out[i] as number) / sum;
  return out;
}
