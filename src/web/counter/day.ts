import { badge, card, csrfField, empty } from '../components.ts';
import { vnd, vnDate, vnDateTime, weight } from '../format.ts';
import { html, type Html } from '../html.ts';
import { BASE } from './shell.ts';
import type { DayView, Dropoff, Pickup, PointView, ReturnItem } from './types.ts';

const DAY_MS = 86_400_000;

/** Whole days a parcel still waits before it goes back to its seller: "còn 3 ngày", "hết hạn hôm nay", "quá hạn 2 ngày". */
export function daysLeft(holdUntil: string | null, now: Date): { text: string; tone: 'ok' | 'warn' | 'bad' } {
  if (!holdUntil) return { text: 'chưa có hạn giữ', tone: 'ok' };
  const ms = new Date(holdUntil).getTime() - now.getTime();
  if (ms <= 0) return { text: `quá hạn ${Math.max(1, Math.floor(-ms / DAY_MS))} ngày`, tone: 'bad' };
  const days = Math.ceil(ms / DAY_MS);
  return days <= 1 ? { text: 'hết hạn giữ trong hôm nay', tone: 'warn' } : { text: `còn ${days} ngày`, tone: days <= 2 ? 'warn' : 'ok' };
}

/** The search box on top of every counter screen: a scanner's keyboard wedge types into it too. */
export function findForm(value = ''): Html {
  return html`<form class="find" method="get" action="${BASE}/find" role="search">
  <label for="find-code">Mã bưu gửi</label>
  <div class="find-row">
    <input id="find-code" name="code" value="${value}" inputmode="text" autocomplete="off" autocapitalize="characters" spellcheck="false" required placeholder="VD: EP123456789VN">
    <button type="submit" class="btn primary">Tìm</button>
  </div>
</form>`;
}

const parcelLink = (orderId: string, title: Child, meta: Child, extra: Child = '') =>
  html`<a class="row-link" href="${BASE}/orders/${orderId}"><span class="title">${title}</span><span class="meta">${meta}</span>${extra}</a>`;
type Child = Parameters<typeof html>[1];

function dropoffRow(d: Dropoff): Html {
  return html`<li data-order="${d.orderId}" data-package="${d.packageNumber ?? ''}">${parcelLink(
    d.orderId,
    html`${d.packageNumber ?? d.orderSn}`,
    html`${d.sellerName} · khai ${weight(d.declaredWeightGrams)}${d.measuredWeightGrams !== null ? html` · cân ${weight(d.measuredWeightGrams)}` : ''}${d.handedOverAt ? html` · nhận lúc ${vnDateTime(d.handedOverAt)}` : ''}`,
    d.weightFlagged ? badge('Lệch khối lượng', 'bad') : '',
  )}</li>`;
}

function pickupRow(p: Pickup, now: Date): Html {
  const left = daysLeft(p.holdUntil, now);
  return html`<li data-order="${p.orderId}">${parcelLink(
    p.orderId,
    html`${p.orderSn} · ${p.recipientName}`,
    html`ĐT ${p.recipientPhone}${p.codAmountVnd > 0 ? html` · thu ${vnd(p.codAmountVnd)}` : ''}`,
    badge(left.text, left.tone),
  )}</li>`;
}

const list = (items: Html[], none: string) => (items.length ? html`<ul class="list">${items}</ul>` : empty(none));

export type DayData = { point: PointView; day: DayView; returns: ReturnItem[] | null; now: Date };

export function dayBody(d: DayData): Html {
  const expected = d.day.dropoffs.filter((x) => !x.handedOverAt);
  const received = d.day.dropoffs.filter((x) => x.handedOverAt);
  const waiting = d.day.pickups.filter((x) => !x.flaggedForReturn && !x.collectedAt);
  // The returns list of the counter API when it answers; until then the parcels the aging job flagged.
  const toReturn: { orderId: string; title: string; meta: string }[] = d.returns
    ? d.returns.filter((r) => !r.returnedAt).map((r) => ({ orderId: r.orderId, title: r.packageNumber ?? r.orderSn, meta: `${r.sellerName} · ${r.cause === 'refused' ? 'người mua từ chối' : 'quá hạn giữ'}` }))
    : d.day.pickups.filter((x) => x.flaggedForReturn).map((x) => ({ orderId: x.orderId, title: x.orderSn, meta: `${x.recipientName} · quá hạn giữ` }));
  return html`<h1>${d.point.name}</h1>
<p class="lead">Ngày ${vnDate(d.day.date)}</p>
${findForm()}
<p><a class="btn primary block big" href="${BASE}/scan" id="scan-link">Quét mã vạch bằng máy ảnh</a></p>
<section class="kpis" aria-label="Trong ngày">
  <a class="kpi" href="#expected" data-kpi="expected"><span class="label">Chờ người bán gửi</span><span class="value">${expected.length}</span></a>
  <a class="kpi" href="#received" data-kpi="received"><span class="label">Đã nhận hôm nay</span><span class="value">${received.length}</span></a>
  <a class="kpi" href="#waiting" data-kpi="waiting"><span class="label">Chờ người mua nhận</span><span class="value">${waiting.length}</span></a>
  <a class="kpi" href="#to-return" data-kpi="to-return"><span class="label">Cần hoàn trả</span><span class="value">${toReturn.length}</span></a>
</section>
<div class="columns">
${card('Chờ người bán mang tới', list(expected.map(dropoffRow), 'Không còn bưu gửi nào chờ người bán mang tới.'), { id: 'expected' })}
${card('Đã nhận hôm nay', list(received.map(dropoffRow), 'Chưa nhận bưu gửi nào hôm nay.'), { id: 'received' })}
${card('Chờ người mua nhận', list(waiting.map((p) => pickupRow(p, d.now)), 'Không có bưu gửi nào chờ người mua.'), { id: 'waiting' })}
${card('Cần hoàn trả người bán', list(toReturn.map((r) => html`<li data-order="${r.orderId}">${parcelLink(r.orderId, r.title, r.meta, badge('Hoàn trả', 'bad'))}</li>`), 'Không có bưu gửi nào phải hoàn trả.'), { id: 'to-return' })}
</div>`;
}

/** An admin has no office of their own: they choose the one whose counter they work at. */
export function choosePointBody(points: PointView[], csrf: string): Html {
  return html`<h1>Chọn bưu cục</h1>
<p class="lead">Tài khoản quản trị không gắn với bưu cục nào. Chọn quầy bạn đang làm việc.</p>
<form method="post" action="${BASE}/point" class="stack">
  ${csrfField(csrf)}
  <label for="point">Bưu cục</label>
  <select id="point" name="pointId" required>${points.map((p) => html`<option value="${p.id}">${p.name} (${p.code})</option>`)}</select>
  <button type="submit" class="btn primary block big">Mở quầy</button>
</form>`;
}
