// Worker-thread entry of the trainer's gradient pool (Node). cortexflow ships TypeScript sources,
// so register tsx's loader in this thread first, then load the real worker code.
import { register } from 'tsx/esm/api';

register();
await import('./grad-worker-node.ts');
