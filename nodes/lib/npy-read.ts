/**
 * Reading the `.npy` arrays users make, not only the ones cortexflow writes (`npy.ts` reads those):
 * every numeric dtype NumPy saves by default (float16/32/64, int8..int64, uint8..uint64, bool), either
 * byte order, Fortran order, and unicode strings (condition labels), with errors that say which
 * array of which file is wrong and never show the file's bytes.
 */
import { NpyHeaderError, readNpyHeader, type NpyHeader } from './npy.ts';

/** An array read from a user's file: numbers as float64 (C order), or strings. */
export interface UserArray {
  shape: number[];
  /** The NumPy dtype string, e.g. '<f4', '<i8', '<U5'. */
  dtype: string;
  kind: 'float' | 'int' | 'bool' | 'string';
  /** Numeric data in C (row-major) order (little-endian float32 stays float32: no copy to float64); empty for strings. */
  values: Float64Array | Float32Array;
  /** String data in C order, for kind 'string'. */
  strings?: string[];
}

/** A clear problem with an array of a user's file. */
export class ArrayFormatError extends Error {
  override name = 'ArrayFormatError';
}

/** Numeric dtypes read (kind letter and byte size). */
const NUMERIC = new Set(['f2', 'f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1']);
const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Reorder Fortran-order (column-major) values into C order. */
function fortranToC<T>(
  src: ArrayLike<T>,
  shape: number[],
  make: (n: number) => { [i: number]: T },
): { [i: number]: T } {
  const n = src.length;
  const out = make(n);
  const d = shape.length;
  const idx = new Array<number>(d).fill(0);
  // Walk C order; compute the Fortran offset of each index.
  for (let c = 0; c < n; c++) {
    let f = 0;
    let stride = 1;
    for (let k = 0; k < d; k++) {
      f += (idx[k] as number) * stride;
      stride *= shape[k] as number;
    }
    out[c] = src[f] as T;
    for (let k = d - 1; k >= 0; k--) {
      idx[k] = (idx[k] as number) + 1;
      if ((idx[k] as number) < (shape[k] as number)) break;
      idx[k] = 0;
    }
  }
  return out;
}

/**
 * Decode an `.npy` file. `where` names it in messages ("trials.npz: array 'inputs'"). Object arrays
 * (pickles) are refused: loading them would run code.
 */
export function readNpy(bytes: Uint8Array, where: string): UserArray {
  let header: NpyHeader;
  try {
    header = readNpyHeader(bytes);
  } catch (e) {
    if (!(e instanceof NpyHeaderError)) throw e;
    throw new ArrayFormatError(
      e.reason === 'magic'
        ? `${where} is not a NumPy .npy array (no \\x93NUMPY signature)`
        : e.reason === 'not-plain'
          ? `${where}: ${e.message}; save a plain numeric array`
          : `${where}: ${e.message}`,
    );
  }
  const { descr, shape, offset } = header;
  const m = /^([<>|=])([fiubU])(\d+)$/.exec(descr);
  if (m === null)
    throw new ArrayFormatError(
      `${where}: dtype ${descr.slice(0, 12)} is not read (object, structured, complex or datetime); save float, int, bool or str arrays`,
    );
  const [, order, code, sizeText] = m as unknown as [string, string, string, string];
  const size = Number(sizeText);
  const little = order !== '>';
  const count = shape.reduce((a, b) => a * b, 1);
  const width = code === 'U' ? 4 * size : size;
  if (!NUMERIC.has(`${code}${size}`) && code !== 'U')
    throw new ArrayFormatError(`${where}: dtype ${descr} is not read; save float32/64, int, uint or bool arrays`);
  const need = count * width;
  if (bytes.length - offset < need)
    throw new ArrayFormatError(
      `${where}: the file holds ${bytes.length - offset} data bytes, shape (${shape.join(', ')}) of ${descr} needs ${need} (truncated?)`,
    );
  const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, need);
  const fortranOrder = header.fortranOrder && shape.length > 1;
  if (code === 'U') {
    let strings: string[] = [];
    for (let i = 0; i < count; i++) {
      let s = '';
      for (let c = 0; c < size; c++) {
        const cp = dv.getUint32(i * width + c * 4, little);
        if (cp === 0) break;
        if (cp > 0x10ffff) throw new ArrayFormatError(`${where}: a string holds an invalid character`);
        s += String.fromCodePoint(cp);
      }
      strings.push(s);
    }
    if (fortranOrder) {
      const reordered = fortranToC(strings, shape, (n) => new Array<string>(n));
      strings = Array.from({ length: count }, (_, i) => reordered[i] as string);
    }
    return { shape, dtype: descr, kind: 'string', values: new Float64Array(0), strings };
  }
  if (code === 'f' && size === 4 && little && HOST_LITTLE && !fortranOrder) {
    const values = new Float32Array(count);
    new Uint8Array(values.buffer).set(bytes.subarray(offset, offset + need));
    return { shape, dtype: descr, kind: 'float', values };
  }
  let values: Float64Array = new Float64Array(count);
  const readers: Record<string, (i: number) => number> = {
    f2: (i) => halfToFloat(dv.getUint16(i * 2, little)),
    f4: (i) => dv.getFloat32(i * 4, little),
    f8: (i) => dv.getFloat64(i * 8, little),
    b1: (i) => (dv.getUint8(i) ? 1 : 0),
    i1: (i) => dv.getInt8(i),
    i2: (i) => dv.getInt16(i * 2, little),
    i4: (i) => dv.getInt32(i * 4, little),
    i8: (i) => Number(dv.getBigInt64(i * 8, little)),
    u1: (i) => dv.getUint8(i),
    u2: (i) => dv.getUint16(i * 2, little),
    u4: (i) => dv.getUint32(i * 4, little),
    u8: (i) => Number(dv.getBigUint64(i * 8, little)),
  };
  const get = readers[`${code}${size}`] as (i: number) => number;
  for (let i = 0; i < count; i++) values[i] = get(i);
  if (fortranOrder) values = fortranToC(values, shape, (n) => new Float64Array(n)) as Float64Array;
  return { shape, dtype: descr, kind: code === 'f' ? 'float' : code === 'b' ? 'bool' : 'int', values };
}
