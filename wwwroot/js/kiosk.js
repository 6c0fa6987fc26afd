// Counter tablet (/kiosk/{counter}). Every answer gets its submission id here and waits in IndexedDB until the
// server acknowledged it (201 or 200), so nothing is lost when the network or the server is away, or the browser
// is closed. One sender only: a Web Lock, held while the queue is sent one answer at a time, so two tabs never
// send together and the service worker (kiosk-sw.js) never sends at all — it only serves the cached page.
// The server's idempotency (same id and payload: 200) makes a resend after a lost acknowledgement harmless.
(function () {
  'use strict';
  var root = document.getElementById('kiosk');
  if (!root) return;
  var form = root.querySelector('form.survey');
  var screen = root.querySelector('[data-screen]');
  var thanks = root.querySelector('[data-thanks-panel]');
  var d = root.dataset;
  var idleMs = Math.max(10, +d.idle || 60) * 1000;
  var thanksMs = Math.max(1, +d.thanks || 5) * 1000;
  var retryMaxMs = Math.max(1, +d.retryMax || 300) * 1000;
  var shownAt = Date.now();
  var idleTimer = 0;

  // ---------------------------------------------------------------- a fresh screen for every citizen
  function dirty() {
    if (!form) return false;
    var inputs = form.querySelectorAll('input[type=radio],input[type=checkbox],textarea');
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if (el.tagName === 'TEXTAREA' ? el.value !== '' : el.checked) return true;
    }
    return false;
  }
  function fresh() {
    if (thanks) thanks.hidden = true;
    if (screen) screen.hidden = false;
    if (form) {
      form.reset();
      var alerts = screen.querySelectorAll('.alert');
      for (var i = 0; i < alerts.length; i++) alerts[i].remove();
      var send = form.querySelector('button[type=submit]');
      if (send) send.disabled = false;
      // survey.js hides the conditional questions again on change.
      form.dispatchEvent(new Event('change'));
    }
    window.scrollTo(0, 0);
    shownAt = Date.now();
    armIdle();
  }
  function armIdle() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () { if (dirty()) fresh(); else armIdle(); }, idleMs);
  }
  ['pointerdown', 'keydown', 'change', 'input'].forEach(function (e) { document.addEventListener(e, armIdle, true); });
  armIdle();
  // "Người tiếp theo": a fresh screen at once, without a page load (works offline).
  root.addEventListener('click', function (e) {
    var a = e.target.closest ? e.target.closest('[data-next-person]') : null;
    if (!a) return;
    e.preventDefault();
    fresh();
  });

  if (d.enrolled !== '1' || !form || !window.indexedDB) return;

  // ---------------------------------------------------------------- the queue (IndexedDB)
  var dbPromise = null;
  function db() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var open = indexedDB.open('cchc-kiosk', 1);
      open.onupgradeneeded = function () {
        var x = open.result;
        if (!x.objectStoreNames.contains('queue')) x.createObjectStore('queue', { keyPath: 'id' });
        if (!x.objectStoreNames.contains('refused')) x.createObjectStore('refused', { keyPath: 'id' });
      };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = function () { reject(open.error); };
    });
    dbPromise.catch(function () { dbPromise = null; });
    return dbPromise;
  }
  // Resolves when the transaction is committed (the answer is on the tablet's disk), not merely requested.
  function tx(stores, mode, work) {
    return db().then(function (x) {
      return new Promise(function (resolve, reject) {
        var t = x.transaction(stores, mode), result;
        t.oncomplete = function () { resolve(result); };
        t.onerror = t.onabort = function () { reject(t.error); };
        result = work(t);
      });
    });
  }
  function getAll(store) {
    return tx([store], 'readonly', function (t) {
      var out = { items: [] };
      t.objectStore(store).getAll().onsuccess = function (e) { out.items = e.target.result; };
      return out;
    }).then(function (out) { return out.items; });
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  // The API's answer object: integers for scales and yes/no, codes, lists of codes, text; hidden questions left out.
  function answers() {
    var a = {}, qs = form.querySelectorAll('[data-item]');
    for (var i = 0; i < qs.length; i++) {
      var q = qs[i], code = q.getAttribute('data-item'), type = q.getAttribute('data-type');
      var cond = q.closest('.cond');
      if (cond && cond.hidden) continue;
      if (type === 'text') {
        var text = q.querySelector('textarea').value;
        if (text.trim() !== '') a[code] = text;
      } else if (type === 'multi') {
        var picked = Array.prototype.map.call(q.querySelectorAll('input:checked'), function (x) { return x.value; });
        if (picked.length) a[code] = picked;
      } else {
        var c = q.querySelector('input:checked');
        if (c && c.value !== 'na') a[code] = type === 'int' ? parseInt(c.value, 10) : c.value;
      }
    }
    return a;
  }

  function message(text) {
    var old = screen.querySelector('.alert');
    if (old) old.remove();
    var p = document.createElement('p');
    p.className = 'alert';
    p.setAttribute('role', 'alert');
    p.textContent = text;
    form.parentNode.insertBefore(p, form);
  }

  var saving = false;
  function record() {
    if (saving) return;
    var a = answers();
    if (Object.keys(a).length === 0) { message(d.msgEmpty); return; }
    saving = true;
    var id = uuid();
    var body = JSON.stringify({
      submissionId: id, counter: d.counter, instrument: d.instrument, version: +d.version, channel: 'kiosk',
      answers: a, elapsedSeconds: Math.round((Date.now() - shownAt) / 100) / 10
    });
    tx(['queue'], 'readwrite', function (t) { t.objectStore('queue').put({ id: id, at: Date.now(), body: body }); })
      .then(function () {
        saving = false;
        showThanks();
        kick(0);
      }, function () {
        // No storage on this tablet (private mode, quota): the ordinary form post still stores the answer online.
        saving = false;
        form.submit();
      });
  }

  function showThanks() {
    screen.hidden = true;
    thanks.hidden = false;
    var h = thanks.querySelector('h1');
    if (h) h.focus();
    clearTimeout(idleTimer);
    setTimeout(fresh, thanksMs);
  }

  form.addEventListener('submit', function (e) { e.preventDefault(); record(); });
  // One tap: a satisfied face is the whole answer; a low one opens the reasons and waits for Send.
  if (form.classList.contains('quick')) {
    form.addEventListener('change', function (e) {
      var t = e.target;
      if (!t || t.type !== 'radio' || !t.closest('.faces')) return;
      var blocks = form.querySelectorAll('.cond[data-when="' + t.name + '"]'), waits = false;
      for (var i = 0; i < blocks.length; i++) {
        var max = blocks[i].getAttribute('data-max');
        if (max && +t.value <= +max) waits = true;
      }
      if (!waits) record();
    });
  }

  // ---------------------------------------------------------------- the sender
  var failures = 0, timer = 0, running = false;
  var permanent = { 400: 1, 403: 1, 404: 1, 409: 1, 413: 1, 422: 1 };

  function kick(delay) {
    clearTimeout(timer);
    timer = setTimeout(drain, delay || 0);
  }
  function backoff(retryAfterSeconds) {
    failures++;
    var wait = Math.min(retryMaxMs, 2000 * Math.pow(2, Math.min(failures - 1, 16)));
    wait = wait / 2 + Math.random() * wait / 2;
    if (retryAfterSeconds > 0) wait = Math.max(wait, Math.min(retryMaxMs, retryAfterSeconds * 1000));
    kick(wait);
  }

  function drain() {
    if (running) return;
    running = true;
    var done = function (outcome) {
      running = false;
      count();
      if (outcome && outcome.retry !== undefined) backoff(outcome.retry);
      else if (outcome === 'held') kick(5000); // another tab sends; look again later in case it closes
    };
    var work = navigator.locks
      ? navigator.locks.request('cchc-kiosk-sender', { ifAvailable: true }, function (lock) { return lock ? sendAll() : 'held'; })
      : sendAll();
    Promise.resolve(work).then(done, function () { done({ retry: 0 }); });
  }

  function sendAll() {
    return getAll('queue').then(function (items) {
      show(items.length);
      if (items.length === 0) { failures = 0; return 'empty'; }
      items.sort(function (x, y) { return x.at - y.at; });
      var rec = items[0];
      return fetch('/api/v1/responses', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: rec.body,
        credentials: 'same-origin', cache: 'no-store'
      }).then(function (res) {
        if (res.status === 200 || res.status === 201) {
          failures = 0;
          return tx(['queue'], 'readwrite', function (t) { t.objectStore('queue').delete(rec.id); }).then(sendAll);
        }
        if (permanent[res.status]) {
          return res.json().catch(function () { return {}; }).then(function (problem) {
            if (problem && problem.kiosk === 'revoked') root.querySelector('[data-revoked]').hidden = false;
            var refused = {
              id: rec.id, at: rec.at, status: res.status,
              reason: (problem && (problem.title || '')) + (problem && problem.detail ? ': ' + problem.detail : ''),
              body: rec.body
            };
            return tx(['queue', 'refused'], 'readwrite', function (t) {
              t.objectStore('refused').put(refused);
              t.objectStore('queue').delete(rec.id);
            }).then(sendAll);
          });
        }
        var after = parseInt(res.headers.get('Retry-After') || '0', 10);
        return { retry: isNaN(after) ? 0 : after };
      }, function () { return { retry: 0 }; }); // network down or server unreachable
    });
  }

  // ---------------------------------------------------------------- what staff see
  var waiting = root.querySelector('[data-waiting]');
  var refusedCount = root.querySelector('[data-refused-count]');
  var staff = root.querySelector('[data-staff]');
  var list = root.querySelector('[data-refused-list]');
  function show(n) { if (waiting) waiting.textContent = String(n); }
  function count() {
    getAll('queue').then(function (items) { show(items.length); }, function () { });
    getAll('refused').then(function (items) {
      refusedCount.hidden = staff.hidden = items.length === 0;
      refusedCount.querySelector('strong').textContent = String(items.length);
      list.textContent = '';
      items.sort(function (x, y) { return x.at - y.at; }).forEach(function (r) {
        var li = document.createElement('li');
        // Time, status and reason only: the answers stay private to the citizen who gave them.
        li.textContent = new Date(r.at).toLocaleString('vi-VN') + ' — ' + r.status + ' — ' + d.msgRefused + ': ' + r.reason + ' (' + r.id + ')';
        list.appendChild(li);
      });
    }, function () { });
  }

  window.addEventListener('online', function () { failures = 0; kick(0); });
  document.addEventListener('visibilitychange', function () { if (!document.hidden) kick(0); });
  // Other tabs change the queue too.
  setInterval(count, 3000);
  count();
  kick(0);

  // ---------------------------------------------------------------- offline after the first load
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () { });
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/kiosk-sw.js', { scope: '/kiosk/' }).catch(function () { });
  }
  // The first load was not served through the worker: put the page and what it loads into the worker's cache now.
  if (window.caches && navigator.onLine) {
    var urls = [location.pathname + location.search];
    Array.prototype.forEach.call(document.querySelectorAll('link[rel=stylesheet][href],script[src]'), function (el) {
      urls.push(el.getAttribute('href') || el.getAttribute('src'));
    });
    caches.open('cchc-kiosk-v1').then(function (c) { return c.addAll(urls); }).catch(function () { });
  }
})();
