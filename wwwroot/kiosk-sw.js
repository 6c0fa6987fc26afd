// Service worker of the counter tablet (scope /kiosk/). It only serves pages and files: the kiosk page
// (/kiosk/{counter}) from the network when it answers within a few seconds, else from the cache; the CSS and
// JavaScript (versioned URLs) from the cache first. It never sends answers: the page alone owns the queue
// (kiosk.js), so the two can never race. Hand-written rather than Workbox: forty lines, nothing to vendor.
'use strict';
var CACHE = 'cchc-kiosk-v1';
var PAGE_TIMEOUT_MS = 4000;

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (e) { e.waitUntil(self.clients.claim()); });

self.addEventListener('fetch', function (e) {
  var req = e.request;
  if (req.method !== 'GET') return; // answers (POST) go straight to the network
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === 'navigate' && /^\/kiosk\/[^/]+\/?[^/]*$/.test(url.pathname) && url.pathname.indexOf('/cam-on') < 0) {
    e.respondWith(page(req));
  } else if (/^\/(css|js)\//.test(url.pathname)) {
    e.respondWith(caches.match(req).then(function (hit) { return hit || fetch(req).then(function (res) { return keep(req, res); }); }));
  }
});

function keep(req, res) {
  if (res && res.ok && res.type === 'basic') {
    var copy = res.clone();
    caches.open(CACHE).then(function (c) { return c.put(req, copy); });
  }
  return res;
}

function page(req) {
  var cached = function () {
    return caches.open(CACHE).then(function (c) {
      return c.match(req).then(function (hit) { return hit || c.match(req, { ignoreSearch: true }); });
    });
  };
  var network = fetch(req).then(function (res) { return keep(req, res); });
  var timeout = new Promise(function (resolve) { setTimeout(resolve, PAGE_TIMEOUT_MS); });
  // A slow mountain connection must not leave the citizen in front of a blank tablet.
  return Promise.race([network.catch(function () { return null; }), timeout]).then(function (res) {
    if (res && res.status < 500) return res;
    return cached().then(function (hit) {
      if (hit) return hit;
      return res || network;
    });
  });
}
