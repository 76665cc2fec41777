/**
 * How the CLI puts bytes on disk: every file atomically (a temporary file in the same folder, then
 * rename), so an interrupted run never leaves a half-written file, and content other runs share
 * (datasets) once per SHA-256 in a store folder, hard-linked into each run folder.
 *
 * Temporary names end in `.tmp-PID-N`; the next run into a folder removes those a killed run left
 * (outdir.ts).
 */
import { createHash } from 'node:crypto';
import { chmod, copyFile, link, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, join, relative } from 'node:path';

let tmpCounter = 0;

/** A fresh temporary name next to `path`. */
export function tmpName(path: string): string {
  return `${path}.tmp-${process.pid}-${++tmpCounter}`;
}

/** Write a file atomically. */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tmpName(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** SHA-256 of a file's content, hex. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Write `data` at `path` through the content-addressed `store`: the bytes go to
 * STORE/SHA256.EXT once (a later run with the same content finds them there), and `path` becomes
 * a hard link to that object, itself put in place atomically. Where a hard link cannot be made
 * (another file system) the object is copied. Returns the object's path relative to `runDir`.
 */
export async function writeShared(
  store: string,
  runDir: string,
  path: string,
  data: string | Uint8Array,
  hash: string,
): Promise<string> {
  const object = join(store, `${hash}${extname(path)}`);
  const have = await stat(object).then(
    (s) => s.isFile() && s.size === (typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength),
    () => false,
  );
  // Two runs storing the same object at once each rename a complete copy into place: harmless.
  if (!have) {
    await writeAtomic(object, data);
    // Read-only: the object is every linked run's file, so an in-place write to one run's copy
    // (np.savez over it) must fail rather than change them all. Replacing or deleting still works.
    await chmod(object, 0o444);
  }
  await mkdir(dirname(path), { recursive: true });
  const tmp = tmpName(path);
  try {
    try {
      await link(object, tmp);
    } catch {
      await copyFile(object, tmp);
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return relative(runDir, object);
}
