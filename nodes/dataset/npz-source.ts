/** The NumPy `.npz` reader of `dataset.load` (np.savez: a zip of .npy members). */
import { readNpy } from '../lib/npy-read.ts';
import { isRecord, type ArraySource } from './array-source.ts';

/** An .npz file's arrays, from its bytes; only the .npy members (and a run's meta.json) are decompressed. */
export async function npzSource(bytes: Uint8Array, where: string): Promise<ArraySource> {
  const { unzipSync } = await import('fflate');
  let entries: Record<string, Uint8Array>;
  try {
    // Only the .npy members (and the meta.json of a run's dataset.npz) are decompressed.
    entries = unzipSync(bytes, { filter: (f) => f.name.endsWith('.npy') || f.name.endsWith('meta.json') });
  } catch {
    throw new Error(
      `${where} is not a readable .npz (zip) file; write it with np.savez(path, inputs=..., targets=...)`,
    );
  }
  return npzMembers(entries, where, '');
}

/** The arrays under `prefix` of an unzipped .npz; a run's dataset.npz also has meta.json and probe/. */
function npzMembers(entries: Record<string, Uint8Array>, where: string, prefix: string): ArraySource {
  const names = Object.keys(entries)
    .filter((n) => n.startsWith(prefix) && n.endsWith('.npy') && !n.slice(prefix.length).includes('/'))
    .map((n) => n.slice(prefix.length, -4));
  const src: ArraySource = {
    where,
    names,
    get: async (name) => {
      const b = entries[`${prefix}${name}.npy`];
      return b === undefined ? undefined : readNpy(b, `${where}: array '${prefix}${name}'`);
    },
  };
  const metaBytes = entries[`${prefix}meta.json`];
  if (metaBytes !== undefined) {
    try {
      const parsed = JSON.parse(new TextDecoder().decode(metaBytes)) as unknown;
      if (isRecord(parsed) && parsed['format'] === 'cortexflow/dataset') src.meta = parsed;
    } catch {
      // Not our meta.json: the arrays alone are used.
    }
  }
  if (src.meta !== undefined && Object.keys(entries).some((n) => n.startsWith(`${prefix}probe/`)))
    src.probe = npzMembers(entries, where, `${prefix}probe/`);
  return src;
}
