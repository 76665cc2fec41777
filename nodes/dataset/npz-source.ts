/** The NumPy `.npz` reader of `dataset.load` (np.savez: a zip of .npy members). */
import { readNpy } from '../lib/npy-read.ts';
import type { ArraySource } from './array-source.ts';

/** An .npz file's arrays, from its bytes; only the .npy members are decompressed. */
export async function npzSource(bytes: Uint8Array, where: string): Promise<ArraySource> {
  const { unzipSync } = await import('fflate');
  let entries: Record<string, Uint8Array>;
  try {
    // Only the .npy members are decompressed.
    entries = unzipSync(bytes, { filter: (f) => f.name.endsWith('.npy') });
  } catch {
    throw new Error(
      `${where} is not a readable .npz (zip) file; write it with np.savez(path, inputs=..., targets=...)`,
    );
  }
  const names = Object.keys(entries).map((n) => n.slice(0, -4));
  return {
    where,
    names,
    get: async (name) => {
      const b = entries[`${name}.npy`];
      return b === undefined ? undefined : readNpy(b, `${where}: array '${name}'`);
    },
  };
}
