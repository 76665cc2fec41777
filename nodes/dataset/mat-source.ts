/** The MATLAB v7.3 `.mat` reader of `dataset.load` (HDF5, read with h5wasm). */
import { ArrayFormatError } from '../lib/npy-read.ts';
import type { ArraySource } from './array-source.ts';

/** Names the .mat copies in h5wasm's in-memory file system (one per file being read). */
let matCounter = 0;

/**
 * MATLAB v7.3: HDF5 with one dataset per variable. MATLAB is column-major, so an [S, T, C] variable
 * is stored with its dimensions reversed: [C, T, S] in HDF5's C order, which is the same bytes; the
 * axes are reversed back here.
 */
export async function matSource(bytes: Uint8Array, where: string): Promise<{ source: ArraySource; close: () => void }> {
  const h5 = (await import('h5wasm')).default;
  const mod = await h5.ready;
  const fsPath = `/cortexflow-mat-${++matCounter}.mat`;
  mod.FS.writeFile(fsPath, bytes);
  const file = new h5.File(fsPath, 'r');
  const close = (): void => {
    try {
      file.close();
    } finally {
      mod.FS.unlink(fsPath);
    }
  };
  if (file.file_id < 0n) {
    close();
    throw new Error(`${where} has an HDF5 signature but could not be opened; the file may be truncated or damaged`);
  }
  const names = file.keys().filter((k) => file.get(k) instanceof h5.Dataset);
  return {
    close,
    source: {
      where,
      names,
      get: async (name) => {
        if (!names.includes(name)) return undefined;
        const ds = file.get(name);
        if (!(ds instanceof h5.Dataset)) return undefined;
        const w = `${where}: variable '${name}'`;
        const cls = ds.attrs['MATLAB_class']?.value;
        if (cls === 'cell' || cls === 'struct')
          throw new ArrayFormatError(
            `${w} is a MATLAB ${String(cls)}; save numeric arrays (double, single, int, logical)`,
          );
        const raw = ds.value;
        const hShape = ds.shape ?? [];
        let flat: Float64Array;
        if (raw instanceof Float64Array) flat = raw;
        else if (ArrayBuffer.isView(raw) && !(raw instanceof DataView)) {
          const arr = raw as unknown as ArrayLike<number | bigint>;
          flat = new Float64Array(arr.length);
          for (let i = 0; i < arr.length; i++) flat[i] = Number(arr[i]);
        } else if (typeof raw === 'number') flat = new Float64Array([raw]);
        else throw new ArrayFormatError(`${w} is not a numeric array; save double, single, int or logical arrays`);
        // Reverse the axes: HDF5 shape [d0, ..., dk] in C order is MATLAB's [dk, ..., d0].
        const shape = [...hShape].reverse();
        const values = reverseAxes(flat, hShape);
        return { shape, dtype: typeof ds.dtype === 'string' ? ds.dtype : 'hdf5', kind: 'float', values };
      },
    },
  };
}

/** Transpose a C-order array of shape `shape` into C order of the reversed shape. */
function reverseAxes(src: Float64Array, shape: number[]): Float64Array {
  const d = shape.length;
  if (d < 2) return src;
  const out = new Float64Array(src.length);
  const rev = [...shape].reverse();
  // strides of the reversed array in C order
  const stridesRev = new Array<number>(d).fill(1);
  for (let k = d - 2; k >= 0; k--) stridesRev[k] = (stridesRev[k + 1] as number) * (rev[k + 1] as number);
  const idx = new Array<number>(d).fill(0);
  for (let i = 0; i < src.length; i++) {
    // index (i0..i_{d-1}) in src maps to (i_{d-1}..i0) in out
    let o = 0;
    for (let k = 0; k < d; k++) o += (idx[k] as number) * (stridesRev[d - 1 - k] as number);
    out[o] = src[i] as number;
    for (let k = d - 1; k >= 0; k--) {
      idx[k] = (idx[k] as number) + 1;
      if ((idx[k] as number) < (shape[k] as number)) break;
      idx[k] = 0;
    }
  }
  return out;
}
