import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildKernel, moduleText } from '../../scripts/build-kernel.mjs';

const build = buildKernel as (relaxed: boolean) => Promise<Buffer>;
const text = moduleText as (b: Buffer, r: Buffer) => string;

describe('fused kernel build', () => {
  it('rebuilding the AssemblyScript source gives the committed .wasm files and their base64 module byte for byte', async () => {
    const bytes = await build(false);
    const relaxed = await build(true);
    expect(bytes.equals(readFileSync(new URL('./ctrnn.wasm', import.meta.url)))).toBe(true);
    expect(relaxed.equals(readFileSync(new URL('./ctrnn-relaxed.wasm', import.meta.url)))).toBe(true);
    expect(bytes.equals(relaxed)).toBe(false);
    expect(text(bytes, relaxed)).toBe(readFileSync(new URL('./ctrnn-wasm.ts', import.meta.url), 'utf8'));
  });
});
