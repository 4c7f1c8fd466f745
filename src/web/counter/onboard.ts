import type { Static } from '@sinclair/typebox';
import type { AuthorizationView } from '../../schemas/counter.ts';
import { csrfField, formError, hidden, selectField, textField, type FieldError } from '../components.ts';
import { html, type Html } from '../html.ts';
import { BASE } from './shell.ts';

/**
 * "Công dân không viết": the clerk registers a household farmer who is at the counter, in three
 * steps (the farmer, their authorization with a photo of the signed paper, their first products).
 * The farmer fills nothing in; every field is the clerk's, in the words the farmer would use.
 */
export type Authorization = Static<typeof AuthorizationView>;
export type Commune = { code: string; fullName: string };

export const STEPS = ['Nông dân', 'Ủy quyền', 'Sản phẩm'] as const;
export const SCOPE_LABELS = {
  catalog: { title: 'Sản phẩm', meta: 'Đăng, sửa sản phẩm, giá, tồn kho, ảnh' },
  orders: { title: 'Đơn hàng', meta: 'Xác nhận, hủy đơn, trả lời yêu cầu hủy của người mua' },
  shipping: { title: 'Gửi hàng', meta: 'Đặt lịch gửi hàng tại bưu cục' },
} as const;
export const FARMER_FIELDS = ['name', 'phone', 'wardCode', 'address'] as const;
export const AUTH_FIELDS = ['scopes', 'validFrom', 'validUntil', 'documentNumber', 'farmerPresent', 'scan'] as const;

/** "Bước 2/3 · Ủy quyền" and the three steps, done ones and the current one marked. */
export function stepper(current: 1 | 2 | 3): Html {
  return html`<nav aria-label="Các bước đăng ký">
  <p class="step-of">Bước ${current}/${STEPS.length} · ${STEPS[current - 1]}</p>
  <ol class="steps">${STEPS.map((label, i) =>
    i + 1 === current ? html`<li aria-current="step">${label}</li>` : html`<li${i + 1 < current ? html` class="done"` : ''}>${label}${i + 1 < current ? html`<span class="sr-only"> (xong)</span>` : ''}</li>`,
  )}</ol>
</nav>`;
}

export type FarmerValues = Partial<Record<(typeof FARMER_FIELDS)[number], string>>;
export type AuthValues = { scopes: string[]; validFrom?: string; validUntil?: string; documentNumber?: string; farmerPresent?: boolean };

const communeOptions = (communes: Commune[]) => Object.fromEntries(communes.map((c) => [c.code, c.fullName]));

/** Step 1: who the farmer is. Nothing is saved yet: the farmer and the authorization are recorded together in step 2. */
export function farmerStep(v: FarmerValues, communes: Commune[], csrf: string, error?: FieldError): Html {
  return html`<p class="back"><a href="${BASE}/farmers">‹ Nông dân</a></p>
<h1>Đăng ký nông dân</h1>
${stepper(1)}
${formError(error, FARMER_FIELDS)}
<form method="post" action="${BASE}/farmers/new" class="stack card" novalidate data-once>
  ${csrfField(csrf)}${hidden('step', '1')}
  ${textField({ name: 'name', label: 'Họ và tên', value: v.name, error, required: true, maxlength: 200, autocomplete: 'off', hint: 'Như trên căn cước công dân' })}
  ${textField({ name: 'phone', label: 'Số điện thoại', value: v.phone, type: 'tel', inputmode: 'tel', autocomplete: 'off', error, required: true, hint: 'Người mua và bưu cục gọi số này' })}
  ${selectField({ name: 'wardCode', label: 'Xã/phường', value: v.wardCode, options: communeOptions(communes), blank: '— Chọn xã/phường —', error, required: true, hint: 'Theo đơn vị hành chính mới (2025)' })}
  ${textField({ name: 'address', label: 'Địa chỉ', value: v.address, error, required: true, maxlength: 500, autocomplete: 'off', hint: 'Số nhà, ấp' })}
  <button type="submit" class="btn primary block big">Tiếp tục ›</button>
</form>`;
}

function scopeBoxes(v: AuthValues, error: FieldError): Html {
  const message = error?.field === 'scopes' ? error.message : null;
  return html`<fieldset${message ? html` aria-describedby="f-scopes-err"` : ''}>
  <legend>Được làm thay <span class="req" aria-hidden="true">*</span></legend>
  <div class="choices">${Object.entries(SCOPE_LABELS).map(
    ([k, l]) => html`<label class="choice"><input type="checkbox" name="scopes" value="${k}"${v.scopes.includes(k) ? html` checked` : ''}><span class="title">${l.title}</span><span class="meta">${l.meta}</span></label>`,
  )}</div>
  ${message ? html`<small id="f-scopes-err" class="error">${message}</small>` : ''}
</fieldset>`;
}

/**
 * Step 2: the authorization, with the photo of the signed paper (optional: the camera may be
 * broken; it can be added later from the authorization's page). Step 1's answers ride along
 * hidden, so "Quay lại" and a refusal lose nothing; the farmer is saved only when this is sent.
 */
export function authorizationStep(farmer: FarmerValues, v: AuthValues, csrf: string, error?: FieldError): Html {
  const presentError = error?.field === 'farmerPresent' ? error.message : null;
  return html`<p class="back"><a href="${BASE}/farmers">‹ Nông dân</a></p>
<h1>Giấy ủy quyền của ${farmer.name ?? ''}</h1>
${stepper(2)}
${formError(error, AUTH_FIELDS)}
<form method="post" action="${BASE}/farmers/new" enctype="multipart/form-data" class="stack card" novalidate data-once>
  ${csrfField(csrf)}${hidden('step', '2')}
  ${FARMER_FIELDS.map((k) => hidden(k, farmer[k] ?? ''))}
  ${scopeBoxes(v, error)}
  <div class="two">
    ${textField({ name: 'validFrom', label: 'Từ ngày', type: 'date', value: v.validFrom, error, required: true })}
    ${textField({ name: 'validUntil', label: 'Đến hết ngày', type: 'date', value: v.validUntil, error, required: true })}
  </div>
  ${textField({ name: 'documentNumber', label: 'Số giấy ủy quyền', value: v.documentNumber, error, required: true, maxlength: 64, autocomplete: 'off', hint: 'Số ghi trên giấy đã ký' })}
  <div class="choices present">
    <label class="choice"><input type="checkbox" name="farmerPresent" value="true"${v.farmerPresent ? html` checked` : ''}${presentError ? html` aria-invalid="true" aria-describedby="f-farmerPresent-err"` : ''}><span class="title">Người ủy quyền có mặt tại quầy</span><span class="meta">và đã ký giấy trước mặt nhân viên</span></label>
    ${presentError ? html`<small id="f-farmerPresent-err" class="error">${presentError}</small>` : ''}
  </div>
  ${scanInput(error)}
  <button type="submit" class="btn primary block big">Lưu nông dân và ủy quyền ›</button>
  <button type="submit" name="back" value="1" class="btn block" formnovalidate>‹ Quay lại bước 1</button>
</form>`;
}

/** The back camera on a phone or tablet (capture), the gallery or a file elsewhere. */
export function scanInput(error: FieldError, optional = true): Html {
  const message = error && (error.field === 'scan' || error.field === 'file') ? error.message : null;
  return html`<div class="field${message ? ' has-error' : ''}">
  <label for="f-scan">Ảnh giấy ủy quyền đã ký${optional ? ' (không bắt buộc)' : ''}</label>
  <input id="f-scan" type="file" name="scan" accept="image/*" capture="environment" data-max-mb="15" aria-describedby="f-scan-hint${message ? ' f-scan-err' : ''}"${message ? html` aria-invalid="true"` : ''}>
  <small id="f-scan-hint" class="hint">Chụp cả trang, đủ sáng; JPEG, PNG hoặc WebP, tối đa 15 MB.</small>
  ${message ? html`<small id="f-scan-err" class="error">${message}</small>` : ''}
</div>`;
}

/**
 * The farmer and the authorization were saved but the photo was not (too large, not a photo, the
 * signal dropped): taken again here, or later from the authorization's page; step 3 is open either way.
 */
export function scanRetry(a: Authorization, ward: string, csrf: string, error: FieldError): Html {
  return html`<h1>Giấy ủy quyền của ${a.sellerName}</h1>
${stepper(2)}
<p class="flash ok" role="status">Đã lưu nông dân và giấy ủy quyền số ${a.documentNumber}.</p>
<form method="post" action="${BASE}/authorizations/${a.id}/scan" enctype="multipart/form-data" class="stack card" novalidate data-once>
  ${csrfField(csrf)}${hidden('flow', ward)}
  <p class="flash error" role="alert">Ảnh giấy ủy quyền chưa lưu được: ${error?.message ?? ''}</p>
  ${scanInput(error, false)}
  <button type="submit" class="btn primary block big">Lưu ảnh ›</button>
</form>
<p><a class="btn block" href="${productStepUrl(a.sellerId, ward)}">Bỏ qua ảnh, sang bước 3 ›</a></p>`;
}

export const productStepUrl = (sellerId: string, ward: string, msg?: string) =>
  `${BASE}/farmers/${sellerId}/products/new?ward=${encodeURIComponent(ward)}${msg ? `&msg=${msg}` : ''}`;

/** Step 3's frame: the farmer's Postmart shop (connected or the button that connects it), then the product form of the sellers' app, posting under the farmer's counter path. */
export function productStep(sellerName: string, form: Html, liveCatalog: boolean, shop: Html): Html {
  return html`<h1>Sản phẩm của ${sellerName}</h1>
${stepper(3)}
${liveCatalog ? '' : html`<p class="flash error" role="alert">Chưa có giấy ủy quyền «Sản phẩm» còn hiệu lực cho nông dân này tại bưu cục: không thể đăng sản phẩm thay.</p>`}
${shop}
<section class="card">${form}</section>`;
}

/** After a product is saved: its photos (taken at the counter) and its state on Postmart, then another product or done. */
export function productPhotosStep(sellerName: string, product: { name: string }, cards: Html, next: { another: string; done: string }): Html {
  return html`<h1>${product.name}</h1>
<p class="meta">Sản phẩm của ${sellerName}</p>
${stepper(3)}
${cards}
<div class="actions stack">
  <a class="btn block" href="${next.another}">+ Thêm sản phẩm khác</a>
  <a class="btn primary block big" href="${next.done}">Xong</a>
</div>`;
}
