/**
 * The one way a block reads a file or URL the pipeline names (`model.load`, `dataset.load`, and
 * plugins that want the same rules). A pipeline file is untrusted text, so:
 *
 * - only regular files are opened: a FIFO, a device (`/dev/zero`), a directory or a socket is
 *   refused before a byte is read, and a file that reports size 0 yet has content (`/proc/...`,
 *   `/sys/...`) is refused too;
 * - the size is checked before reading against a limit ({@link maxReadBytes}, 1024 MiB unless
 *   `CORTEXFLOW_MAX_READ_MB` says otherwise), and the read is capped at the size stat reported, so a
 *   file that grows while it is read cannot make it run away;
 * - reading goes in chunks and stops at once when the run is cancelled;
 * - error messages name the file and the problem, never its contents;
 * - URLs are fetched only when allowed: always in the browser (the user picked them in the
 *   editor), in Node only with `--allow-urls` / `CORTEXFLOW_ALLOW_URLS=1` (data: URLs need no
 *   network and are always read), with the same size limit.
 */

/** Environment variable overriding the read limit, in MiB. */
export const MAX_READ_ENV = 'CORTEXFLOW_MAX_READ_MB';
/** Environment variable that lets Node fetch http(s) URLs named in a pipeline (`1` / `true`). */
export const ALLOW_URLS_ENV = 'CORTEXFLOW_ALLOW_URLS';
/** The default read limit: 1024 MiB (a Float32Array dataset of 268 million values). */
export const DEFAULT_MAX_READ_BYTES = 1024 * 2 ** 20;
const CHUNK = 4 * 2 ** 20;

/** A refusal or failure to read a file: the message names the file and never shows its contents. */
export class FileReadError extends Error {
  override name = 'FileReadError';
}

function env(name: string): string | undefined {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env?.[name];
}

/** The read limit in bytes: `CORTEXFLOW_MAX_READ_MB` when set to a positive number, else 1024 MiB. */
export function maxReadBytes(): number {
  const raw = env(MAX_READ_ENV);
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_READ_BYTES;
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb <= 0)
    throw new FileReadError(`${MAX_READ_ENV}="${raw}" is not a positive number of MiB`);
  return Math.round(mb * 2 ** 20);
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 3 : 1)} MiB`;
}

/** Options of {@link readFileSafe} and {@link fetchSafe}. */
export interface ReadOptions {
  /** Refuse anything larger (default {@link maxReadBytes}). */
  maxBytes?: number;
  /** Stop reading when it fires. */
  signal?: AbortSignal;
  /** What the file is, for messages ("model file", "dataset"). */
  what?: string;
}

function checkAborted(signal: AbortSignal | undefined, shown: string): void {
  if (signal?.aborted) throw new FileReadError(`reading ${shown} was cancelled`);
}

function kindOf(st: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
  isSymbolicLink(): boolean;
}): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * What is at `path` (following symbolic links): 'file', 'directory', 'missing', or a description of
 * something else. Never opens it.
 */
export async function pathKind(path: string): Promise<string> {
  const fs = await import('node:fs/promises');
  try {
    const st = await fs.stat(path);
    if (st.isFile()) return 'file';
    if (st.isDirectory()) return 'directory';
    return kindOf(st);
  } catch {
    return 'missing';
  }
}

/**
 * Read a regular file whole, under the rules above. `path` is used as given (resolve it first);
 * messages show `shown` (default the path).
 */
export async function readFileSafe(path: string, o: ReadOptions & { shown?: string } = {}): Promise<Uint8Array> {
  const fs = await import('node:fs/promises');
  const { constants } = await import('node:fs');
  const shown = o.shown ?? path;
  const what = o.what ?? 'file';
  const max = o.maxBytes ?? maxReadBytes();
  checkAborted(o.signal, shown);
  // stat first, so that a FIFO is never opened (opening one blocks until a writer comes).
  let st;
  try {
    st = await fs.stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileReadError(
      code === 'ENOENT' || code === 'ENOTDIR'
        ? `no file at ${shown}`
        : code === 'EACCES'
          ? `${shown}: permission denied`
          : `cannot read ${shown} (${code ?? 'error'})`,
    );
  }
  if (!st.isFile())
    throw new FileReadError(`${shown} is ${kindOf(st)}, not a regular file; give the path of a ${what}`);
  if (st.size > max)
    throw new FileReadError(
      `${shown} is ${mib(st.size)}, over the ${mib(max)} read limit; set ${MAX_READ_ENV} to read larger files`,
    );
  let handle;
  try {
    // O_NONBLOCK: should the path have been swapped for a FIFO since the stat, open does not hang.
    handle = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileReadError(
      code === 'EACCES' ? `${shown}: permission denied` : `cannot open ${shown} (${code ?? 'error'})`,
    );
  }
  try {
    const fst = await handle.stat();
    if (!fst.isFile() || fst.size !== st.size)
      throw new FileReadError(`${shown} changed while it was being opened; try again`);
    const size = fst.size;
    const out = new Uint8Array(size);
    let off = 0;
    while (off < size) {
      checkAborted(o.signal, shown);
      const { bytesRead } = await handle.read(out, off, Math.min(CHUNK, size - off), off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    checkAborted(o.signal, shown);
    if (off < size) throw new FileReadError(`${shown} shrank while it was being read (${off} of ${size} bytes)`);
    // One byte past the reported size: a /proc or /sys file reports 0 and has content; a growing
    // file is being written. Either way the bytes we have are not the file.
    const probe = new Uint8Array(1);
    const { bytesRead: extra } = await handle.read(probe, 0, 1, size);
    if (extra > 0)
      throw new FileReadError(
        size === 0
          ? `${shown} reports size 0 but has content (a /proc or /sys file?); only regular files on disk are read`
          : `${shown} grew while it was being read; read it when it is complete`,
      );
    return out;
  } finally {
    await handle.close();
  }
}

/** Is `path` a URL (http, https, data, blob) rather than a file path? */
export function isUrl(path: string): boolean {
  return /^(https?|data|blob):/i.test(path.trim());
}

/** Is `url` a URL that needs the network (http, https)? */
export function isNetworkUrl(url: string): boolean {
  return /^https?:/i.test(url.trim());
}

/** May a block fetch network URLs here? Always in the browser; in Node only with the opt-in. */
export function urlsAllowed(platform: 'node' | 'browser'): boolean {
  if (platform === 'browser') return true;
  const v = env(ALLOW_URLS_ENV)?.trim().toLowerCase();
  return v === '1' || v === 'true' || v === 'yes';
}

/** The error for a network URL in Node without the opt-in; `param` names the block param. */
export function urlRefused(url: string, param = 'path'): FileReadError {
  const scheme = url.trim().split(':')[0] ?? 'http';
  return new FileReadError(
    `${param}: ${scheme}: URLs are not fetched from the command line unless allowed; run with --allow-urls ` +
      `(or ${ALLOW_URLS_ENV}=1), or download the file and give its path`,
  );
}

/**
 * Where a block param names its file: 'url' or 'file'. The rules every file-reading block follows:
 * a file path only where there is a file system (Node), a network URL only where allowed
 * ({@link urlsAllowed}). `inBrowser` finishes the browser's advice ("of an .npz or .mat file").
 */
export function sourceOf(path: string, platform: 'node' | 'browser', inBrowser: string): 'url' | 'file' {
  const url = isUrl(path);
  if (!url && platform !== 'node')
    throw new FileReadError(
      `path: "${path}" is a file path, which only Node can read; in the browser give an http(s):, data: or blob: URL ${inBrowser}`,
    );
  if (url && isNetworkUrl(path) && !urlsAllowed(platform)) throw urlRefused(path);
  return url ? 'url' : 'file';
}

/**
 * Fetch a URL under the size limit (checked on Content-Length first, then while streaming), abortable
 * through `signal`. Refuses network URLs in Node unless allowed (see {@link urlsAllowed}).
 */
export async function fetchSafe(
  url: string,
  o: ReadOptions & { platform: 'node' | 'browser'; shown?: string },
): Promise<Uint8Array> {
  const u = url.trim();
  const shown = o.shown ?? (u.startsWith('data:') ? 'the data: URL' : u);
  if (isNetworkUrl(u) && !urlsAllowed(o.platform)) throw urlRefused(u);
  const max = o.maxBytes ?? maxReadBytes();
  let res: Response;
  try {
    res = await fetch(u, o.signal ? { signal: o.signal } : {});
  } catch (e) {
    checkAborted(o.signal, shown);
    throw new FileReadError(`could not fetch ${shown} (${(e as Error).message})`);
  }
  if (!res.ok) throw new FileReadError(`fetching ${shown} gave HTTP ${res.status} ${res.statusText}`);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel();
    throw new FileReadError(`${shown} is ${mib(declared)}, over the ${mib(max)} read limit`);
  }
  if (res.body === null) return new Uint8Array(0);
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    if (o.signal?.aborted) {
      await reader.cancel();
      checkAborted(o.signal, shown);
    }
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel();
      throw new FileReadError(`${shown} is over the ${mib(max)} read limit`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * A harmless description of bytes that are not what was expected: their size and whether they look
 * like text, never the bytes themselves (they may be a secret the path pointed at).
 */
export function describeContent(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'an empty file';
  const head = bytes.subarray(0, 512);
  let text = 0;
  for (const b of head) if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127)) text++;
  const kind = text / head.length > 0.95 ? 'text' : 'binary data';
  return `${bytes.length} bytes of ${kind}`;
}
