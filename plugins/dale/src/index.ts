/**
 * cortexflow plugin: Dale's law. Two blocks:
 *
 * - `dale.ctrnn`: an excitatory/inhibitory CTRNN (Song, Yang & Wang 2016 initialisation) whose
 *   weight signs the trainer keeps, through the model's `constraints`;
 * - `dale.ei-stats`: E->E, E->I, I->E, I->I weight statistics, per-unit E/I balance and sign
 *   violations of any model.
 *
 * Load it with `cortexflow run pipeline.json --plugin plugins/dale` (or the package name once
 * installed), or the editor's "Load plugin".
 */
import { bool, defineBlock, input, int, num, oneOf, schema } from 'cortexflow/core';
import { DatasetPort, ModelPort } from 'cortexflow/nodes';
import { createEiCtrnn, eiOptionProblems, excitatoryCount } from './ei.ts';
import { EIStatsPort, eiStats } from './stats.ts';

export { createEiCtrnn, excitatoryCount, gammaSample, spectralRadius, type EiOptions } from './ei.ts';
export { eiStats, eiStatsSummary, EIStatsPort, type EIStats } from './stats.ts';

export const daleCtrnn = defineBlock({
  type: 'dale.ctrnn',
  version: 1,
  title: 'E/I CTRNN (Dale)',
  category: 'Model',
  description:
    "A continuous-time RNN obeying Dale's law: a fraction of the units is excitatory (every outgoing weight >= 0), " +
    'the rest inhibitory (<= 0). W_rec as in Song, Yang & Wang 2016: gamma-distributed magnitudes, each unit receiving ' +
    'balanced excitation and inhibition, scaled to spectral radius rho. The signs (and absent connections) are saved ' +
    "as the model's constraints, which the trainer keeps after every step. W_in, W_out: Glorot uniform, unconstrained. " +
    'Input and output sizes come from the connected dataset.',
  inputs: {
    dataset: input(DatasetPort, {
      description: 'Gives the input size (channels) and output size; nothing else is used.',
    }),
  },
  outputs: { model: ModelPort },
  params: schema({
    units: int(2, 4096, 100, { description: 'Number of recurrent units N (excitatory first, then inhibitory).' }),
    excitatoryFraction: num(0, 1, 0.8, {
      description: 'Fraction of excitatory units (cortex: about 0.8, the 4:1 ratio).',
    }),
    connectivity: num(0, 1, 1, {
      description:
        'Probability that each connection exists (1 = all-to-all). Absent connections stay 0 through training.',
    }),
    autapses: bool(false, { description: 'Allow self-connections W[i, i].' }),
    rho: num(0, 100, 1.5, { description: 'Spectral radius of the initial W_rec (Song et al.: 1.5).' }),
    gammaShape: num(0.01, 100, 2, {
      description: 'Shape k of the gamma distribution of the weight magnitudes (Song et al.: 2).',
    }),
    alpha: num(0, 1, 1, { description: 'dt/tau in (0, 1]; 1 = Keras SimpleRNN (Song et al. used 0.2).' }),
    activation: oneOf(['relu', 'tanh', 'softplus', 'sigmoid'] as const, 'relu', {
      description:
        "Unit nonlinearity. relu (Song et al.) keeps rates >= 0, so a unit's sign is its effect on the others.",
    }),
    bias: bool(false, { description: 'Recurrent bias b (starts at 0).' }),
    noiseSigma: num(0, 10, 0, { description: 'Std of the recurrent noise the trainer adds each step (0 = none).' }),
    seed: int(0, 2 ** 31 - 1, 1, { description: 'Seed of the initialisation.' }),
  }),
  validate: (p) => [
    ...eiOptionProblems({ N: p.units, excitatoryFraction: p.excitatoryFraction, connectivity: p.connectivity }),
    ...(p.alpha > 0 ? [] : [{ param: 'alpha', message: 'alpha = dt/tau must be > 0 (1 = Keras SimpleRNN)' }]),
  ],
  run: async ({ params: p, inputs, warn }) => {
    const ds = inputs.dataset;
    if (!ds || !(ds.channels >= 1) || !(ds.outputs >= 1))
      throw new Error('dale.ctrnn needs a dataset on its "dataset" input to know the input and output sizes');
    const NE = excitatoryCount(p.units, p.excitatoryFraction);
    if (NE !== Math.round(p.excitatoryFraction * p.units))
      warn(
        `excitatoryFraction ${p.excitatoryFraction} of ${p.units} units leaves no unit of one kind; using ${NE} E / ${p.units - NE} I`,
      );
    if (p.activation === 'tanh')
      warn("with tanh, rates can be negative, so an 'excitatory' unit can inhibit; relu keeps Dale's law meaningful");
    const model = createEiCtrnn(
      {
        N: p.units,
        inputSize: ds.channels,
        outputSize: ds.outputs,
        excitatoryFraction: p.excitatoryFraction,
        connectivity: p.connectivity,
        autapses: p.autapses,
        rho: p.rho,
        gammaShape: p.gammaShape,
        alpha: p.alpha,
        activation: p.activation,
        useBias: p.bias,
        noiseSigma: p.noiseSigma,
        seed: p.seed,
      },
      {
        block: 'dale.ctrnn',
        params: { ...p },
        dataset: { tasks: ds.tasks, channels: ds.channelNames, outputs: ds.outputNames, T: ds.T },
      },
    );
    return { model };
  },
});

export const daleEiStats = defineBlock({
  type: 'dale.ei-stats',
  version: 1,
  title: 'E/I weight statistics',
  category: 'Analysis',
  description:
    'Statistics of W_rec by the type of the pre- and postsynaptic units: mean and std of E->E, E->I, I->E and I->I weights, ' +
    "the excitation and inhibition every unit receives (and their balance), and the weights whose sign breaks Dale's law. " +
    "Unit types come from the model's constraints (dale.ctrnn), else from the sign of each unit's summed outgoing weights.",
  inputs: { model: input(ModelPort) },
  outputs: { stats: EIStatsPort },
  params: schema({}),
  run: async ({ inputs, warn }) => {
    const stats = eiStats(inputs.model);
    if (stats.typesFrom === 'column-sign')
      warn(
        "the model declares no E/I signs (not made by dale.ctrnn): unit types were inferred from the sign of each unit's summed outgoing weights",
      );
    if (stats.violations.count > 0 && stats.typesFrom === 'constraints')
      warn(
        `${stats.violations.count} weight(s) break Dale's law (largest |w| = ${stats.violations.maxMagnitude.toPrecision(3)}): ` +
          'the trainer did not apply the sign constraints',
      );
    return { stats };
  },
});

/** The plugin contract (docs/plugins.md): the core API version this plugin is written against, its name, its blocks. */
export const apiVersion = 1;
export const name = 'cortexflow-plugin-dale';
export const blocks = [daleCtrnn, daleEiStats];
