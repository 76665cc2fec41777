/**
 * Reading the `.npy` arrays users make, not only the ones cortexflow writes (`npy.ts` reads those):
 * every numeric dtype NumPy saves by default (float16/32/64, int8..int64, uint8..uint64, bool), either
 * byte order, Fortran order, and unicode strings (condition labels), with errors that say which
 * array of which file is wrong and never show the file's bytes.
 */

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

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
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
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new ArrayFormatError(`${where} is not a NumPy .npy array (no \\x93NUMPY signature)`);
  const major = bytes[6];
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = (bytes[8] as number) | ((bytes[9] as number) << 8);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLen = new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0, true);
    start = 12;
  } else throw new ArrayFormatError(`${where}: unsupported .npy format version ${String(major)}`);
  if (start + headerLen > bytes.length) throw new ArrayFormatError(`${where}: the .npy header is cut short`);
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new ArrayFormatError(
      `${where}: the .npy header is not a plain array (structured or object dtypes are not read); save a plain numeric array`,
    );
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new ArrayFormatError(`${where}: the .npy header has an invalid shape`);
  const m = /^([<>|=])([fiubU])(\d+)$/.exec(descr);
  if (m === null)
    throw new ArrayFormatError(
      `${where}: dtype ${descr.slice(0, 12)} is not read (object, structured, complex or datetime); save float, int, bool or str arrays`,
    );
  const [, order, code, sizeText] = m as unknown as [string, string, string, string];
  const size = Number(sizeText);
  const little = order !== '>';
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  const width = code === 'U' ? 4 * size : size;
  if (
    !['f2', 'f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1'].includes(`${code}${size}`) &&
    code !== 'U'
  )
    throw new ArrayFormatError(`${where}: dtype ${descr} is not read; save float32/64, int, uint or bool arrays`);
  const need = count * width;
  if (bytes.length - offset < need)
    throw new ArrayFormatError(
      `${where}: the file holds ${bytes.length - offset} data bytes, shape (${shape.join(', ')}) of ${descr} needs ${need} (truncated?)`,
    );
  const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, need);
  const fortranOrder = fortran === 'True' && shape.length > 1;
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
  const get: (i: number) => number =
    code === 'f'
      ? size === 2
        ? (i) => halfToFloat(dv.getUint16(i * 2, little))
        : size === 4
          ? (i) => dv.getFloat32(i * 4, little)
          : (i) => dv.getFloat64(i * 8, little)
      : code === 'b'
        ? (i) => (dv.getUint8(i) ? 1 : 0)
        : code === 'i'
          ? size === 1
            ? (i) => dv.getInt8(i)
            : size === 2
              ? (i) => dv.getInt16(i * 2, little)
              : size === 4
                ? (i) => dv.getInt32(i * 4, little)
                : (i) => Number(dv.getBigInt64(i * 8, little))
          : size === 1
            ? (i) => dv.getUint8(i)
            : size === 2
              ? (i) => dv.getUint16(i * 2, little)
              : size === 4
                ? (i) => dv.getUint32(i * 4, little)
                : (i) => Number(dv.getBigUint64(i * 8, little));
  for (let i = 0; i < count; i++) values[i] = get(i);
  if (fortranOrder) values = fortranToC(values, shape, (n) => new Float64Array(n)) as Float64Array;
  return { shape, dtype: descr, kind: code === 'f' ? 'float' : code === 'b' ? 'bool' : 'int', values };
}
