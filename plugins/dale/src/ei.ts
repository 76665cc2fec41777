/**
 * Excitatory/inhibitory CTRNNs that obey Dale's law, initialised as in Song, Yang & Wang (2016),
 * "Training excitatory-inhibitory recurrent neural networks for cognitive tasks: a simple and
 * flexible framework", PLoS Comput Biol 12(2): e1004792:
 *
 * - units 0 .. N_E-1 are excitatory, N_E .. N-1 inhibitory (N_E = round(fraction * N), 80 % by default,
 *   the cortical 4:1 ratio);
 * - W_rec = W+ D with W+ >= 0 and D = diag(+1 for E, -1 for I): every outgoing weight of an E unit is
 *   >= 0, of an I unit <= 0 (column j of W_rec holds the outgoing weights of unit j);
 * - the magnitudes W+ are drawn from a gamma distribution (shape k = 2 in the paper's code), each
 *   connection present with probability p (and no self-connections unless asked);
 * - the inhibitory magnitudes of every row are scaled so that each unit receives as much excitation as
 *   inhibition (sum over E of W[i,j] = sum over I of |W[i,j]|: balanced inputs);
 * - the whole matrix is scaled to spectral radius rho (1.5 in the paper), computed numerically.
 *
 * The signs and the connectivity pattern are declared as the model's `constraints`, so the trainer
 * keeps them by projecting W_rec after every optimiser step (the paper's rectification [W]+).
 * W_in and W_out are Glorot uniform like `model.ctrnn`; they are not sign-constrained.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { deriveSeed, Rng, type Activation, type Model } from 'cortexflow/nodes';

export interface EiOptions {
  N: number;
  inputSize: number;
  outputSize: number;
  /** Fraction of excitatory units, in (0, 1). */
  excitatoryFraction: number;
  /** Probability that a connection i <- j exists, in (0, 1]. */
  connectivity: number;
  /** Allow W[i, i] (self-connections). */
  autapses: boolean;
  /** Spectral radius of the initial W_rec. */
  rho: number;
  /** Shape k of the gamma distribution of the magnitudes (scale 1: only relative sizes matter). */
  gammaShape: number;
  alpha: number;
  activation: Activation;
  useBias: boolean;
  noiseSigma: number;
  seed: number;
}

/** A gamma(k, 1) deviate: Marsaglia & Tsang (2000); k < 1 via gamma(k + 1) * U^(1/k). */
export function gammaSample(k: number, rng: Rng): number {
  if (k < 1) {
    let u = 0;
    while (u === 0) u = rng.uniform();
    return gammaSample(k + 1, rng) * Math.pow(u, 1 / k);
  }
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Largest |eigenvalue| of a row-major [n, n] matrix. */
export function spectralRadius(w: ArrayLike<number>, n: number): number {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, w[i * n + j] as number);
  const e = new EigenvalueDecomposition(m, { assumeSymmetric: false });
  let r = 0;
  e.realEigenvalues.forEach((re, i) => {
    r = Math.max(r, Math.hypot(re, e.imaginaryEigenvalues[i] as number));
  });
  return r;
}

/** Number of excitatory units for N and a fraction: at least one of each kind. */
export function excitatoryCount(N: number, fraction: number): number {
  return Math.min(N - 1, Math.max(1, Math.round(fraction * N)));
}

/** The problems with a set of options (empty when they make a valid network). */
export function eiOptionProblems(
  o: Pick<EiOptions, 'N' | 'excitatoryFraction' | 'connectivity'>,
): Array<{ param: string; message: string }> {
  const out: Array<{ param: string; message: string }> = [];
  if (!Number.isInteger(o.N) || o.N < 2)
    out.push({ param: 'units', message: `an E/I network needs at least 2 units (one of each kind), got ${o.N}` });
  if (!(o.excitatoryFraction > 0 && o.excitatoryFraction < 1))
    out.push({
      param: 'excitatoryFraction',
      message: `must be strictly between 0 and 1 (e.g. 0.8), got ${o.excitatoryFraction}`,
    });
  if (!(o.connectivity > 0 && o.connectivity <= 1))
    out.push({ param: 'connectivity', message: `must be in (0, 1], got ${o.connectivity}` });
  return out;
}

function glorot(rows: number, cols: number, rng: Rng): Float32Array {
  const limit = Math.sqrt(6 / (rows + cols));
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = rng.range(-limit, limit);
  return out;
}

/**
 * Build an E/I CTRNN (see the module comment). Each matrix draws from its own stream, so the same
 * seed gives the same W_rec whatever the input and output sizes.
 */
export function createEiCtrnn(o: EiOptions, provenance: Record<string, unknown> = {}): Model {
  const problems = eiOptionProblems(o);
  if (problems.length > 0) throw new Error(problems.map((p) => `${p.param}: ${p.message}`).join('; '));
  const { N } = o;
  const NE = excitatoryCount(N, o.excitatoryFraction);
  const sign = new Float32Array(N);
  for (let j = 0; j < N; j++) sign[j] = j < NE ? 1 : -1;
  const rng = new Rng(deriveSeed(o.seed, 'dale.W_rec'));
  const mask = new Float32Array(N * N);
  const mag = new Float64Array(N * N);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const present = (o.autapses || i !== j) && (o.connectivity >= 1 || rng.uniform() < o.connectivity);
      if (!present) continue;
      mask[i * N + j] = 1;
      mag[i * N + j] = gammaSample(o.gammaShape, rng);
    }
  // Balance: every unit receives as much inhibition as excitation.
  for (let i = 0; i < N; i++) {
    let e = 0;
    let inh = 0;
    for (let j = 0; j < N; j++) {
      if (j < NE) e += mag[i * N + j] as number;
      else inh += mag[i * N + j] as number;
    }
    if (e > 0 && inh > 0) for (let j = NE; j < N; j++) mag[i * N + j] = (mag[i * N + j] as number) * (e / inh);
  }
  const signed = new Float64Array(N * N);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const v = mag[i * N + j] as number;
      signed[i * N + j] = v === 0 ? 0 : (sign[j] as number) * v; // no -0 for absent connections
    }
  const r0 = spectralRadius(signed, N);
  const scale = r0 > 0 ? o.rho / r0 : 0;
  const W_rec = new Float32Array(N * N);
  for (let k = 0; k < W_rec.length; k++) W_rec[k] = (signed[k] as number) * scale;
  const fullyConnected = mask.every((m) => m === 1);
  return {
    cell: 'ctrnn',
    N,
    inputSize: o.inputSize,
    outputSize: o.outputSize,
    alpha: o.alpha,
    activation: o.activation,
    useBias: o.useBias,
    noiseSigma: o.noiseSigma,
    weights: {
      W_rec,
      W_in: glorot(N, o.inputSize, new Rng(deriveSeed(o.seed, 'dale.W_in'))),
      W_out: glorot(o.outputSize, N, new Rng(deriveSeed(o.seed, 'dale.W_out'))),
      b: new Float32Array(N),
      b_out: new Float32Array(o.outputSize),
    },
    seed: o.seed,
    provenance,
    constraints: { recurrentSign: sign, ...(fullyConnected ? {} : { recurrentMask: mask }) },
    extras: { dale: { excitatory: NE, inhibitory: N - NE, initialSpectralRadius: o.rho } },
  };
}
