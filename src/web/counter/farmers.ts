import { badge, card, csrfField, empty, formError, textArea } from '../components.ts';
import { vnDate, vnDateTime } from '../format.ts';
import { html, type Html } from '../html.ts';
import { SCOPE_LABELS, productStepUrl, scanInput, type Authorization } from './onboard.ts';
import { BASE } from './shell.ts';
import type { FieldError } from '../components.ts';

const state = (a: Authorization) => (a.revokedAt ? badge('Đã thu hồi', 'bad') : a.live ? badge('Còn hiệu lực', 'ok') : badge('Hết hiệu lực', 'muted'));
const scopes = (a: Authorization) => a.scopes.map((s) => SCOPE_LABELS[s].title).join(', ');

/** The farmers the office acts for: their authorizations, newest first, and the way to register one more. */
export function farmersBody(items: Authorization[] | null, error: string | null): Html {
  return html`<h1>Nông dân ủy quyền</h1>
<p><a class="btn primary block big" href="${BASE}/farmers/new">+ Đăng ký nông dân mới</a></p>
${error ? html`<p class="flash error" role="alert">${error}</p>` : ''}
${items === null
    ? ''
    : items.length === 0
      ? empty('Bưu cục chưa làm thay cho nông dân nào.')
      : html`<ul class="list">${items.map(
          (a) => html`<li><a class="row-link" href="${BASE}/authorizations/${a.id}"><span class="title">${a.sellerName}</span><span class="meta">Giấy số ${a.documentNumber} · ${scopes(a)} · đến ${vnDate(a.validUntil)}${a.scanUrl ? '' : ' · chưa có ảnh giấy'}</span>${state(a)}</a></li>`,
        )}</ul>`}`;
}

/** What the clerk typed into the revoke form, and the API's refusal, shown again in the open form. */
export type RevokeForm = { reason?: string; error?: FieldError };

/** Revoking, for a live paper: behind a <details> so it is never one tap away, with the reason required (the API keeps it). */
function revokeCard(a: Authorization, csrf: string, r: RevokeForm | undefined): Html {
  if (a.revokedAt) return html``;
  return html`<details class="cancel revoke"${r?.error ? html` open` : ''}><summary class="btn danger block">Thu hồi ủy quyền</summary>
${card(
  'Thu hồi giấy ủy quyền này',
  html`<p>Khi người bán rút ủy quyền hoặc giấy có sai sót. Từ lúc thu hồi, bưu cục không còn làm thay cho ${a.sellerName}: sản phẩm và đơn hàng của họ biến khỏi quầy ngay.</p>
<form method="post" action="${BASE}/authorizations/${a.id}/revoke" class="stack" id="revoke-form" data-once>
  ${csrfField(csrf)}
  ${textArea({ name: 'reason', label: 'Lý do thu hồi', value: r?.reason, error: r?.error, required: true, rows: 2, hint: 'Ví dụ: người bán tự quản lý gian hàng, giấy ghi sai số' })}
  ${r?.error && r.error.field !== 'reason' ? html`<p class="flash error" role="alert">${r.error.message}</p>` : ''}
  <button type="submit" class="btn danger block big">Xác nhận thu hồi</button>
</form>`,
  { id: 'revoke' },
)}</details>`;
}

/** One authorization: the farmer's Postmart shop, what it allows and until when, the photo of the signed paper (replaceable), the farmer's products, and revoking it. */
export function authorizationBody(a: Authorization, csrf: string, ward: string, shop: Html, scanError?: FieldError, revoke?: RevokeForm): Html {
  // Already revoked (the form sent twice, or by another clerk meanwhile): the API's answer at the top,
  // where the reloaded page opens, since there is no form any more to hold it.
  const refused = a.revokedAt && revoke?.error ? html`<p class="flash error" role="alert" id="revoke-refused">${revoke.error.message}</p>` : '';
  return html`<p class="back"><a href="${BASE}/farmers">‹ Nông dân</a></p>
<h1>${a.sellerName}</h1>
<p>${state(a)}</p>
${refused}
${shop}
${card(
  'Giấy ủy quyền',
  html`<dl class="facts">
    <dt>Số giấy</dt><dd>${a.documentNumber}</dd>
    <dt>Được làm thay</dt><dd>${scopes(a)}</dd>
    <dt>Hiệu lực</dt><dd>${vnDate(a.validFrom)} – ${vnDate(a.validUntil)}</dd>
    <dt>Bưu cục</dt><dd>${a.pickupPointCode}</dd>
    <dt>Ghi nhận</dt><dd>${vnDateTime(a.createdAt)}${a.farmerPresent ? ', người ủy quyền có mặt tại quầy' : ''}</dd>
    ${a.revokedAt ? html`<dt>Thu hồi</dt><dd>${vnDateTime(a.revokedAt)}${a.revokeReason ? html`: ${a.revokeReason}` : ''}</dd>` : ''}
  </dl>`,
  { id: 'authorization' },
)}
${card(
  'Ảnh giấy đã ký',
  html`${a.scanUrl
    ? html`<a href="${BASE}/authorizations/${a.id}/scan"><img class="scan-img" src="${BASE}/authorizations/${a.id}/scan" alt="Ảnh giấy ủy quyền số ${a.documentNumber} của ${a.sellerName}" width="640" height="480" decoding="async"></a>
      <p class="meta">Chụp lúc ${vnDateTime(a.scanUploadedAt ?? a.createdAt)}</p>`
    : empty('Chưa có ảnh giấy ủy quyền.')}
  ${formError(scanError, ['scan', 'file'])}
  <form method="post" action="${BASE}/authorizations/${a.id}/scan" enctype="multipart/form-data" class="stack" novalidate data-once>
    ${csrfField(csrf)}
    ${scanInput(scanError, false)}
    <button type="submit" class="btn block">${a.scanUrl ? 'Thay ảnh' : 'Lưu ảnh'}</button>
  </form>`,
  { id: 'scan' },
)}
${a.live && a.scopes.includes('catalog') ? html`<p><a class="btn primary block big" href="${productStepUrl(a.sellerId, ward)}">+ Thêm sản phẩm cho ${a.sellerName}</a></p>` : ''}
${revokeCard(a, csrf, revoke)}`;
}
