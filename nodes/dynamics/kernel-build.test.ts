import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildKernel, moduleText } from '../../scripts/build-kernel.mjs';

describe('fused kernel build', () => {
  it('rebuilding the AssemblyScript source gives the committed .wasm and its base64 module byte for byte', async () => {
    const bytes = (await (buildKernel as () => Promise<Buffer>)());
    expect(bytes.equals(readFileSync(new URL('./ctrnn.wasm', import.meta.url)))).toBe(true);
    expect((moduleText as (b: Buffer) => string)(bytes)).toBe(readFileSync(new URL('./ctrnn-wasm.ts', import.meta.url), 'utf8'));
  });
});
