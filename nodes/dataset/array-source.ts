/** What every reader of `dataset.load` returns: a file's arrays by name, decoded on demand. */
import type { UserArray } from '../lib/npy-read.ts';

/** Arrays by name, read lazily (a file's other arrays are never decoded). */
export type ArraySource = {
  /** What the source is, for messages ("trials.npz"). */
  where: string;
  names: string[];
  get: (name: string) => Promise<UserArray | undefined>;
  /** The cortexflow dataset meta.json, for a folder we wrote. */
  meta?: Record<string, unknown>;
  /** The probe's source, for a folder we wrote (probe/). */
  probe?: ArraySource;
};

/** A plain JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
