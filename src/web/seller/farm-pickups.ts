import type { Static } from '@sinclair/typebox';
import { PICKUP_WINDOWS } from '../../../db/schema/outlets.ts';
import type { FarmPickup, FarmPickupDetail } from '../../schemas/outlets.ts';
import { badge, card, csrfField, empty, formError, hidden, selectField, textField, type FieldError } from '../components.ts';
import { num, vnDate, vnDateTime } from '../format.ts';
import { flags, html, type Html } from '../html.ts';
import { BASE } from './shell.ts';
import type { OrderRow } from './types.ts';

/**
 * Pickup at the farm (issue 14) in the sellers' app: book a post office's visit for the parcels of
 * confirmed orders, see where the booking went (or the next free window, as a one-tap choice), and
 * move a missed one with a reason. Plain forms (post, then redirect); app.js adds the geolocation
 * button and keeps a form from being sent twice.
 */

export type PickupView = Static<typeof FarmPickup>;
export type PickupDetailView = Static<typeof FarmPickupDetail>;
export type NextWindow = { day: string; window: string; office: string };
/** What the booking form holds, as typed (kept whole when the API refuses it). */
export type PickupForm = { orderIds: string[]; day: string; window: string; parcels: string; wardCode: string; address: string; lat: string; lng: string; contactPhone: string };
export type Commune = { code: string; name: string; district?: string | null };

const WINDOW_LABELS: Record<string, string> = {
  '07:00-09:00': '07:00–09:00 (sáng sớm)',
  '09:00-11:00': '09:00–11:00 (sáng)',
  '13:30-15:30': '13:30–15:30 (chiều)',
  '15:30-17:30': '15:30–17:30 (chiều muộn)',
};
export const windowLabel = (w: string) => WINDOW_LABELS[w] ?? w;
const STATE: Record<string, [string, 'ok' | 'warn' | 'muted']> = { booked: ['Đã hẹn', 'warn'], collected: ['Đã lấy hàng', 'ok'], cancelled: ['Đã hủy', 'muted'] };
const stateBadge = (s: string) => badge(STATE[s]?.[0] ?? s, STATE[s]?.[1] ?? 'muted');
const EVENT_LABELS: Record<string, string> = { booked: 'Đặt lịch', rescheduled: 'Đổi lịch', collected: 'Bưu cục đã lấy hàng', cancelled: 'Hủy lịch' };

export function pickupListBody(items: PickupView[]): Html {
  return html`<p class="back"><a href="${BASE}/orders">‹ Đơn hàng</a></p>
<h1>Lấy hàng tại vườn</h1>
<p class="lead">Bưu cục đến tận vườn lấy các kiện hàng đã xác nhận, thay vì bạn mang ra bưu cục.</p>
<a class="btn primary block" href="${BASE}/pickups/new">Hẹn bưu cục đến lấy hàng</a>
<h2 class="list-title">Lịch hẹn từ hôm nay</h2>
<ul class="list" id="pickup-list">
  ${items.length === 0 ? html`<li>${empty('Chưa có lịch hẹn nào.')}</li>` : items.map(
    (p) => html`<li><a class="row-link" href="${BASE}/pickups/${p.id}">
      <span class="title">${vnDate(p.day)} · ${windowLabel(p.window)} ${stateBadge(p.state)}</span>
      <span class="meta">${p.pickupPointName} · ${num(p.parcels)} kiện${p.orderIds.length ? ` · ${p.orderIds.length} đơn` : ''}</span>
      <span class="meta">${p.address}</span>
    </a></li>`,
  )}
</ul>`;
}

/** The form's fields as hidden inputs, so the one-tap choice of another window resends exactly what was typed. */
const carried = (f: PickupForm, skip: (keyof PickupForm)[]) =>
  html`${f.orderIds.map((id) => hidden('orderIds', id))}${(['parcels', 'wardCode', 'address', 'lat', 'lng', 'contactPhone'] as const).filter((k) => !skip.includes(k)).map((k) => hidden(k, f[k]))}`;

/** The window fieldset: four choices, the API's error (a full window) under it, and the next free window as one tap. */
function windowChoice(current: string, day: string, error: FieldError, name = 'window'): Html {
  // The API's message names the day as YYYY-MM-DD; here it is said the way the page shows dates.
  const full = error?.code === 'FARM_PICKUP_FULL' && /^\d{4}-\d{2}-\d{2}$/.test(day) ? `Khung giờ ${windowLabel(current)} ngày ${vnDate(day)} đã kín lịch.` : null;
  const message = error && error.field === 'window' ? (full ?? error.message) : null;
  return html`<fieldset class="choices${message ? ' has-error' : ''}" id="window-choice"${message ? html` aria-describedby="window-err"` : ''}><legend>Khung giờ <span class="req" aria-hidden="true">*</span></legend>
  ${PICKUP_WINDOWS.map(
    (w) => html`<label class="choice" for="w-${w.replace(/[^0-9]/g, '')}">
      <input type="radio" id="w-${w.replace(/[^0-9]/g, '')}" name="${name}" value="${w}" required${flags({ checked: w === current })}>
      <span class="title">${windowLabel(w)}</span>
    </label>`,
  )}
  ${message ? html`<small id="window-err" class="error" role="alert">${message}</small>` : ''}
</fieldset>`;
}

/** The next free window the API named, as a button that books it with everything else unchanged. */
function nextWindowOffer(action: string, csrf: string, error: FieldError, next: NextWindow | null, keep: Html): Html {
  if (error?.code !== 'FARM_PICKUP_FULL') return html``;
  const head = html`<p class="flash error" role="alert">Khung giờ đã chọn đã kín lịch.${next ? '' : ' Không còn khung giờ trống trong 14 ngày tới; hãy gửi hàng tại bưu cục.'}</p>`;
  if (!next) return head;
  return html`${head}<form method="post" action="${action}" class="next-offer card" id="next-window" data-once>
  ${csrfField(csrf)}${keep}${hidden('day', next.day)}${hidden('window', next.window)}
  <p><strong>Khung giờ trống gần nhất:</strong> ${vnDate(next.day)}, ${windowLabel(next.window)} — ${next.office}.</p>
  <button type="submit" class="btn primary block" data-busy="Đang đặt lịch…">Chọn khung giờ này</button>
</form>`;
}
/** The error above the form, unless it is a full window (the offer above says it) or sits under its field. */
const topError = (error: FieldError, fields: string[]) => (error?.code === 'FARM_PICKUP_FULL' ? html`` : formError(error, fields));

export function pickupFormBody(
  f: PickupForm,
  orders: OrderRow[],
  communes: Commune[],
  csrf: string,
  error?: FieldError,
  next: NextWindow | null = null,
): Html {
  const FIELDS = ['orderIds', 'day', 'window', 'parcels', 'wardCode', 'address', 'lat', 'lng', 'contactPhone'];
  const orderError = error && error.field?.startsWith('orderIds') ? error.message : null;
  return html`<p class="back"><a href="${BASE}/pickups">‹ Lấy hàng tại vườn</a></p>
<h1>Hẹn bưu cục đến lấy hàng</h1>
${topError(error && error.field?.startsWith('orderIds') ? { ...error, field: 'orderIds' } : error, FIELDS)}
${nextWindowOffer(`${BASE}/pickups`, csrf, error, next, carried(f, []))}
<form method="post" action="${BASE}/pickups" class="stack" id="pickup-form" data-once novalidate>
  ${csrfField(csrf)}
  <fieldset class="choices${orderError ? ' has-error' : ''}" id="order-choice"${orderError ? html` aria-describedby="orders-err"` : ''}><legend>Kiện hàng cần lấy</legend>
    ${orders.length === 0
      ? empty('Không có đơn nào đã xác nhận mà chưa gửi. Bạn vẫn có thể hẹn lấy hàng và nhập số kiện.')
      : orders.map(
          (o) => html`<label class="choice" for="o-${o.id}">
      <input type="checkbox" id="o-${o.id}" name="orderIds" value="${o.id}"${flags({ checked: f.orderIds.includes(o.id) })}>
      <span class="title">Đơn ${o.orderSn}</span>
      <span class="meta">Đặt ${vnDateTime(o.placedAt)}${o.shipBy ? ` · gửi trước ${vnDateTime(o.shipBy)}` : ''}</span>
    </label>`,
        )}
    ${orderError ? html`<small id="orders-err" class="error" role="alert">${orderError}</small>` : ''}
  </fieldset>
  <div class="two">
    ${textField({ name: 'day', label: 'Ngày lấy hàng', type: 'date', value: f.day, required: true, error })}
    ${textField({ name: 'parcels', label: 'Số kiện', type: 'number', inputmode: 'numeric', value: f.parcels, required: true, error, hint: 'Ít nhất bằng số đơn đã chọn' })}
  </div>
  ${windowChoice(f.window, f.day, error)}
  <fieldset><legend>Địa chỉ lấy hàng</legend>
    ${selectField({ name: 'wardCode', label: 'Xã/phường', value: f.wardCode, required: true, error, options: Object.fromEntries(communes.map((c) => [c.code, c.name])) })}
    ${textField({ name: 'address', label: 'Ấp, số nhà, đường', value: f.address, required: true, error, autocomplete: 'street-address', maxlength: 300 })}
    <p class="hint" id="pos-hint">Vị trí trên bản đồ (không bắt buộc) giúp bưu cục tìm đúng vườn; không có thì dùng vị trí giữa xã.</p>
    <div class="two">
      ${textField({ name: 'lat', label: 'Vĩ độ', value: f.lat, inputmode: 'decimal', error })}
      ${textField({ name: 'lng', label: 'Kinh độ', value: f.lng, inputmode: 'decimal', error })}
    </div>
    <button type="button" class="btn block" id="use-location" data-geolocate hidden>Dùng vị trí của tôi</button>
    <p class="meta" id="geo-status" role="status" aria-live="polite"></p>
    ${textField({ name: 'contactPhone', label: 'Số điện thoại liên hệ', type: 'tel', value: f.contactPhone, inputmode: 'tel', autocomplete: 'tel', error, hint: 'Để trống: số của gian hàng' })}
  </fieldset>
  <button type="submit" class="btn primary block" data-busy="Đang đặt lịch…">Đặt lịch lấy hàng</button>
</form>`;
}

export type RescheduleForm = { day: string; window: string; reason: string };

export function pickupDetailBody(p: PickupDetailView, orders: { id: string; orderSn: string }[], csrf: string, r: RescheduleForm, error?: FieldError, next: NextWindow | null = null): Html {
  const booked = p.state === 'booked';
  return html`<p class="back"><a href="${BASE}/pickups">‹ Lấy hàng tại vườn</a></p>
<h1>Lịch lấy hàng ${stateBadge(p.state)}</h1>
${card(
  booked ? 'Bưu cục sẽ đến lấy hàng' : 'Lịch lấy hàng',
  html`<dl class="facts" id="pickup-facts">
    <dt>Bưu cục</dt><dd id="pickup-office">${p.pickupPointName}</dd>
    <dt>Ngày</dt><dd id="pickup-day">${vnDate(p.day)}</dd>
    <dt>Khung giờ</dt><dd id="pickup-window">${windowLabel(p.window)}</dd>
    <dt>Số kiện</dt><dd>${num(p.parcels)}</dd>
    <dt>Địa chỉ</dt><dd>${p.address}</dd>
    <dt>Liên hệ</dt><dd>${p.contactPhone}</dd>
    <dt>Cách bưu cục</dt><dd>${num(p.distanceKm)} km${p.positionGiven ? '' : ' (tính từ giữa xã)'}</dd>
  </dl>
  ${orders.length ? html`<p class="meta">Các đơn:</p><ul class="plain">${orders.map((o) => html`<li><a href="${BASE}/orders/${o.id}">Đơn ${o.orderSn}</a></li>`)}</ul>
  <p class="hint">Mỗi đơn được gửi qua bưu cục này; mã bưu gửi và nhãn có trong trang đơn.</p>` : ''}`,
  { id: 'pickup' },
)}
${booked
  ? card(
      'Đổi lịch (lỡ hẹn, thay đổi kế hoạch)',
      html`${topError(error, ['day', 'window', 'reason'])}
  ${nextWindowOffer(`${BASE}/pickups/${p.id}/reschedule`, csrf, error, next, hidden('reason', r.reason))}
  <form method="post" action="${BASE}/pickups/${p.id}/reschedule#reschedule" class="stack" id="reschedule-form" data-once novalidate>
    ${csrfField(csrf)}
    ${textField({ name: 'day', label: 'Ngày mới', type: 'date', value: r.day, required: true, error })}
    ${windowChoice(r.window, r.day, error)}
    ${textField({ name: 'reason', label: 'Lý do đổi lịch', value: r.reason, required: true, error, maxlength: 500 })}
    <button type="submit" class="btn block" data-busy="Đang đổi lịch…">Đổi lịch</button>
  </form>`,
      { id: 'reschedule' },
    )
  : ''}
${card(
  'Lịch sử',
  html`<ol class="timeline">${p.events.map(
    (e) => html`<li><time datetime="${e.createdAt}">${vnDateTime(e.createdAt)}</time> ${EVENT_LABELS[e.kind] ?? e.kind}${e.toDay ? html`: ${vnDate(e.toDay)} ${e.toWindow ? windowLabel(e.toWindow) : ''}` : ''}${e.reason ? html` — «${e.reason}»` : ''}</li>`,
  )}</ol>`,
  { id: 'pickup-history' },
)}`;
}
