/**
 * NumPy `.npz` archives written as `np.savez_compressed` does: a zip of `.npy` members, deflated.
 * Only arrays large enough to matter are worth it; the noise-free trials of the task library shrink
 * 100-1000x, a network's hidden states about 1.5x. The date in the zip headers is fixed, so the
 * same arrays always give the same bytes (a run folder's content hash, a sweep's shared store).
 */
import { zipSync } from 'fflate';

/** Zip's earliest date; any fixed date makes the archive a function of its members. */
const FIXED_DATE = new Date(1980, 0, 1);

/**
 * Zip `members` (name -> bytes; `.npy` names are the arrays `np.load(...)[name]` returns, others
 * such as `meta.json` come back as raw bytes) deflated at `level` (6: zlib's default).
 */
export function encodeNpz(members: Record<string, Uint8Array | string>, level: 0 | 1 | 6 | 9 = 6): Uint8Array {
  const enc = new TextEncoder();
  return zipSync(
    Object.fromEntries(
      Object.entries(members).map(([name, data]) => [
        name,
        [typeof data === 'string' ? enc.encode(data) : data, { level, mtime: FIXED_DATE }],
      ]),
    ),
  );
}
