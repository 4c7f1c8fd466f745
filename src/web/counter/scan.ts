import { html, type Html } from '../html.ts';
import { findForm } from './day.ts';

/**
 * Scanning a package barcode: the device camera read by the browser's `BarcodeDetector` where it
 * has one (Android Chrome), else by ZXing's decoder served by us (loaded only then). A photo of the
 * label works where live video cannot (an iPhone, a page served over plain http on the office
 * network, a camera the browser refuses), and typing the number always does. Whatever reads the
 * code fills the search box and submits it, so every road ends at the same /counter/find.
 */
export function scanBody(zxingUrl: string, scriptUrl: string): Html {
  return html`<h1>Quét mã bưu gửi</h1>
<div id="scanner" class="scanner" data-zxing="${zxingUrl}">
  <video id="scan-video" class="scan-video" playsinline muted hidden aria-label="Hình ảnh từ máy ảnh"></video>
  <p id="scan-status" class="meta" role="status" aria-live="polite">Hướng máy ảnh vào mã vạch trên nhãn bưu gửi.</p>
  <button type="button" class="btn primary block big" id="scan-start" hidden>Bật máy ảnh</button>
  <label class="btn block big file-btn" for="scan-photo">Chụp ảnh mã vạch</label>
  <input id="scan-photo" class="visually-hidden-file" type="file" accept="image/*" capture="environment">
</div>
<h2 class="or">Hoặc nhập mã</h2>
${findForm()}
<script src="${scriptUrl}" defer></script>`;
}
