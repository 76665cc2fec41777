/** Web Worker side of test/e2e/qr.test.ts. */
import { qrCase } from './qr-case.ts';

postMessage(qrCase());
