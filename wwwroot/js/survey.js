// Citizen survey: shows conditional questions live (e.g. NHANH reasons only when HL <= 3) and stops double
// submits. Optional: without JavaScript every block stays visible and the server drops what does not apply.
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
  f.addEventListener('submit', function () {
    var button = f.querySelector('button[type=submit]');
    if (button) setTimeout(function () { button.disabled = true; }, 0);
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
