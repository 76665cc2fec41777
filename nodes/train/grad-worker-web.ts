/** Web Worker bootstrap of the gradient pool's worker (see grad-worker.ts); bundled by Vite. */
import { workerHandler, type WorkerReply, type WorkerRequest } from './grad-worker.ts';

const scope = self as unknown as { onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null; postMessage: (r: WorkerReply) => void };
const handle = workerHandler((r) => scope.postMessage(r));
scope.onmessage = (e) => handle(e.data);
