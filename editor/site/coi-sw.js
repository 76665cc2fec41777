/*
 * cortexflow's cross-origin isolation service worker (opt-in: the editor's "Use every core" button
 * registers it). Static hosts that cannot send headers can still run threaded wasm once this worker
 * adds, to every same-origin response it serves, the two headers that make a page cross-origin
 * isolated: COOP same-origin and COEP require-corp. The site loads nothing from other origins, so
 * require-corp blocks nothing it needs; a `?pipeline=` file on another site is fetched with CORS,
 * which COEP allows. Only GETs to this origin are touched. Idea after coi-serviceworker (MIT,
 * gzuidhof); written here to keep it small and scoped to the site's folder.
 */
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  if (new URL(req.url).origin !== self.location.origin) return;
  // Chromium rejects this combination outside same-origin requests.
  if (req.cache === 'only-if-cached' && req.mode !== 'same-origin') return;
  event.respondWith(
    fetch(req).then((res) => {
      if (res.status === 0) return res;
      const headers = new Headers(res.headers);
      headers.set('Cross-Origin-Opener-Policy', 'same-origin');
      headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
      headers.set('Cross-Origin-Resource-Policy', 'same-origin');
      return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
    }),
  );
});
