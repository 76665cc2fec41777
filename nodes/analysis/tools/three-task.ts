/**
 * The authors' 3-task context dataset (Jarne 2021; examples/scheme-3task.json): AND / OR / XOR with a
 * context pulse of level +1 / -1 / 0 at [20+d, 40+d), A and B at [60+d, 80+d), target from 100+d to
 * T-2, T = 290, d ~ U{1..50}; probe: the 12 conditions at jitters 1, 25 and 50. Built by the same
 * blocks as the example; shared by the reproduction script, the tools on the authors' networks and
 * the time-to-criterion benchmark.
 */
import { runBlock } from '../../../core/index.ts';
import { contextMux } from '../../context/index.ts';
import type { Dataset } from '../../ports/index.ts';
import { andTask, orTask, xorTask } from '../../tasks/index.ts';

/** `samplesPerTask` trials of each task; `muxSamples` > 0 keeps only that many mixed trials. */
export async function authorsThreeTaskDataset(samplesPerTask: number, muxSamples = 0): Promise<Dataset> {
  const tasks: Dataset[] = [];
  for (const [block, seed, T] of [
    [andTask, 1, 210],
    [orTask, 2, 200],
    [xorTask, 3, 200],
  ] as const)
    tasks.push(
      (await runBlock<{ dataset: Dataset }>(block, { params: { samples: samplesPerTask, seed, T, baseline: 0 } }))
        .outputs.dataset,
    );
  const mux = await runBlock<{ dataset: Dataset }>(contextMux, {
    inputs: { tasks },
    params: {
      encoding: 'pulse',
      levels: { and: 1, or: -1, xor: 0 },
      pulseStart: 20,
      pulseWidth: 20,
      shift: 30,
      jitterMin: 1,
      jitterMax: 50,
      T: 290,
      releaseSteps: 1,
      mix: 'even',
      probeJitters: [1, 25, 50],
      samples: muxSamples,
    },
  });
  return mux.outputs.dataset;
}
