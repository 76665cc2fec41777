/** worker_threads bootstrap of the gradient pool's worker (see grad-worker.ts). */
import { parentPort } from 'node:worker_threads';
import { workerHandler, type WorkerReply } from './grad-worker.ts';

const port = parentPort;
if (!port) throw new Error('grad-worker-node.ts must run in a worker thread');
port.on('message', workerHandler((r: WorkerReply) => port.postMessage(r)));
