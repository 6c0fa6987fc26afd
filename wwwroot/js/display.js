// Large text and high contrast: one tap each, remembered on this device. Until the citizen chooses, the
// system's "more contrast" setting decides. Loaded blocking at the top of <body> so the page is drawn once.
(function () {
  var root = document.documentElement, key = 'cchc-display', s = {};
  try { s = JSON.parse(localStorage.getItem(key) || '{}') || {}; } catch (e) { s = {}; }
  if (s.hc === undefined && window.matchMedia && matchMedia('(prefers-contrast: more)').matches) s.hc = true;
  function apply() {
    root.classList.toggle('lg', !!s.lg);
    root.classList.toggle('hc', !!s.hc);
    var bs = document.querySelectorAll('button[data-mode]');
    for (var i = 0; i < bs.length; i++) bs[i].setAttribute('aria-pressed', s[bs[i].getAttribute('data-mode')] ? 'true' : 'false');
  }
  apply();
  document.addEventListener('DOMContentLoaded', function () {
    var box = document.querySelector('[data-modes]');
    if (!box) return;
    box.hidden = false;
    apply();
    box.addEventListener('click', function (e) {
      var b = e.target.closest ? e.target.closest('button[data-mode]') : null;
      if (!b) return;
      var m = b.getAttribute('data-mode');
      s[m] = !s[m];
      try { localStorage.setItem(key, JSON.stringify(s)); } catch (x) { }
      apply();
    });
  });
})();
