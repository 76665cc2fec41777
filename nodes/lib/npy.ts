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

/** The header of an `.npy` file: where its data starts and how to read it. */
export interface NpyHeader {
  /** NumPy dtype string, e.g. '<f4'. */
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data. */
  offset: number;
}

/** Why an `.npy` header could not be read (the caller words it for its file). */
export class NpyHeaderError extends Error {
  override name = 'NpyHeaderError';
  constructor(readonly reason: 'magic' | 'version' | 'truncated' | 'not-plain' | 'shape', message: string) {
    super(message);
  }
}

/**
 * Parse the magic string, version and header dict of an `.npy` file (versions 1-3): the one header
 * reader for cortexflow's own files ({@link decodeNpy}) and users' (npy-read.ts).
 */
export function readNpyHeader(bytes: Uint8Array): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new NpyHeaderError('magic', 'not an .npy file (bad magic string: no \\x93NUMPY signature)');
  const major = bytes[6];
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = (bytes[8] as number) | ((bytes[9] as number) << 8);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLen = new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0, true);
    start = 12;
  } else throw new NpyHeaderError('version', `unsupported .npy format version ${String(major)}`);
  if (start + headerLen > bytes.length) throw new NpyHeaderError('truncated', 'the .npy header is cut short');
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new NpyHeaderError('not-plain', 'the .npy header is not a plain array (structured or object dtypes are not read)');
  const shape = shapeText
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new NpyHeaderError('shape', 'the .npy header has an invalid shape');
  return { descr, fortranOrder: fortran === 'True', shape, offset: start + headerLen };
}

const CTORS: Record<NpyDtype, { new (b: ArrayBuffer, o: number, n: number): NpyArray; BYTES_PER_ELEMENT: number }> = {
  '<f4': Float32Array,
  '<f8': Float64Array,
  '<i4': Int32Array,
  '|u1': Uint8Array,
};

/** Decode an `.npy` file (version 1.0 or 2.0; the dtypes of {@link NpyDtype}). */
export function decodeNpy(bytes: Uint8Array): NpyFile {
  let h: NpyHeader;
  try {
    h = readNpyHeader(bytes);
  } catch (e) {
    throw new Error(`npy: ${(e as Error).message}`);
  }
  const { descr, shape, offset } = h;
  const count = shape.reduce((a, b) => a * b, 1);
  const ctor = Object.prototype.hasOwnProperty.call(CTORS, descr) ? CTORS[descr as NpyDtype] : undefined;
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
  return { dtype: descr as NpyDtype, shape, fortranOrder: h.fortranOrder, data };
}
