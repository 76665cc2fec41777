/**
 * A study as a link. Two forms open a pipeline when the editor loads:
 *
 * - `#p=DATA`: the pipeline itself, deflated and base64url-encoded, in the URL fragment. The
 *   fragment never reaches the server, so a link works on any static host and tells it nothing.
 * - `?pipeline=URL`: a pipeline file fetched from URL (relative to the page, or absolute). Nothing
 *   is fetched from another origin unless the user opened such a link; the page says where the file
 *   came from.
 * - `?plugin=NAME` (with either): a bundled plugin the pipeline needs, loaded first.
 *
 * Compression is the platform's CompressionStream ('deflate'; in every current browser and in Node
 * 18+): no library in the bundle for it.
 */

/** Fragment key of a pipeline encoded in the link. */
export const HASH_KEY = 'p';
/** Query key of a pipeline fetched from a URL. */
export const QUERY_KEY = 'pipeline';
/**
 * Query key naming a bundled plugin to load first (repeatable). Only plugins shipped with the site
 * can be named, so a link loads no foreign code; it spares the recipient the Plugins… menu.
 */
export const PLUGIN_KEY = 'plugin';
/** Largest pipeline file fetched through `?pipeline=` (pipelines are a few kB). */
export const MAX_FETCH_BYTES = 5 * 1024 * 1024;

/** Thrown with a message that says what went wrong and where; shown to the user as is. */
export class ShareError extends Error {
  override name = 'ShareError';
}

async function pipeBytes(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s))
    throw new ShareError('the link\'s "#p=" part is not base64url text (A-Z a-z 0-9 - _); was it cut or altered?');
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    throw new ShareError('the link\'s "#p=" part is not valid base64url; was it cut when copied?');
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The pipeline (any JSON value) as the `DATA` of a `#p=DATA` link. */
export async function encodePipeline(doc: unknown): Promise<string> {
  const json = JSON.stringify(doc);
  return toBase64Url(await pipeBytes(new TextEncoder().encode(json), new CompressionStream('deflate')));
}

/** The pipeline JSON text carried by a `#p=DATA` link. */
export async function decodePipeline(data: string): Promise<string> {
  const bytes = fromBase64Url(data);
  if (bytes.length === 0) throw new ShareError('the link\'s "#p=" part is empty');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await pipeBytes(bytes, new DecompressionStream('deflate')));
  } catch {
    throw new ShareError('the link\'s "#p=" part does not decompress (deflate); was it cut when copied?');
  }
}

/** A link to `page` (the editor's address; its query and fragment are replaced) that opens `doc`. */
export async function shareLink(doc: unknown, page: string): Promise<string> {
  const u = new URL(page);
  u.search = '';
  const plugins = typeof doc === 'object' && doc !== null ? (doc as { plugins?: unknown }).plugins : undefined;
  if (Array.isArray(plugins)) for (const p of plugins) if (typeof p === 'string') u.searchParams.append(PLUGIN_KEY, p);
  u.hash = `${HASH_KEY}=${await encodePipeline(doc)}`;
  return u.href;
}

/** What a page address asks to open, if anything. */
export type SharedRequest =
  { kind: 'link'; data: string } | { kind: 'url'; url: URL; crossOrigin: boolean } | { kind: 'bad'; message: string };

/** The bundled plugins a page address asks to load (`?plugin=NAME`, repeatable). */
export function requestedPlugins(page: string): string[] {
  return new URL(page).searchParams.getAll(PLUGIN_KEY).filter((p) => p.trim() !== '');
}

/** Read `#p=` or `?pipeline=` from a page address (`#p=` wins when both are present). */
export function sharedRequest(page: string): SharedRequest | undefined {
  const u = new URL(page);
  const hash = new URLSearchParams(u.hash.replace(/^#/, ''));
  const data = hash.get(HASH_KEY);
  if (data !== null) return { kind: 'link', data };
  const ref = u.searchParams.get(QUERY_KEY);
  if (ref === null) return undefined;
  if (ref.trim() === '')
    return { kind: 'bad', message: '"?pipeline=" is empty: give the address of a pipeline JSON file' };
  let url: URL;
  try {
    url = new URL(ref, u);
  } catch {
    return { kind: 'bad', message: `"?pipeline=${ref}" is not an address` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return {
      kind: 'bad',
      message: `"?pipeline=${ref}": only http and https addresses can be opened, not ${url.protocol}`,
    };
  return { kind: 'url', url, crossOrigin: url.origin !== u.origin };
}

/** Where a shared pipeline came from, in words, for the status bar and messages. */
export function describeSource(req: Exclude<SharedRequest, { kind: 'bad' }>, page: string): string {
  if (req.kind === 'link') return `the link (#${HASH_KEY}=, ${req.data.length} characters)`;
  if (!req.crossOrigin) {
    const base = new URL('.', page).href;
    const rel = req.url.href.startsWith(base) ? req.url.href.slice(base.length) : req.url.pathname;
    return `${rel} (this site)`;
  }
  return `${req.url.href} (another site: ${req.url.origin})`;
}

/** Fetch a `?pipeline=` file's text, with errors that name the address and say what to check. */
export async function fetchPipeline(url: URL, fetchFn: typeof fetch = fetch): Promise<string> {
  let res: Response;
  try {
    // No cookies to other sites: a shared link must not act as the user there.
    res = await fetchFn(url.href, { credentials: 'same-origin', cache: 'no-cache' });
  } catch (e) {
    throw new ShareError(
      `could not fetch ${url.href} (${e instanceof Error ? e.message : String(e)}): check the address; another site must allow it (Access-Control-Allow-Origin)`,
    );
  }
  if (!res.ok) throw new ShareError(`${url.href} answered ${res.status} ${res.statusText}`.trim());
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > MAX_FETCH_BYTES)
    throw new ShareError(`${url.href} is ${declared} bytes; a pipeline file is at most ${MAX_FETCH_BYTES} bytes`);
  const text = await res.text();
  if (text.length > MAX_FETCH_BYTES)
    throw new ShareError(`${url.href} is ${text.length} bytes; a pipeline file is at most ${MAX_FETCH_BYTES} bytes`);
  return text;
}

const watched = new WeakSet<ShareHost>();

/** A `#p=` link pasted into the address bar of an open editor is a same-page navigation: open it too. */
function watchHash(host: ShareHost, loc: Location): void {
  if (watched.has(host)) return;
  watched.add(host);
  window.addEventListener('hashchange', () => {
    if (sharedRequest(loc.href)?.kind === 'link') void openShared(host, loc);
  });
}

/** The part of the editor {@link openShared} needs. */
export interface ShareHost {
  openText(text: string, source: string): Promise<boolean>;
  /** Load a bundled plugin; shows its own error and returns false when there is none by that name. */
  loadPlugin(name: string): Promise<boolean>;
  problem: { title: string; lines: string[] } | undefined;
  flash(message: string): void;
}

/**
 * If the page address carries a pipeline (`#p=` or `?pipeline=`), open it in the editor. On success
 * the address is cleaned (so a reload restores the autosave, edits included, instead of the
 * original link); on failure the problem is shown and the current graph is left as it was.
 * Returns whether a shared pipeline was opened.
 */
export async function openShared(host: ShareHost, loc: Location = window.location): Promise<boolean> {
  watchHash(host, loc);
  const req = sharedRequest(loc.href);
  if (!req) return false;
  if (req.kind === 'bad') {
    host.problem = { title: 'Could not open the shared pipeline', lines: [req.message] };
    return false;
  }
  const source = describeSource(req, loc.href);
  for (const name of requestedPlugins(loc.href)) if (!(await host.loadPlugin(name))) return false;
  let text: string;
  try {
    text = req.kind === 'link' ? await decodePipeline(req.data) : await fetchPipeline(req.url);
  } catch (e) {
    host.problem = { title: `Could not open ${source}`, lines: [e instanceof Error ? e.message : String(e)] };
    return false;
  }
  const ok = await host.openText(text, source);
  if (ok) {
    host.flash(`Opened from ${source}`);
    const clean = new URL(loc.href);
    clean.hash = '';
    clean.searchParams.delete(QUERY_KEY);
    clean.searchParams.delete(PLUGIN_KEY);
    history.replaceState(history.state, '', clean.href);
  }
  return ok;
}
