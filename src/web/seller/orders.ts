import { badge, card, csrfField, empty, type FieldError } from '../components.ts';
import { num, vnd, vnDate, vnDateTime, weight } from '../format.ts';
import { flags, html, type Html } from '../html.ts';
import {
  CANCEL_REASON_LABELS,
  FULFILLMENT_LABELS,
  ORDER_STATUS_LABELS,
  PAYMENT_LABELS,
  SHIPMENT_STATE_LABELS,
  labelOf,
} from '../labels.ts';
import { BASE } from './shell.ts';
import type { OrderRow, OrderView, ShipmentView, Suggestions } from './types.ts';

export type OrderFilters = { status?: string; from?: string; to?: string };

const TONE: Record<string, 'ok' | 'warn' | 'bad' | 'muted'> = {
  ready_to_ship: 'warn',
  processed: 'warn',
  in_cancel: 'bad',
  cancelled: 'muted',
  delivered: 'ok',
  completed: 'ok',
  picked_up: 'ok',
};
export const statusBadge = (s: string) => badge(labelOf(ORDER_STATUS_LABELS, s), TONE[s] ?? 'muted');

/** Orders whose parcel has (or is getting) a package number, so a label can be printed. */
const LABEL_STATUSES = new Set(['processed', 'shipped']);

export function orderListBody(items: OrderRow[], nextCursor: string | null, f: OrderFilters, csrf: string, error?: FieldError): Html {
  const query = (extra: Record<string, string>) => new URLSearchParams(Object.entries<string>({ ...f, ...extra }).filter(([, v]) => v)).toString();
  return html`<h1>Đơn hàng</h1>
<p><a class="btn block" href="${BASE}/pickups" id="farm-pickups-link">Lấy hàng tại vườn (hẹn bưu cục đến lấy)</a></p>
<form class="filters" method="get" action="${BASE}/orders" hx-get="${BASE}/orders" hx-target="#order-list" hx-select="#order-list" hx-swap="outerHTML" hx-push-url="true" hx-trigger="change, submit">
  <label for="f-status">Trạng thái</label>
  <select id="f-status" name="status"><option value="">Mọi trạng thái</option>${Object.entries(ORDER_STATUS_LABELS).map(
    ([v, l]) => html`<option value="${v}"${flags({ selected: v === f.status })}>${l}</option>`,
  )}</select>
  <div class="two">
    <div><label for="f-from">Đặt từ ngày</label><input id="f-from" type="date" name="from" value="${f.from ?? ''}"></div>
    <div><label for="f-to">Đến ngày</label><input id="f-to" type="date" name="to" value="${f.to ?? ''}"></div>
  </div>
  <button type="submit" class="btn">Lọc</button>
</form>
${error ? html`<p class="flash error" role="alert">${error.message}</p>` : ''}
<ul id="order-list" class="list">
  ${items.length === 0 ? html`<li>${empty('Không có đơn hàng nào.')}</li>` : items.map(
    (o) => html`<li><a class="row-link" href="${BASE}/orders/${o.id}">
      <span class="title">${o.orderSn} ${statusBadge(o.status)}</span>
      <span class="meta">${vnDateTime(o.placedAt)} · ${vnd(o.totalAmountVnd)}${o.codAmountVnd > 0 ? html` · thu hộ ${vnd(o.codAmountVnd)}` : ''}</span>
      ${o.overdue ? badge('Quá hạn gửi', 'bad') : ''}
    </a>${LABEL_STATUSES.has(o.status) ? html`<label class="pick"><input type="checkbox" name="orderIds" value="${o.id}" form="label-batch"> Chọn để in nhãn</label>` : ''}</li>`,
  )}
  ${nextCursor
    ? html`<li class="more"><a class="btn block" href="${BASE}/orders?${query({ cursor: nextCursor })}" hx-get="${BASE}/orders?${query({ cursor: nextCursor })}" hx-target="closest li" hx-select="#order-list > li" hx-swap="outerHTML">Xem thêm</a></li>`
    : ''}
</ul>
${items.some((o) => LABEL_STATUSES.has(o.status))
  ? html`<form id="label-batch" method="post" action="${BASE}/labels" class="stack">${csrfField(csrf)}
  <button type="submit" class="btn block">Tải nhãn các đơn đã chọn (PDF, mỗi trang một nhãn A6)</button></form>`
  : ''}`;
}

function actions(o: OrderView, shipment: ShipmentView | null, csrf: string): Html {
  const parts: Html[] = [];
  if (o.status === 'ready_to_ship') {
    parts.push(html`<form method="post" action="${BASE}/orders/${o.id}/confirm">${csrfField(csrf)}<button type="submit" class="btn primary block">Xác nhận đơn</button></form>`);
  }
  if (o.status === 'processed' && (!shipment || shipment.state === 'failed' || shipment.state === 'released')) {
    parts.push(html`<a class="btn primary block" href="${BASE}/orders/${o.id}/ship">Gửi hàng tại bưu cục</a>`);
    parts.push(html`<a class="btn block" id="farm-pickup-link" href="${BASE}/pickups/new?orderId=${o.id}">Hẹn bưu cục đến lấy tại vườn</a>`);
  }
  // Once a drop-off is booked the parcel is on its way to the counter; cancelling is then the post office's business.
  const booked = shipment?.state === 'requested' || shipment?.state === 'accepted';
  if (o.status === 'ready_to_ship' || (o.status === 'processed' && !booked)) {
    parts.push(html`<details class="cancel"><summary class="btn block">Hủy đơn…</summary>
      <form method="post" action="${BASE}/orders/${o.id}/cancel" class="stack">
        ${csrfField(csrf)}
        <label for="cancel-reason">Lý do hủy</label>
        <select id="cancel-reason" name="reason" required>${Object.entries(CANCEL_REASON_LABELS).map(([v, l]) => html`<option value="${v}">${l}</option>`)}</select>
        <button type="submit" class="btn danger block">Hủy đơn này</button>
      </form></details>`);
  }
  if (o.status === 'in_cancel') {
    parts.push(html`<p>Người mua xin hủy đơn này.</p>
    <div class="two">
      <form method="post" action="${BASE}/orders/${o.id}/buyer-cancellation">${csrfField(csrf)}<input type="hidden" name="accept" value="true"><button type="submit" class="btn danger block">Đồng ý hủy</button></form>
      <form method="post" action="${BASE}/orders/${o.id}/buyer-cancellation">${csrfField(csrf)}<input type="hidden" name="accept" value="false"><button type="submit" class="btn block">Từ chối hủy</button></form>
    </div>`);
  }
  return parts.length ? card('Việc cần làm', parts, { id: 'actions' }) : html``;
}

function shipmentCard(o: OrderView, s: ShipmentView | null, pointName: string | null): Html {
  if (!s) return html``;
  return card(
    'Gửi hàng',
    html`<dl class="facts">
      <dt>Bưu cục nhận</dt><dd id="dropoff-point">${pointName ?? s.pickupPointCode}</dd>
      <dt>Ngày gửi</dt><dd>${vnDate(s.day)}</dd>
      <dt>Tình trạng</dt><dd id="shipment-state">${labelOf(SHIPMENT_STATE_LABELS, s.state)}</dd>
      <dt>Mã bưu gửi</dt><dd id="package-number">${s.packageNumber ?? 'Đang chờ'}</dd>
      <dt>Khối lượng khai</dt><dd>${weight(s.declaredWeightGrams)}</dd>
      ${s.measuredWeightGrams !== null ? html`<dt>Khối lượng cân</dt><dd>${weight(s.measuredWeightGrams)}${s.weightFlagged ? html` ${badge('Lệch hơn 10%', 'bad')}` : ''}</dd>` : ''}
      ${s.failure ? html`<dt>Lý do</dt><dd>${s.failure}</dd>` : ''}
    </dl>
    ${s.packageNumber ? html`<a class="btn primary block" id="label-link" href="${BASE}/orders/${o.id}/label.pdf" download="nhan-${o.orderSn}.pdf">Tải nhãn gửi hàng (PDF)</a>` : ''}`,
    { id: 'shipment' },
  );
}

/** Where an order stands for the seller: its status and its drop-off's state ("processed:requested"). */
export const stateKey = (o: OrderView, s: ShipmentView | null) => `${o.status}:${s?.state ?? 'none'}`;

/**
 * After a queued action, while the order is still where it was (`since`, a stateKey), the block
 * re-reads itself every 2 s; the status route reloads the page once Postmart has moved it on.
 */
function statusBlock(o: OrderView, s: ShipmentView | null, since: string | null): Html {
  const polling = since !== null && stateKey(o, s) === since;
  return html`<p id="order-status"${polling ? html` hx-get="${BASE}/orders/${o.id}/status?since=${since}" hx-trigger="every 2s" hx-swap="outerHTML"` : ''}>
  ${statusBadge(o.status)}${polling ? html` <span class="meta">Đang chờ Postmart…</span>` : ''}
</p>`;
}
export const orderStatusFragment = statusBlock;

const SOURCE_LABELS: Record<string, string> = { webhook: 'Postmart', poll: 'Postmart', user: 'Người bán', system: 'Hệ thống' };

export function orderDetailBody(o: OrderView, shipment: ShipmentView | null, csrf: string, since: string | null, pointName: string | null = null): Html {
  return html`<p class="back"><a href="${BASE}/orders">‹ Đơn hàng</a></p>
<h1>Đơn ${o.orderSn}</h1>
${statusBlock(o, shipment, since)}
${o.overdue ? html`<p class="flash error">Đã quá hạn gửi hàng${o.shipBy ? html` (${vnDateTime(o.shipBy)})` : ''}.</p>` : ''}
${actions(o, shipment, csrf)}
${shipmentCard(o, shipment, pointName)}
${card(
  'Hàng đặt',
  html`<table class="lines"><caption class="sr-only">Các dòng hàng</caption>
  <thead><tr><th scope="col">Sản phẩm</th><th scope="col" class="num">SL</th><th scope="col" class="num">Thành tiền</th></tr></thead>
  <tbody>${o.lines.map((l) => html`<tr><td>${l.name}<br><small>${l.sellerSku} · ${vnd(l.unitPriceVnd)}</small></td><td class="num">${num(l.qty)}</td><td class="num">${vnd(l.qty * l.unitPriceVnd)}</td></tr>`)}</tbody>
  </table>
  <dl class="facts">
    <dt>Tổng đơn</dt><dd>${vnd(o.totalAmountVnd)}</dd>
    <dt>Thanh toán</dt><dd>${labelOf(PAYMENT_LABELS, o.paymentMethod)}</dd>
    ${o.codAmountVnd > 0 ? html`<dt>Thu hộ (COD)</dt><dd class="cod">${vnd(o.codAmountVnd)}</dd>` : ''}
    <dt>Đặt lúc</dt><dd>${vnDateTime(o.placedAt)}</dd>
    ${o.shipBy ? html`<dt>Gửi trước</dt><dd>${vnDateTime(o.shipBy)}</dd>` : ''}
    ${o.cancelReason ? html`<dt>Lý do hủy</dt><dd>${labelOf(CANCEL_REASON_LABELS, o.cancelReason)}</dd>` : ''}
  </dl>`,
  { id: 'lines' },
)}
${card(
  'Người nhận',
  html`<dl class="facts">
    <dt>Tên</dt><dd>${o.recipient.name}</dd>
    <dt>Điện thoại</dt><dd>${o.recipient.phone}</dd>
    <dt>Địa chỉ</dt><dd>${o.recipient.addressLine}${o.recipient.wardName ? html`, ${o.recipient.wardName}` : ''}</dd>
    <dt>Nhận hàng</dt><dd>${labelOf(FULFILLMENT_LABELS, o.fulfillmentMode)}${o.postOfficeCode ? html` (${o.postOfficeCode})` : ''}</dd>
    ${o.note ? html`<dt>Ghi chú</dt><dd>${o.note}</dd>` : ''}
  </dl>`,
)}
${o.tracking.length
  ? card(
      'Hành trình bưu gửi',
      html`<ol class="timeline">${o.tracking.map((t) => html`<li><time datetime="${t.at}">${vnDateTime(t.at)}</time> ${t.description}${t.postOfficeCode ? html` · ${t.postOfficeCode}` : ''}</li>`)}</ol>`,
      { id: 'tracking' },
    )
  : ''}
${card(
  'Lịch sử đơn',
  html`<ol class="timeline">${o.events.map(
    // The events' notes are the connector's own log lines (English); the seller reads statuses and who acted.
    (e) => html`<li><time datetime="${e.at}">${vnDateTime(e.at)} · ${labelOf(SOURCE_LABELS, e.source)}</time> ${e.fromStatus === e.toStatus ? html`Cập nhật, vẫn «${labelOf(ORDER_STATUS_LABELS, e.toStatus)}»` : html`${e.fromStatus ? html`${labelOf(ORDER_STATUS_LABELS, e.fromStatus)} → ` : ''}${labelOf(ORDER_STATUS_LABELS, e.toStatus)}`}</li>`,
  )}</ol>`,
  { id: 'history' },
)}`;
}

export function shipBody(o: OrderView, s: Suggestions, csrf: string, error?: FieldError): Html {
  return html`<p class="back"><a href="${BASE}/orders/${o.id}">‹ Đơn ${o.orderSn}</a></p>
<h1>Chọn bưu cục gửi hàng</h1>
<p class="lead">${s.perishable ? 'Hàng tươi, ưu tiên bưu cục có kho lạnh. ' : ''}Bưu cục phù hợp nhất đã được chọn sẵn.</p>
${error ? html`<p class="flash error" role="alert">${error.message}</p>` : ''}
${s.items.length === 0
  ? empty('Hôm nay không còn bưu cục nào nhận gửi gần bạn. Vui lòng thử lại ngày mai.')
  : html`<form method="post" action="${BASE}/orders/${o.id}/ship" class="stack">
  ${csrfField(csrf)}
  <fieldset class="choices"><legend>Bưu cục nhận hàng</legend>
  ${s.items.map(
    (p, i) => html`<label class="choice" for="pp-${p.id}">
      <input type="radio" id="pp-${p.id}" name="pickupPointId" value="${p.id}"${flags({ checked: i === 0 })}>
      <span class="title">${p.name}${i === 0 ? html` ${badge('Phù hợp nhất', 'ok')}` : ''}</span>
      <span class="meta">${p.address}</span>
      <span class="meta">${p.distanceKm === null ? '' : `${num(p.distanceKm)} km · `}${p.openNow ? 'Đang mở cửa' : 'Đang đóng cửa'} · còn ${p.remainingToday} chỗ hôm nay${p.coldStorage ? ' · có kho lạnh' : ''}</span>
    </label>`,
  )}
  </fieldset>
  <button type="submit" class="btn primary block">Gửi hàng tại bưu cục đã chọn</button>
</form>`}`;
}
