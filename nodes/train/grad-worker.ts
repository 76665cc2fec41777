/**
 * Worker side of the gradient pool (see pool.ts): computes loss and gradient of its share of each
 * batch with the hand BPTT on its own tfjs instance.
 */
import { parentPort } from 'node:worker_threads';
import { useBackend } from '../lib/tf.ts';
import { lossAndGrad, type CellConfig } from './bptt.ts';
import { lossAndGradJs } from './bptt-js.ts';
import type { Batch } from './layout.ts';

export type WorkerRequest =
  | { kind: 'init'; cfg: CellConfig; backend: string }
  | { kind: 'grad'; theta: Float32Array; batch: Batch; noise?: Float32Array };
export type WorkerReply = { kind: 'ready'; backend: string } | { kind: 'grad'; loss: number; grad: Float32Array } | { kind: 'error'; message: string };

let cfg: CellConfig | undefined;
let plainJs = false;
const port = parentPort;
if (!port) throw new Error('grad-worker.ts must run in a worker thread');
port.on('message', (m: WorkerRequest) => {
  void (async () => {
    try {
      if (m.kind === 'init') {
        cfg = m.cfg;
        const info = await useBackend(m.backend);
        plainJs = info.backend === 'cpu';
        port.postMessage({ kind: 'ready', backend: info.backend } satisfies WorkerReply);
        return;
      }
      if (!cfg) throw new Error('gradient worker used before init');
      const r = (plainJs ? lossAndGradJs : lossAndGrad)(cfg, m.theta, m.batch, m.noise);
      port.postMessage({ kind: 'grad', loss: r.loss, grad: r.grad } satisfies WorkerReply, [r.grad.buffer as ArrayBuffer]);
    } catch (e) {
      port.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
    }
  })();
});
