/**
 * The results folder of a run: checked before anything computes, locked for the run's lifetime
 * so that two runs never mix their files, and cleaned of what a killed run left behind.
 *
 * Layout of the run's private files: DIR/.cortexflow/lock (the lock: JSON with the holder's pid),
 * DIR/.cortexflow/values/KEY.v8 (finished nodes' outputs for `--resume`). The lock is released and
 * the folder removed when it is empty at the end of the run.
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** A results folder that cannot be used (printed as a usage error, exit 2, nothing computed). */
export class OutDirError extends Error {
  override name = 'OutDirError';
}

/** The run's private folder inside DIR. */
export const privateDir = (dir: string): string => join(dir, '.cortexflow');
/** Where finished nodes' output values are kept for `--resume`. */
export const valuesDir = (dir: string): string => join(privateDir(dir), 'values');
const lockFile = (dir: string): string => join(privateDir(dir), 'lock');

/** Check an `--out` value before the pipeline is even read: not empty, not an existing file. */
export function checkOutOption(out: string | undefined, option = '--out'): void {
  if (out === undefined) return;
  if (out.trim() === '')
    throw new OutDirError(`${option} "": expected a folder path (give a name, or leave ${option} out)`);
  let st;
  try {
    st = statSync(out);
  } catch {
    return; // does not exist yet: created at lock time
  }
  if (!st.isDirectory()) throw new OutDirError(`${option} "${out}": this is an existing file, not a folder`);
}

/** What a lock file records about the run holding it. */
export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

/** Is process `pid` (on this host) alive and a cortexflow run? */
export function holderAlive(info: LockInfo): boolean {
  if (info.host !== os.hostname()) return true; // another machine (shared disk): cannot tell, assume alive
  try {
    process.kill(info.pid, 0);
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A recycled pid: on Linux the command line tells whether it is still a cortexflow process.
  try {
    const cmd = readFileSync(`/proc/${info.pid}/cmdline`, 'utf8');
    return cmd.includes('cortexflow');
  } catch {
    return true;
  }
}

async function readLock(path: string): Promise<LockInfo | undefined> {
  try {
    const v = JSON.parse(await readFile(path, 'utf8')) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string')
      return { pid: v.pid, host: v.host, startedAt: String(v.startedAt ?? '?') };
  } catch {
    /* unreadable or half-written: treated as stale below */
  }
  return undefined;
}

function explain(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOENT: 'the file system does not allow creating it there',
    ENOTDIR: 'a parent of it is a file',
    ENOSPC: 'no space left on the device',
  };
  return (err.code && why[err.code]) ?? (err.code || String(e));
}

/**
 * `mkdir -p`, one level at a time from the nearest existing ancestor. Node's recursive mkdir
 * spins forever under /proc (`--out /proc/nope` used to hang at 95 % CPU); each plain mkdir fails.
 */
async function makeDirs(path: string): Promise<void> {
  const missing: string[] = [];
  let p = resolve(path);
  for (;;) {
    try {
      const st = await stat(p);
      if (!st.isDirectory()) throw Object.assign(new Error(`${p} is a file`), { code: 'ENOTDIR' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      missing.push(p);
      const up = dirname(p);
      if (up === p) break;
      p = up;
    }
  }
  for (const d of missing.reverse())
    try {
      await mkdir(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
}

/** The live run holding DIR's lock, if any. */
export async function lockHolder(dir: string): Promise<LockInfo | undefined> {
  const info = await readLock(lockFile(dir));
  return info && holderAlive(info) ? info : undefined;
}

/** A held lock on a results folder. */
export interface OutDirLock {
  readonly dir: string;
  /** Release the lock and remove DIR/.cortexflow when nothing else is left in it. */
  release(): Promise<void>;
  /** Release now, synchronously enough for process exit paths (best effort). */
  releaseSync(): void;
}

/**
 * Create DIR if needed and lock it for this process. Refuses (OutDirError) when the folder cannot
 * be written, or when another live cortexflow run holds it (the message names its pid). A lock left
 * by a run that no longer exists (SIGKILL, power loss) is taken over.
 */
export async function lockOutDir(dir: string): Promise<OutDirLock> {
  try {
    await makeDirs(privateDir(dir));
  } catch (e) {
    throw new OutDirError(`--out ${dir}: cannot create the results folder (${explain(e)})`);
  }
  const file = lockFile(dir);
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const h = await open(file, 'wx');
      try {
        await h.writeFile(`${JSON.stringify(mine)}\n`);
      } finally {
        await h.close();
      }
      let released = false;
      const release = async (): Promise<void> => {
        if (released) return;
        released = true;
        await rm(file, { force: true });
        await rmdir(privateDir(dir)).catch(() => undefined); // only when empty
      };
      return {
        dir,
        release,
        releaseSync: () => {
          if (released) return;
          released = true;
          try {
            rmSync(file, { force: true });
          } catch {
            /* exiting anyway */
          }
        },
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new OutDirError(`--out ${dir}: cannot write in the results folder (${explain(e)})`);
    }
    const holder = await readLock(file);
    if (holder && holderAlive(holder))
      throw new OutDirError(
        `--out ${dir} is in use by another cortexflow run (pid ${holder.pid}, started ${holder.startedAt}); ` +
          'wait for it to finish, stop it, or choose another --out',
      );
    // Stale: move it aside under a name only we use, then try again to create ours. Renaming (not
    // deleting) means two processes taking over the same stale lock cannot both succeed blindly.
    await rename(file, `${file}.stale-${process.pid}`).catch(() => undefined);
    await rm(`${file}.stale-${process.pid}`, { force: true });
  }
  throw new OutDirError(`--out ${dir}: could not take the folder's lock (another run keeps taking it)`);
}

const TMP_RE = /\.tmp-\d+-\d+$/;

/**
 * Remove temporary files (`NAME.tmp-PID-N`) a killed run left in DIR. Only called while holding
 * DIR's lock, so none of them can belong to a live run. Returns how many were removed.
 */
export async function cleanStaleTemps(dir: string, maxEntries = 200_000): Promise<number> {
  let removed = 0;
  let seen = 0;
  const stack = [dir];
  while (stack.length > 0 && seen < maxEntries) {
    const d = stack.pop() as string;
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const ent of entries) {
      seen++;
      const p = join(d, ent.name);
      if (ent.isDirectory()) stack.push(p);
      else if (TMP_RE.test(ent.name)) {
        await rm(p, { force: true });
        removed++;
      }
    }
  }
  return removed;
}
