// Entry of the run's worker thread (see run-worker.ts): the sources are TypeScript, so tsx's
// loader is registered in this thread too before the worker module is imported.
import { register } from 'tsx/esm/api';

register();
await import('./run-worker.ts');
