// Service worker of the field app (scope {{ shell }}). Version {{ version }}.
// The shell and its assets are cached at install: the app opens with no connection. The shell is
// fetched network-first (so a new version arrives when online), assets cache-first; the API is
// never cached here — the app keeps its data in IndexedDB.
"use strict";
const CACHE = "minxin-field-{{ version }}";
const SHELL = "{{ shell|escapejs }}";
const ASSETS = [{% for url in assets %}"{{ url|escapejs }}", {% endfor %}SHELL];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key.startsWith("minxin-field-") && key !== CACHE)
      .map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

async function shellFirstFromNetwork(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    // A redirect (to the login page) or an error is passed on, never cached as the shell.
    if (response.ok && !response.redirected) await cache.put(SHELL, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(SHELL);
    if (cached) return cached;
    throw error;
  }
}

async function assetFromCache(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(CACHE)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && (url.pathname === SHELL || url.pathname === SHELL + "index.html")) {
    event.respondWith(shellFirstFromNetwork(request));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(assetFromCache(request));
  }
});
