import { badge, card, csrfField, formError, hidden, selectField, textField, type FieldError } from '../components.ts';
import { num, vnd, vnDate, vnDateTime, weight } from '../format.ts';
import { html, type Html } from '../html.ts';
import { ORDER_STATUS_LABELS, PAYMENT_LABELS, labelOf } from '../labels.ts';
import { daysLeft } from './day.ts';
import { BASE } from './shell.ts';
import type { OrderView, Pickup, ReturnItem, ShipmentView } from './types.ts';

/** A measured weight this far off the declared one must be confirmed (the API's own rule, docs: Pickup points). */
export const WEIGHT_TOLERANCE = 0.1;

export const weightOffBy = (declared: number, measured: number): number | null =>
  declared > 0 && Math.abs(measured - declared) > WEIGHT_TOLERANCE * declared ? (measured - declared) / declared : null;

const pct = (ratio: number) => `${ratio > 0 ? '+' : ''}${num(Math.round(ratio * 1000) / 10)}%`;

export const IDENTITY_LABELS = { cccd: 'Căn cước công dân', cmnd: 'Chứng minh nhân dân', passport: 'Hộ chiếu', driving_licence: 'Giấy phép lái xe' } as const;

/** What the clerk typed and what the API said, shown again on the same page (nothing typed is lost). */
export type ParcelForms = {
  receive?: { weightGrams?: string; error?: FieldError; confirm?: { declared: number; measured: number } };
  collect?: { phone?: string; cashVnd?: string; cashReason?: string; error?: FieldError; locked?: boolean };
  unlock?: { error?: FieldError };
  giveBack?: { receivedByName?: string; sellerPhone?: string; error?: FieldError };
};

export type ParcelData = {
  order: OrderView;
  shipment: ShipmentView | null;
  /** The parcel in this office's list of parcels waiting for buyers, with its masked phone and hold. */
  pickup: Pickup | null;
  ret: ReturnItem | null;
  pointId: string;
  isAdmin: boolean;
  csrf: string;
  now: Date;
  forms: ParcelForms;
};

export const canReceive = (d: Pick<ParcelData, 'order' | 'shipment' | 'pointId'>) =>
  d.shipment !== null &&
  d.shipment.pickupPointId === d.pointId &&
  d.shipment.handedOverAt === null &&
  (d.shipment.state === 'requested' || d.shipment.state === 'accepted') &&
  (d.order.status === 'processed' || d.order.status === 'shipped');

function receiveCard(d: ParcelData): Html {
  const s = d.shipment!;
  const f = d.forms.receive ?? {};
  const c = f.confirm;
  const ratio = c ? weightOffBy(c.declared, c.measured) : null;
  return card(
    'Nhận bưu gửi từ người bán',
    html`<p>Khối lượng khai báo: <strong>${weight(s.declaredWeightGrams)}</strong>. Cân bưu gửi rồi nhập số gam.</p>
${c && ratio !== null
  ? html`<div class="flash warn" role="alert" id="weight-warning"><strong>Khối lượng lệch ${pct(ratio)}</strong> so với khai báo (${weight(c.declared)}, cân được ${weight(c.measured)}). Hãy cân lại; nếu đúng, bấm «Xác nhận khối lượng lệch» để nhận và báo cho người bán.</div>`
  : formError(f.error, ['weightGrams'])}
<form method="post" action="${BASE}/orders/${d.order.id}/receive" class="stack" id="receive-form">
  ${csrfField(d.csrf)}
  ${textField({ name: 'weightGrams', label: 'Khối lượng cân được (gam)', inputmode: 'numeric', autocomplete: 'off', value: f.weightGrams, error: c ? undefined : f.error, required: true, hint: 'Ví dụ 1250 cho 1,25 kg' })}
  ${c ? html`${hidden('weightConfirmed', 'true')}${hidden('confirmedGrams', String(c.measured))}
  <button type="submit" class="btn danger block big" id="confirm-weight">Xác nhận khối lượng lệch ${pct(ratio!)}</button>`
    : html`<button type="submit" class="btn primary block big">Nhận bưu gửi</button>`}
</form>`,
    { id: 'receive' },
  );
}

function collectCard(d: ParcelData): Html {
  const o = d.order;
  const f = d.forms.collect ?? {};
  const left = d.pickup ? daysLeft(d.pickup.holdUntil, d.now) : null;
  const phone = d.pickup?.recipientPhone ?? o.recipient.phone;
  if (f.locked) {
    const u = d.forms.unlock ?? {};
    return card(
      'Giao cho người mua',
      html`<div class="flash error" role="alert" id="locked">${f.error?.message ?? 'Bưu gửi đã bị khóa nhận hàng vì nhập sai số điện thoại quá 5 lần.'}</div>
<p>Kiểm tra giấy tờ tùy thân của người nhận <strong>${o.recipient.name}</strong>, rồi ghi lại để mở khóa. Quản trị viên cũng có thể mở khóa.</p>
${formError(u.error, ['identityDocument', 'identityLast4'])}
<form method="post" action="${BASE}/orders/${o.id}/unlock" class="stack" id="unlock-form">
  ${csrfField(d.csrf)}
  ${selectField({ name: 'identityDocument', label: 'Loại giấy tờ', options: IDENTITY_LABELS, value: 'cccd', error: u.error, required: true })}
  ${textField({ name: 'identityLast4', label: '4 ký tự cuối của số giấy tờ', maxlength: 4, pattern: '[0-9A-Za-z]{4}', autocomplete: 'off', error: u.error, required: true })}
  <button type="submit" class="btn primary block big">Ghi kiểm tra giấy tờ và mở khóa</button>
</form>
${d.isAdmin
  ? html`<form method="post" action="${BASE}/orders/${o.id}/unlock" class="stack">${csrfField(d.csrf)}${hidden('asAdmin', 'true')}
  <button type="submit" class="btn block">Mở khóa với quyền quản trị (không cần giấy tờ)</button></form>`
  : ''}`,
      { id: 'collect' },
    );
  }
  return card(
    'Giao cho người mua',
    html`<dl class="facts">
  <dt>Người nhận</dt><dd>${o.recipient.name}</dd>
  <dt>Điện thoại</dt><dd id="masked-phone">${phone}</dd>
  ${o.codAmountVnd > 0 ? html`<dt>Thu hộ (COD)</dt><dd class="cod" id="cod">${vnd(o.codAmountVnd)}</dd>` : html`<dt>Thanh toán</dt><dd>${labelOf(PAYMENT_LABELS, o.paymentMethod)} (đã trả)</dd>`}
  ${left ? html`<dt>Hạn giữ</dt><dd>${badge(left.text, left.tone)}${d.pickup?.holdUntil ? html` <span class="meta">(${vnDate(d.pickup.holdUntil)})</span>` : ''}</dd>` : ''}
</dl>
<p>Hỏi người mua số điện thoại đặt hàng; chỉ giao khi số khớp.</p>
${formError(f.error, ['phone', 'cashVnd', 'cashReason'])}
<form method="post" action="${BASE}/orders/${o.id}/collect" class="stack" id="collect-form">
  ${csrfField(d.csrf)}
  ${textField({ name: 'phone', label: 'Số điện thoại người mua đọc', type: 'tel', inputmode: 'tel', autocomplete: 'off', value: f.phone, error: f.error, required: true })}
  ${o.codAmountVnd > 0
    ? html`${textField({ name: 'cashVnd', label: 'Tiền mặt đã thu (đồng)', inputmode: 'numeric', autocomplete: 'off', value: f.cashVnd ?? String(o.codAmountVnd), error: f.error, required: true, hint: `Phải bằng ${vnd(o.codAmountVnd)}, nếu khác ghi lý do` })}
      ${textField({ name: 'cashReason', label: 'Lý do thu khác số tiền COD', value: f.cashReason, error: f.error })}`
    : ''}
  <button type="submit" class="btn primary block big">Giao bưu gửi</button>
</form>`,
    { id: 'collect' },
  );
}

function returnCard(d: ParcelData): Html {
  const f = d.forms.giveBack ?? {};
  const cause = d.ret?.cause === 'refused' ? 'Người mua từ chối nhận' : 'Quá hạn giữ, người mua chưa tới nhận';
  return card(
    'Hoàn trả người bán',
    html`<p>${badge(cause, 'bad')}</p>
${d.ret ? html`<p id="return-seller">Người bán: <strong>${d.ret.sellerName}</strong>${d.ret.sellerPhone ? html` · ĐT ${d.ret.sellerPhone}` : ''}</p>` : ''}
<p>Trả bưu gửi cho người bán (hoặc người được người bán cử tới). Hỏi số điện thoại của người bán để đối chiếu.</p>
${formError(f.error, ['receivedByName', 'sellerPhone'])}
<form method="post" action="${BASE}/orders/${d.order.id}/return" class="stack" id="return-form">
  ${csrfField(d.csrf)}
  ${textField({ name: 'receivedByName', label: 'Họ tên người nhận lại bưu gửi', autocomplete: 'off', value: f.receivedByName, error: f.error, required: true })}
  ${textField({ name: 'sellerPhone', label: 'Số điện thoại người bán', type: 'tel', inputmode: 'tel', autocomplete: 'off', value: f.sellerPhone, error: f.error, required: true })}
  <button type="submit" class="btn primary block big">Ghi nhận đã trả người bán</button>
</form>`,
    { id: 'give-back' },
  );
}

export function parcelBody(d: ParcelData): Html {
  const o = d.order;
  const s = d.shipment;
  const returning = (d.ret !== null && !d.ret.returnedAt) || Boolean(d.pickup?.flaggedForReturn);
  return html`<p class="back"><a href="${BASE}/">‹ Hôm nay</a></p>
<h1>Bưu gửi ${s?.packageNumber ?? o.orderSn}</h1>
<p id="parcel-status">${d.pickup?.collectedAt ? badge('Người mua đã nhận', 'ok') : badge(labelOf(ORDER_STATUS_LABELS, o.status), o.status === 'ready_for_pickup' ? 'warn' : 'muted')} <span class="meta">Đơn ${o.orderSn}</span></p>
${canReceive(d) ? receiveCard(d) : ''}
${o.status === 'ready_for_pickup' && !returning && !d.pickup?.collectedAt ? collectCard(d) : ''}
${d.pickup?.collectedAt ? html`<p class="flash ok" id="collected">Đã giao cho người mua lúc ${vnDateTime(d.pickup.collectedAt)}.</p>` : ''}
${returning && o.status !== 'returned' ? returnCard(d) : ''}
${s
  ? card(
      'Gửi hàng',
      html`<dl class="facts">
  <dt>Mã bưu gửi</dt><dd id="package-number">${s.packageNumber ?? 'Chưa có'}</dd>
  <dt>Ngày gửi</dt><dd>${vnDate(s.day)}</dd>
  <dt>Khối lượng khai</dt><dd>${weight(s.declaredWeightGrams)}</dd>
  ${s.measuredWeightGrams !== null ? html`<dt>Khối lượng cân</dt><dd id="measured">${weight(s.measuredWeightGrams)}${s.weightFlagged ? html` ${badge('Lệch hơn 10%', 'bad')}` : ''}</dd>` : ''}
  ${s.handedOverAt ? html`<dt>Nhận lúc</dt><dd>${vnDateTime(s.handedOverAt)}</dd>` : ''}
</dl>`,
      { id: 'shipment' },
    )
  : ''}
${card(
  'Hàng trong bưu gửi',
  html`<ul class="plain">${o.lines.map((l) => html`<li>${l.name} × ${num(l.qty)}</li>`)}</ul>`,
  { id: 'lines' },
)}`;
}
