// Citizen survey: shows conditional questions live (e.g. NHANH reasons only when HL <= 3), one section per screen,
// the quick rating in one tap, and stops double submits. Optional: without JavaScript the server shows one
// section per request (answers carried by the form) and drops the conditional answers that do not apply.
(function () {
  var f = document.querySelector('form.survey');
  if (!f) return;
  var blocks = f.querySelectorAll('.cond[data-when]');
  function level(name) {
    var el = f.querySelector('input[name="' + name + '"]:checked');
    return el ? parseInt(el.value, 10) : NaN;
  }
  function update() {
    for (var i = 0; i < blocks.length; i++) {
      var b = blocks[i], v = level(b.getAttribute('data-when'));
      var min = b.getAttribute('data-min'), max = b.getAttribute('data-max');
      b.hidden = isNaN(v) || (min && v < +min) || (max && v > +max);
    }
  }
  f.addEventListener('change', update);
  update();

  // ---------------------------------------------------------------- one section per screen
  var secs = f.querySelectorAll('section[data-step]');
  var stepField = f.querySelector('input[name="__step"]');
  var prog = f.querySelector('[data-prog]');
  var next = f.querySelector('[data-nav="1"]'), back = f.querySelector('[data-nav="-1"]'), send = f.querySelector('[data-send]');
  var kiosk = document.body.classList.contains('kiosk');
  var key = 'cchc-form:' + location.pathname;
  function current() { return stepField ? +stepField.value || 0 : 0; }
  function go(n, focus) {
    if (secs.length < 2) return;
    n = Math.max(0, Math.min(secs.length - 1, n));
    for (var i = 0; i < secs.length; i++) secs[i].hidden = i !== n;
    stepField.value = n;
    next.hidden = n === secs.length - 1;
    send.hidden = !next.hidden;
    back.hidden = n === 0;
    var first = document.querySelectorAll('[data-first]');
    for (var j = 0; j < first.length; j++) first[j].hidden = n > 0;
    if (prog) {
      prog.querySelector('[data-prog-text]').textContent = prog.getAttribute('data-of')
        .replace('{0}', n + 1).replace('{1}', secs.length).replace('{2}', secs[n].getAttribute('data-minutes'));
      prog.querySelector('progress').value = n + 1;
    }
    window.scrollTo(0, 0);
    if (focus) { var h = secs[n].querySelector('h2'); if (h) h.focus(); }
  }
  f.addEventListener('click', function (e) {
    var b = e.target.closest ? e.target.closest('button[data-nav]') : null;
    if (!b) return;
    e.preventDefault();
    go(current() + +b.getAttribute('data-nav'), true);
    save();
  });
  // The kiosk's "Người tiếp theo" and its idle reset call form.reset(): back to the first section.
  f.addEventListener('reset', function () { setTimeout(function () { go(0); update(); }, 0); });

  // Answers kept on this phone while the citizen moves between sections or reloads (sessionStorage: gone with the
  // tab). Never on a kiosk tablet: the next citizen must not see the previous one's answers.
  function save() {
    if (kiosk || !window.sessionStorage) return;
    var a = { step: current(), v: {} };
    var els = f.querySelectorAll('input[type=radio]:checked,input[type=checkbox]:checked,textarea');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.tagName === 'TEXTAREA') { if (el.value) a.v[el.name] = [el.value]; }
      else (a.v[el.name] = a.v[el.name] || []).push(el.value);
    }
    try { sessionStorage.setItem(key, JSON.stringify(a)); } catch (x) { }
  }
  function restore() {
    if (kiosk || !window.sessionStorage || f.querySelector('.err') || document.querySelector('.alert')) return;
    var a;
    try { a = JSON.parse(sessionStorage.getItem(key) || 'null'); } catch (x) { return; }
    if (!a || !a.v) return;
    for (var name in a.v) {
      var vals = a.v[name], els = f.querySelectorAll('[name="' + name + '"]');
      for (var i = 0; i < els.length; i++) {
        var el = els[i];
        if (el.tagName === 'TEXTAREA') el.value = vals[0] || '';
        else if (el.type === 'radio' || el.type === 'checkbox') el.checked = vals.indexOf(el.value) >= 0;
      }
    }
    update();
    go(a.step || 0);
  }
  restore();
  f.addEventListener('change', save);
  f.addEventListener('input', save);

  // ---------------------------------------------------------------- the quick rating in one tap
  // A tap on a face that opens no reasons (4 or 5) is the whole answer and is sent at once; 1–3 show the reasons,
  // the comment and the Send button. An enrolled kiosk tablet does the same through its queue (kiosk.js).
  if (f.classList.contains('quick') && !document.querySelector('#kiosk[data-enrolled="1"]')) {
    var waiting = function () { return f.querySelector('.cond:not([hidden])') !== null; };
    send.hidden = !waiting();
    f.addEventListener('change', function (e) {
      var t = e.target;
      if (!t || t.type !== 'radio' || !t.closest('.faces')) return;
      send.hidden = !waiting();
      if (!waiting()) { if (f.requestSubmit) f.requestSubmit(); else f.submit(); }
    });
  }

  var sent = false;
  f.addEventListener('submit', function (e) {
    if (sent) { e.preventDefault(); return; }
    if (!kiosk) { sent = true; try { sessionStorage.removeItem(key); } catch (x) { } }
    var button = f.querySelector('button[data-send]');
    if (button && !kiosk) setTimeout(function () { button.disabled = true; }, 0);
  });
})();
// Recorded questions: the file is fetched only when its play button is pressed; one plays at a time.
(function () {
  var playing = null;
  document.addEventListener('click', function (e) {
    var b = e.target.closest ? e.target.closest('button.play[data-audio]') : null;
    if (!b) return;
    if (playing) { playing.pause(); playing = null; }
    playing = new Audio(b.getAttribute('data-audio'));
    playing.play().catch(function () { });
  });
})();
