// daicho's scanning page, offline. A municipal room often has no network: this worker
// keeps the scanning page and its scripts on the device so that the page also opens (or
// reloads) with the network gone. Network first, the kept copy only when the network
// fails, so a page opened online is always the server's current one. It answers only
// the scanning pages and their files; scans themselves are sent by the page (its queue),
// never by this worker.
'use strict';
var CACHE = 'daicho-scan-v1';
var FILES = ['/static/style.css', '/static/scan.js', '/static/jsqr.js'];
var PAGE = /^\/stocktakes\/[^/]+\/scan$/;
var OFFLINE = '<!doctype html><html lang="ja"><meta charset="utf-8"><title>通信できません</title>' +
  '<p>通信できないため、このページを開けません。読み取りのページは、一度通信できる場所で開くと、' +
  'この端末に保存されて通信できない場所でも開けるようになります。</p></html>';

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE)
    .then(function (cache) { return cache.addAll(FILES); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys()
    .then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; })
        .map(function (k) { return caches.delete(k); }));
    })
    .then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (!PAGE.test(url.pathname) && FILES.indexOf(url.pathname) < 0) { return; }
  event.respondWith(fetch(request)
    .then(function (response) {
      // A login page (a redirect) or an error is never kept in place of the page.
      if (response.ok && response.type === 'basic' && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(url.pathname, copy); });
      }
      return response;
    })
    .catch(function () {
      return caches.match(url.pathname).then(function (kept) {
        return kept || new Response(OFFLINE, {
          status: 503,
          headers: {
            'Content-Type': 'text/html; charset=utf-8',
            'Content-Security-Policy': "default-src 'none'"
          }
        });
      });
    }));
});
