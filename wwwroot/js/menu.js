// Officials' menu: the drop-downs are <details> and work without this file. With it, opening one closes the
// others, and Escape or a click outside closes them (what people expect of a menu bar).
(() => {
  const groups = () => document.querySelectorAll('[data-menu-group][open]');
  document.addEventListener('toggle', e => {
    const opened = e.target;
    if (!(opened instanceof HTMLDetailsElement) || !opened.open || !opened.matches('[data-menu-group]')) return;
    groups().forEach(d => { if (d !== opened) d.open = false; });
  }, true);
  document.addEventListener('click', e => {
    if (!(e.target instanceof Element) || e.target.closest('[data-menu-group]')) return;
    groups().forEach(d => { d.open = false; });
  });
  document.addEventListener('keydown', e => {
    if (e.key !== 'Escape') return;
    const open = [...groups()];
    open.forEach(d => { d.open = false; });
    if (open.length) open[open.length - 1].querySelector('summary')?.focus();
  });
})();
