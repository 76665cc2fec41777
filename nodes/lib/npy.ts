/**
 * NumPy `.npy` files, format version 1.0, written and read without dependencies so that a Python
 * user can `numpy.load` any dataset cortexflow writes.
 *
 * Layout (numpy/lib/format.py): the magic string `\x93NUMPY`, the version bytes (1, 0), a
 * little-endian uint16 header length, then an ASCII Python-dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (4, 210, 2), }` padded with spaces and ended by
 * `\n` so that the data starts on a 64-byte boundary, then the raw C-order data.
 */

/** Element types this module writes and reads. */
export type NpyDtype = '<f4' | '<f8' | '<i4' | '|u1';

/** A typed array that can be stored in an `.npy` file. */
export type NpyArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** A parsed `.npy` file. */
export interface NpyFile {
  dtype: NpyDtype;
  shape: number[];
  fortranOrder: boolean;
  data: NpyArray;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function dtypeOf(a: NpyArray): NpyDtype {
  if (a instanceof Float32Array) return '<f4';
  if (a instanceof Float64Array) return '<f8';
  if (a instanceof Int32Array) return '<i4';
  return '|u1';
}

function shapeLiteral(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/**
 * Encode a typed array as an `.npy` v1.0 file. `shape` must multiply to the array's length.
 * Data are written little-endian whatever the platform.
 */
export function encodeNpy(data: NpyArray, shape: readonly number[]): Uint8Array {
  for (const d of shape)
    if (!Number.isInteger(d) || d < 0) throw new Error(`npy: shape ${JSON.stringify(shape)} has an invalid dimension`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new Error(`npy: shape ${JSON.stringify(shape)} holds ${count} values but the array has ${data.length}`);
  const dtype = dtypeOf(data);
  const dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeLiteral(shape)}, }`;
  // 10 bytes of preamble + header (incl. its final \n) must be a multiple of 64.
  const unpadded = 10 + dict.length + 1;
  const pad = (64 - (unpadded % 64)) % 64;
  const header = dict + ' '.repeat(pad) + '\n';
  if (header.length > 0xffff) throw new Error('npy: header too long for format 1.0');
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const offset = 10 + header.length;
  out.set(body, offset);
  if (!LITTLE_ENDIAN && data.BYTES_PER_ELEMENT > 1) swapBytes(out.subarray(offset), data.BYTES_PER_ELEMENT);
  return out;
}

function swapBytes(b: Uint8Array, width: number): void {
  for (let i = 0; i + width <= b.length; i += width)
    for (let j = 0; j < width >> 1; j++) {
      const t = b[i + j] as number;
      b[i + j] = b[i + width - 1 - j] as number;
      b[i + width - 1 - j] = t;
    }
}

/** Decode an `.npy` file (version 1.0 or 2.0; the dtypes of {@link NpyDtype}). */
export function decodeNpy(bytes: Uint8Array): NpyFile {
  for (let i = 0; i < MAGIC.length; i++)
    if (bytes[i] !== MAGIC[i]) throw new Error('npy: not an .npy file (bad magic string)');
  const major = bytes[6];
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = (bytes[8] as number) | ((bytes[9] as number) << 8);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLen = new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0, true);
    start = 12;
  } else throw new Error(`npy: unsupported format version ${String(major)}`);
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new Error(`npy: malformed header ${JSON.stringify(header)}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  const ctor =
    descr === '<f4'
      ? Float32Array
      : descr === '<f8'
        ? Float64Array
        : descr === '<i4'
          ? Int32Array
          : descr === '|u1'
            ? Uint8Array
            : undefined;
  if (ctor === undefined) throw new Error(`npy: unsupported dtype ${descr}`);
  const byteLength = count * ctor.BYTES_PER_ELEMENT;
  if (bytes.length - offset < byteLength)
    throw new Error(`npy: file holds ${bytes.length - offset} data bytes, shape needs ${byteLength}`);
  // Copy so the result is aligned and independent of the input buffer (not `bytes.slice`: on a Node
  // Buffer that is a view into a shared pool, not a copy).
  const raw = new Uint8Array(byteLength);
  raw.set(bytes.subarray(offset, offset + byteLength));
  if (!LITTLE_ENDIAN && ctor.BYTES_PER_ELEMENT > 1) swapBytes(raw, ctor.BYTES_PER_ELEMENT);
  const data = new ctor(raw.buffer, 0, count);
  return { dtype: descr as NpyDtype, shape, fortranOrder: fortran === 'True', data };
}
