// The counter's barcode scanner (src/web/counter/scan.ts): BarcodeDetector where the browser has it,
// else ZXing (served from /counter/static, loaded on first need); live camera, or a photo of the label.
'use strict';
(function () {
  var root = document.getElementById('scanner');
  if (!root) return;
  var video = document.getElementById('scan-video');
  var status = document.getElementById('scan-status');
  var startBtn = document.getElementById('scan-start');
  var photo = document.getElementById('scan-photo');
  var input = document.getElementById('find-code');
  var FORMATS = ['code_128', 'code_39', 'ean_13', 'qr_code', 'data_matrix', 'itf'];
  var decoderPromise = null;
  var stream = null;
  var done = false;

  function say(text) { status.textContent = text; }

  function loadZxing() {
    return new Promise(function (resolve, reject) {
      if (window.ZXing) return resolve(window.ZXing);
      var s = document.createElement('script');
      s.src = root.getAttribute('data-zxing');
      s.onload = function () { resolve(window.ZXing); };
      s.onerror = function () { reject(new Error('zxing')); };
      document.head.appendChild(s);
    });
  }

  // One decode(source) → Promise<string|null> whatever the engine; the source is a video or an image bitmap.
  function decoder() {
    if (decoderPromise) return decoderPromise;
    decoderPromise = (async function () {
      if ('BarcodeDetector' in window) {
        try {
          var supported = await window.BarcodeDetector.getSupportedFormats();
          var formats = FORMATS.filter(function (f) { return supported.indexOf(f) >= 0; });
          if (formats.length) {
            var bd = new window.BarcodeDetector({ formats: formats });
            root.setAttribute('data-engine', 'barcode-detector');
            return function (source) {
              return bd.detect(source).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
            };
          }
        } catch (e) { /* fall through to ZXing */ }
      }
      var Z = await loadZxing();
      var hints = new Map();
      hints.set(Z.DecodeHintType.POSSIBLE_FORMATS, [Z.BarcodeFormat.CODE_128, Z.BarcodeFormat.CODE_39, Z.BarcodeFormat.EAN_13, Z.BarcodeFormat.QR_CODE, Z.BarcodeFormat.DATA_MATRIX, Z.BarcodeFormat.ITF]);
      hints.set(Z.DecodeHintType.TRY_HARDER, true);
      var reader = new Z.MultiFormatReader();
      reader.setHints(hints);
      var canvas = document.createElement('canvas');
      root.setAttribute('data-engine', 'zxing');
      return function (source) {
        var w = source.videoWidth || source.width;
        var h = source.videoHeight || source.height;
        if (!w || !h) return Promise.resolve(null);
        canvas.width = w;
        canvas.height = h;
        canvas.getContext('2d', { willReadFrequently: true }).drawImage(source, 0, 0, w, h);
        try {
          var bitmap = new Z.BinaryBitmap(new Z.HybridBinarizer(new Z.HTMLCanvasElementLuminanceSource(canvas)));
          return Promise.resolve(reader.decode(bitmap).getText());
        } catch (e) {
          return Promise.resolve(null); // NotFoundException: no code in this frame
        }
      };
    })();
    return decoderPromise;
  }

  function found(code) {
    if (done) return;
    done = true;
    stop();
    say('Đã đọc mã ' + code + '. Đang tìm bưu gửi…');
    input.value = code;
    input.form.requestSubmit ? input.form.requestSubmit() : input.form.submit();
  }

  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
  }

  async function tick(decode) {
    if (done || !stream) return;
    try {
      var code = await decode(video);
      if (code) return found(code.trim());
    } catch (e) { /* a frame the engine could not read */ }
    setTimeout(function () { tick(decode); }, 250);
  }

  async function startCamera() {
    startBtn.hidden = true;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say('Trình duyệt không mở được máy ảnh ở đây. Hãy chụp ảnh mã vạch hoặc nhập mã.');
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      say('Đang quét… Giữ mã vạch trong khung hình.');
      tick(await decoder());
    } catch (e) {
      stop();
      video.hidden = true;
      startBtn.hidden = false;
      say('Chưa mở được máy ảnh (chưa cho phép hoặc không có). Bấm «Bật máy ảnh» để thử lại, chụp ảnh mã vạch, hoặc nhập mã.');
    }
  }

  photo.addEventListener('change', async function () {
    var file = photo.files && photo.files[0];
    if (!file) return;
    say('Đang đọc ảnh…');
    try {
      var decode = await decoder();
      var img = await createImageBitmap(file);
      var code = await decode(img);
      if (code) return found(code.trim());
      say('Không đọc được mã trong ảnh. Chụp lại gần hơn, đủ sáng, hoặc nhập mã.');
    } catch (e) {
      say('Không đọc được ảnh. Hãy nhập mã bưu gửi.');
    }
    photo.value = '';
  });
  startBtn.addEventListener('click', startCamera);
  window.addEventListener('pagehide', stop);
  startCamera();
})();
