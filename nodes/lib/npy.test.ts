import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from './npy.ts';

function headerText(bytes: Uint8Array): string {
  const len = (bytes[8] as number) | ((bytes[9] as number) << 8);
  return String.fromCharCode(...bytes.subarray(10, 10 + len));
}

describe('npy', () => {
  it('writes the v1.0 preamble and a 64-byte aligned header', () => {
    const b = encodeNpy(new Float32Array(12), [2, 3, 2]);
    expect([...b.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const h = headerText(b);
    expect(h.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 2), }")).toBe(true);
    expect(h.endsWith('\n')).toBe(true);
    expect((10 + h.length) % 64).toBe(0);
    expect(b.length).toBe(10 + h.length + 12 * 4);
  });

  it('writes a 1-D shape as a one-element tuple', () => {
    expect(headerText(encodeNpy(new Int32Array([1, 2, 3]), [3]))).toContain("'descr': '<i4'");
    expect(headerText(encodeNpy(new Int32Array([1, 2, 3]), [3]))).toContain("'shape': (3,)");
  });

  it('round-trips values little-endian', () => {
    const a = new Float32Array([0, 1.5, -2.25, 3.0e-8, 7]);
    const b = encodeNpy(a, [5]);
    const h = headerText(b);
    const dv = new DataView(b.buffer, 10 + h.length);
    expect(dv.getFloat32(4, true)).toBe(1.5);
    const r = decodeNpy(b);
    expect(r.dtype).toBe('<f4');
    expect(r.shape).toEqual([5]);
    expect(r.fortranOrder).toBe(false);
    expect([...r.data]).toEqual([...a]);
    const i = decodeNpy(encodeNpy(new Int32Array([-1, 2 ** 30]), [1, 2]));
    expect(i.shape).toEqual([1, 2]);
    expect([...i.data]).toEqual([-1, 2 ** 30]);
  });

  it('reads from a Node Buffer that is a view into a shared pool (as readFileSync of a small file gives)', () => {
    const file = encodeNpy(Float32Array.from([1.5, -2, 3.25]), [3]);
    // A pooled Buffer: the bytes sit at a non-zero offset of a larger ArrayBuffer.
    const pool = Buffer.alloc(file.length + 40, 7);
    pool.set(file, 24);
    const view = pool.subarray(24, 24 + file.length);
    expect(view.byteOffset).toBeGreaterThan(0);
    expect(Array.from(decodeNpy(view).data)).toEqual([1.5, -2, 3.25]);
  });

  it('rejects a shape that does not match and a file that is not npy', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/holds 6 values but the array has 5/);
    expect(() => decodeNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toThrow(/bad magic/);
  });
});
