/**
 * One orthogonal initialisation computed the same way in Node, on a browser page and in a Web
 * Worker by test/e2e/qr.test.ts: which engine ran (a page's main thread may not compile modules
 * this size synchronously, so it takes the TypeScript twin) and a hash of the float32 weights' bits.
 */
import { orthogonal } from '../../nodes/model/init.ts';
import { qrWasmAvailable } from '../../nodes/model/qr.ts';
import { Rng } from '../../nodes/lib/rng.ts';

export interface QrCase {
  engine: 'wasm' | 'ts';
  /** FNV-1a of the weights' bytes. */
  hash: number;
  first: number;
}

export function qrCase(): QrCase {
  const w = orthogonal(300, 1.3, new Rng(11)); // several panels of the blocked QR
  const bytes = new Uint8Array(w.buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193) >>> 0;
  return { engine: qrWasmAvailable() ? 'wasm' : 'ts', hash: h, first: w[0] as number };
}
