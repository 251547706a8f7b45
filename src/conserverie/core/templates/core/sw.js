/* Conserverie's service worker (docs/architecture.md §7, "The truck offline"), served from the site's root so that
   its scope covers the truck pages under /t/<territory>/ateliers/<n>/camion/.
   - A truck page: network first; its last good copy answers when there is no network.
   - Static files (CSS, scripts): the cached copy first, fetched and kept otherwise.
   - Anything else, and every POST: straight to the network (the page's own queue keeps the acts). */
const CACHE = "conserverie-truck-v1";
const STATIC = {{ static_url_json|safe }};
const TRUCK_PAGE = /^\/t\/[^/]+\/ateliers\/\d+\/camion\/$/;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The page asks to keep itself and what it loaded (it was drawn before this worker controlled it).
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "forget") {
    event.waitUntil(caches.delete(CACHE));
    return;
  }
  if (data.type !== "keep" || !Array.isArray(data.urls)) return;
  event.waitUntil(
    caches.open(CACHE).then((cache) => Promise.all(
      data.urls
        .filter((url) => new URL(url, self.location.origin).origin === self.location.origin)
        .map((url) => fetch(url, { credentials: "same-origin" })
          .then((response) => (response.ok && !response.redirected ? cache.put(url, response) : null))
          .catch(() => null)),
    )),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (TRUCK_PAGE.test(url.pathname)) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
          }
          return response;
        })
        .catch(() => caches.match(url.pathname).then((cached) => cached || Response.error())),
    );
    return;
  }
  if (url.pathname.startsWith(STATIC)) {
    event.respondWith(
      caches.match(request).then((cached) => cached || fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })),
    );
  }
});
