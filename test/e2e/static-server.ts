/**
 * A plain static file server (node:http) for the built site: what any static host does, nothing
 * more. Serves `root` under a sub-path; `isolate` adds the two headers that make pages cross-origin
 * isolated (COOP same-origin, COEP require-corp). Used by the site's e2e test and benchmark.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

export interface StaticServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The site's address: origin + sub-path, ending in `/`. */
  url: string;
  close(): Promise<void>;
}

export async function serveStatic(
  root: string,
  options: { prefix?: string; isolate?: boolean } = {},
): Promise<StaticServer> {
  const prefix = options.prefix ?? '/';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith(prefix)) {
      res.writeHead(404).end('not under the sub-path');
      return;
    }
    const rel = decodeURIComponent(path.slice(prefix.length)) || 'index.html';
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        const headers: Record<string, string> = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
        if (options.isolate) {
          headers['cross-origin-opener-policy'] = 'same-origin';
          headers['cross-origin-embedder-policy'] = 'require-corp';
        }
        res.writeHead(200, headers).end(body);
      },
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  const origin = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  return {
    origin,
    url: `${origin}${prefix}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
