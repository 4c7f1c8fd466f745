// The app works without this file; it adds the offline shell and a message when a request fails on a weak signal.
'use strict';
(function () {
  var base = document.body.getAttribute('data-base') || '/app';
  if ('serviceWorker' in navigator) {
    window.addEventListener('load', function () {
      navigator.serviceWorker.register(base + '/sw.js', { scope: base + '/' }).catch(function () {});
    });
  }
  function say(text) {
    var main = document.getElementById('main');
    if (!main) return;
    var p = document.getElementById('net-error') || document.createElement('p');
    p.id = 'net-error';
    p.className = 'flash error';
    p.setAttribute('role', 'alert');
    p.textContent = text;
    main.insertBefore(p, main.firstChild);
  }
  // A receipt's "In" button: shown only where this script runs (printing needs it), the page prints either way from the browser's menu.
  Array.prototype.forEach.call(document.querySelectorAll('[data-print]'), function (b) {
    b.hidden = false;
    b.addEventListener('click', function () { window.print(); });
  });
  // Forms that record something (a sale, a count, a void) are sent once: a second tap on a slow
  // signal would record it twice. The button says the form is on its way.
  document.addEventListener('submit', function (e) {
    var f = e.target;
    if (!f.hasAttribute || !f.hasAttribute('data-submit-once')) return;
    if (f.getAttribute('data-sent')) { e.preventDefault(); return; }
    f.setAttribute('data-sent', '1');
    var b = f.querySelector('button[type=submit]');
    if (b) { b.setAttribute('aria-disabled', 'true'); b.setAttribute('data-label', b.textContent); b.textContent = 'Đang gửi…'; }
  });
  // Back to a page kept in memory: its forms can be sent again.
  window.addEventListener('pageshow', function (e) {
    if (!e.persisted) return;
    Array.prototype.forEach.call(document.querySelectorAll('form[data-sent]'), function (f) {
      f.removeAttribute('data-sent');
      var b = f.querySelector('button[data-label]');
      if (b) { b.textContent = b.getAttribute('data-label'); b.removeAttribute('aria-disabled'); }
    });
  });
  document.addEventListener('htmx:sendError', function () { say('Không gửi được vì mất mạng. Kiểm tra sóng điện thoại rồi thử lại.'); });
  document.addEventListener('htmx:responseError', function (e) {
    // A refused quick edit comes back as a row with its error (400/409); swap it in like a success.
    var xhr = e.detail.xhr;
    if (xhr.status === 400 || xhr.status === 409) return;
    say('Máy chủ báo lỗi (' + xhr.status + '). Hãy thử lại.');
  });
  document.addEventListener('htmx:beforeSwap', function (e) {
    if (e.detail.xhr.status === 400 || e.detail.xhr.status === 409) { e.detail.shouldSwap = true; e.detail.isError = false; }
  });
})();
