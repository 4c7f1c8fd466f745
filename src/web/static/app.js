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
  // Forms marked data-once are sent once: on a weak signal a second tap would register a farmer
  // twice, record a sale twice or book a pickup twice. The button says it is sending; the form comes back as typed on an
  // error (the server renders it again) or when the person goes back to it (pageshow).
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-once')) return;
    if (form.getAttribute('data-sending') === 'true') { e.preventDefault(); return; }
    form.setAttribute('data-sending', 'true');
    form.setAttribute('aria-busy', 'true');
    var used = e.submitter;
    // Disabled after this tick: a button disabled now would not send its own name and value.
    setTimeout(function () {
      form.querySelectorAll('button[type=submit], button:not([type])').forEach(function (b) {
        b.disabled = true;
        if (b === used || (!used && b.classList.contains('primary'))) { b.setAttribute('data-label', b.textContent); b.textContent = b.getAttribute('data-busy') || 'Đang gửi…'; }
      });
      var note = form.querySelector('.sending') || document.createElement('p');
      note.className = 'sending';
      note.setAttribute('role', 'status');
      note.textContent = form.enctype === 'multipart/form-data' && form.querySelector('input[type=file]') && form.querySelector('input[type=file]').files.length
        ? 'Đang gửi ảnh… Mạng yếu có thể mất một lúc; đừng bấm lại.'
        : 'Đang gửi… đừng bấm lại.';
      form.appendChild(note);
    }, 0);
  });
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('form[data-sending]').forEach(function (form) {
      form.removeAttribute('data-sending');
      form.removeAttribute('aria-busy');
      form.querySelectorAll('button[disabled]').forEach(function (b) {
        b.disabled = false;
        if (b.hasAttribute('data-label')) { b.textContent = b.getAttribute('data-label'); b.removeAttribute('data-label'); }
      });
      var note = form.querySelector('.sending');
      if (note) note.remove();
    });
  });
  // A form that came back refused: the field to fix gets the focus (and the screen), where the person looks.
  document.addEventListener('DOMContentLoaded', function () {
    var bad = document.querySelector('form[data-once] [aria-invalid="true"]');
    if (bad) { bad.focus(); if (bad.scrollIntoView) bad.scrollIntoView({ block: 'center' }); }
  });
  // A photo over the limit is refused here, before minutes of upload on a weak signal end in a 413
  // that would also drop what was typed around it.
  document.addEventListener('change', function (e) {
    var input = e.target;
    if (!(input instanceof HTMLInputElement) || input.type !== 'file' || !input.hasAttribute('data-max-mb')) return;
    var max = Number(input.getAttribute('data-max-mb'));
    var big = Array.prototype.filter.call(input.files || [], function (f) { return f.size > max * 1024 * 1024; });
    var note = document.getElementById(input.id + '-size');
    if (note) note.remove();
    if (!big.length) return;
    input.value = '';
    note = document.createElement('small');
    note.id = input.id + '-size';
    note.className = 'error';
    note.setAttribute('role', 'alert');
    note.textContent = 'Ảnh ' + big[0].name + ' lớn hơn ' + max + ' MB; chụp lại với độ phân giải thấp hơn hoặc chọn ảnh khác.';
    input.insertAdjacentElement('afterend', note);
  });
  // "Dùng vị trí của tôi": the phone's position into the form's lat/lng (no map tiles: no internet needed).
  var geo = document.querySelector('[data-geolocate]');
  if (geo && 'geolocation' in navigator) {
    geo.hidden = false;
    geo.addEventListener('click', function () {
      var status = document.getElementById('geo-status');
      var form = geo.form;
      if (status) status.textContent = 'Đang lấy vị trí…';
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.lat.value = pos.coords.latitude.toFixed(6);
        form.elements.lng.value = pos.coords.longitude.toFixed(6);
        if (status) status.textContent = 'Đã điền vị trí của bạn (sai số khoảng ' + Math.round(pos.coords.accuracy) + ' m).';
      }, function (err) {
        if (status) status.textContent = err.code === 1 ? 'Bạn chưa cho phép lấy vị trí. Có thể bỏ trống hai ô này.' : 'Chưa lấy được vị trí. Hãy thử lại ngoài trời, hoặc bỏ trống hai ô này.';
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }
})();
