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

  // A form marked data-once is sent once: on a slow signal a second tap would book twice. The button
  // says it is working; coming back to the page (back button, bfcache) makes it usable again.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.hasAttribute || !form.hasAttribute('data-once')) return;
    if (form.getAttribute('data-sending') === '1') { e.preventDefault(); return; }
    form.setAttribute('data-sending', '1');
    form.setAttribute('aria-busy', 'true');
    var button = form.querySelector('button[type=submit]');
    if (button) {
      button.setAttribute('data-label', button.textContent);
      if (button.getAttribute('data-busy')) button.textContent = button.getAttribute('data-busy');
      button.setAttribute('aria-disabled', 'true');
    }
  });
  window.addEventListener('pageshow', function () {
    var forms = document.querySelectorAll('form[data-sending]');
    for (var i = 0; i < forms.length; i++) {
      forms[i].removeAttribute('data-sending');
      forms[i].removeAttribute('aria-busy');
      var b = forms[i].querySelector('button[type=submit][data-label]');
      if (b) { b.textContent = b.getAttribute('data-label'); b.removeAttribute('aria-disabled'); }
    }
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
