// Print button of the QR poster pages (the CSP forbids inline onclick handlers).
document.addEventListener('click', function (e) {
  if (e.target.closest && e.target.closest('[data-print]')) window.print();
});
