/**
 * The folder reader of `dataset.load`: `.npy` files side by side (`inputs.npy`, `targets.npy`, ...),
 * the layout a Dataset output is written in, so our own datasets load back with their labels and probe.
 */
import { pathKind } from '../lib/files.ts';
import { readNpy } from '../lib/npy-read.ts';
import { isRecord, type ArraySource } from './array-source.ts';

/** A folder's .npy arrays, with our meta.json and probe/ when the folder is a Dataset we wrote. */
export async function folderSource(dir: string, read: (p: string) => Promise<Uint8Array>): Promise<ArraySource> {
  const fs = await import('node:fs/promises');
  const nodePath = await import('node:path');
  const list = await fs.readdir(dir);
  const names = list.filter((f) => f.endsWith('.npy')).map((f) => f.slice(0, -4));
  let meta: Record<string, unknown> | undefined;
  if (list.includes('meta.json')) {
    try {
      const parsed = JSON.parse(new TextDecoder().decode(await read(nodePath.join(dir, 'meta.json')))) as unknown;
      if (isRecord(parsed) && parsed['format'] === 'cortexflow/dataset') meta = parsed;
    } catch {
      // Not our meta.json: the arrays alone are used.
    }
  }
  const src: ArraySource = {
    where: dir,
    names,
    get: async (name) =>
      names.includes(name)
        ? readNpy(await read(nodePath.join(dir, `${name}.npy`)), `${nodePath.join(dir, `${name}.npy`)}`)
        : undefined,
    ...(meta !== undefined ? { meta } : {}),
  };
  if (meta !== undefined && (await pathKind(nodePath.join(dir, 'probe'))) === 'directory')
    src.probe = await folderSource(nodePath.join(dir, 'probe'), read);
  return src;
}
