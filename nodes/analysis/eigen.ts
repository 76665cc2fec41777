/**
 * `analysis.eigen`: the eigenvalue spectrum of a network's recurrent matrix (Jarne 2020, "Different
 * eigenvalue distributions encode the same temporal tasks"; Jarne 2021 multitasking).
 */
import { defineBlock, input, num, oneOf, schema, str } from '../../core/index.ts';
import { ModelPort, SpectrumPort, type Model, type Spectrum } from '../ports/index.ts';
import { eigenvalues, frobenius2, henrici } from './linalg.ts';

export const EIGEN_MATRICES = ['W_rec', 'effective'] as const;
export type EigenMatrix = (typeof EIGEN_MATRICES)[number];

/** The square matrix analysed: W_rec itself, or the linear map of one Euler step around h = 0. */
export function eigenMatrix(model: Model, which: EigenMatrix): Float64Array {
  const { N, alpha } = model;
  const W = model.weights.W_rec;
  if (W.length !== N * N) throw new Error(`model W_rec has ${W.length} values, expected N*N = ${N * N}`);
  const out = Float64Array.from(W);
  if (which === 'effective') {
    for (let k = 0; k < out.length; k++) out[k] = alpha * (out[k] as number);
    for (let i = 0; i < N; i++) out[i * N + i] = (out[i * N + i] as number) + (1 - alpha);
  }
  return out;
}

/** Spectrum of a square row-major matrix. */
export function spectrumOf(
  data: ArrayLike<number>,
  n: number,
  opts: { matrix: string; label: string; tolerance: number },
): Spectrum {
  const eig = eigenvalues(data, n);
  let radius = 0;
  let outside = 0;
  for (const l of eig) {
    const a = Math.hypot(l.re, l.im);
    if (a > radius) radius = a;
    if (a > 1 + opts.tolerance) outside++;
  }
  // Dominant: the largest |lambda|; of a complex pair, the member with Im >= 0.
  const top = eig[0] ?? { re: 0, im: 0 };
  const d = { re: top.re, im: Math.abs(top.im) };
  const f2 = frobenius2(data);
  return {
    matrix: opts.matrix,
    label: opts.label,
    n,
    eigenvalues: eig,
    radius,
    outside,
    tolerance: opts.tolerance,
    dominant: {
      ...d,
      abs: Math.hypot(d.re, d.im),
      // The authors' tangent approximation; it has the sign of Re and blows up as Re -> 0.
      freqTangent: d.im === 0 ? 0 : d.re === 0 ? Infinity : d.im / (2 * Math.PI * d.re),
      freqAtan2: Math.atan2(d.im, d.re) / (2 * Math.PI),
    },
    henrici: henrici(data, eig),
    frobenius: Math.sqrt(f2),
  };
}

export const eigenBlock = defineBlock({
  type: 'analysis.eigen',
  version: 1,
  title: 'Eigenvalue spectrum',
  category: 'Analysis',
  description:
    'All eigenvalues of the recurrent matrix W_rec (complex pairs), spectral radius, how many lie outside the unit circle ' +
    '(|lambda| > 1 + tolerance; the authors count |lambda| > 1.01), the dominant eigenvalue with its oscillation frequency in ' +
    "cycles per step (the authors' tangent formula |Im|/(2 pi Re) and the exact angle atan2(|Im|, Re)/(2 pi), both given), and " +
    "Henrici's departure from normality. Connect a second model (e.g. before training) to 'reference' to compare.",
  inputs: {
    model: input(ModelPort, { description: 'The network to analyse (e.g. after training).' }),
    reference: input(ModelPort, {
      optional: true,
      description: 'A network to compare with (e.g. the same one before training).',
    }),
  },
  outputs: { spectrum: SpectrumPort },
  params: schema({
    matrix: oneOf(EIGEN_MATRICES, 'W_rec', {
      description:
        "'W_rec': the recurrent weights; 'effective': (1 - alpha) I + alpha W_rec, the linear map of one Euler step around h = 0 (equal to W_rec when alpha = 1).",
    }),
    tolerance: num(0, 1, 0.01, {
      description: 'Count eigenvalues with |lambda| > 1 + tolerance as outside the unit circle.',
    }),
    label: str('', { description: "Label for plots; default: the model's provenance or 'model'." }),
    referenceLabel: str('reference', { description: 'Label of the reference spectrum.' }),
  }),
  run: async ({ params, inputs }) => {
    const one = (m: Model, label: string): Spectrum =>
      spectrumOf(eigenMatrix(m, params.matrix), m.N, { matrix: params.matrix, label, tolerance: params.tolerance });
    const label = params.label !== '' ? params.label : inputs.model.trainedOn ? 'trained' : 'model';
    const spectrum = one(inputs.model, label);
    if (inputs.reference) {
      if (inputs.reference.N !== inputs.model.N)
        throw new Error(
          `reference: network has N=${inputs.reference.N} but model has N=${inputs.model.N}; connect the same network before training`,
        );
      spectrum.reference = one(inputs.reference, params.referenceLabel);
    }
    return { spectrum };
  },
});
