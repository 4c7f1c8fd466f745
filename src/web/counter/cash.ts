import { badge, card, csrfField, empty, hidden } from '../components.ts';
import { vnd, vnDate, vnDateTime } from '../format.ts';
import { html, type Html } from '../html.ts';
import { BASE } from './shell.ts';
import type { CashSheet, ReturnItem } from './types.ts';

/** The day's cash sheet: every COD parcel handed over, what was taken, by whom; closed once at the end of the day. */
export function cashBody(sheet: CashSheet | null, date: string, csrf: string, error: string | null): Html {
  return html`<h1>Sổ tiền thu hộ</h1>
<form class="filters" method="get" action="${BASE}/cash">
  <label for="cash-date">Ngày</label>
  <div class="find-row"><input id="cash-date" type="date" name="date" value="${date}"><button type="submit" class="btn">Xem</button></div>
</form>
${error ? html`<p class="flash error" role="alert">${error}</p>` : ''}
${sheet
  ? html`<section class="kpis" aria-label="Tổng trong ngày ${vnDate(sheet.date)}">
  <div class="kpi" data-kpi="parcels"><span class="label">Bưu gửi thu tiền</span><span class="value">${sheet.totals.parcels}</span></div>
  <div class="kpi" data-kpi="taken"><span class="label">Tiền mặt đã thu</span><span class="value" id="cash-total">${vnd(sheet.totals.takenVnd)}</span></div>
</section>
${card(
  html`Ngày ${vnDate(sheet.date)} ${sheet.closed ? badge('Đã chốt sổ', 'ok') : badge('Chưa chốt', 'warn')}`,
  sheet.items.length === 0
    ? empty('Chưa thu tiền bưu gửi nào trong ngày.')
    : html`<table id="cash-sheet" class="cash"><caption class="sr-only">Các khoản thu trong ngày</caption>
<thead><tr><th scope="col">Bưu gửi</th><th scope="col" class="num">Đã thu</th></tr></thead>
<tbody>${sheet.items.map(
        (l) => html`<tr><td><a href="${BASE}/orders/${l.orderId}">${l.packageNumber ?? l.orderSn}</a><br><small>${vnDateTime(l.at)} · ${l.clerkName}</small>${l.reason ? html`<br><small class="error">Lệch ${vnd(l.differenceVnd)}: ${l.reason}</small>` : ''}</td>
<td class="num"><strong>${vnd(l.takenVnd)}</strong>${l.takenVnd !== l.expectedVnd ? html`<br><small>phải thu ${vnd(l.expectedVnd)}</small>` : ''}</td></tr>`,
      )}</tbody>
<tfoot><tr><th scope="row">Tổng ${sheet.totals.parcels} bưu gửi</th><td class="num">${vnd(sheet.totals.takenVnd)}${sheet.totals.differenceVnd !== 0 ? html`<br><small>phải thu ${vnd(sheet.totals.expectedVnd)}</small>` : ''}</td></tr></tfoot>
</table>`,
  { id: 'cash' },
)}
${sheet.clerks.length > 1
  ? card(
      'Theo nhân viên',
      html`<ul class="list">${sheet.clerks.map((c) => html`<li class="row-link"><span class="title">${c.clerkName}</span><span class="meta">${c.parcels} bưu gửi · đã thu ${vnd(c.takenVnd)}${c.differenceVnd !== 0 ? html` · lệch ${vnd(c.differenceVnd)}` : ''}</span></li>`)}</ul>`,
      { id: 'cash-clerks' },
    )
  : ''}
${sheet.closed
  ? html`<p class="flash ok" id="closed">Sổ đã chốt lúc ${vnDateTime(sheet.closed.closedAt)} bởi ${sheet.closed.closedByName}: ${sheet.closed.parcels} bưu gửi, ${vnd(sheet.closed.totalVnd)}; không thể sửa.</p>`
  : html`<form method="post" action="${BASE}/cash/close" class="stack" id="close-form">${csrfField(csrf)}${hidden('date', sheet.date)}
  <button type="submit" class="btn primary block big">Chốt sổ ngày ${vnDate(sheet.date)} (${vnd(sheet.totals.takenVnd)})</button>
  <p class="hint">Sau khi chốt, không ghi thêm hay sửa khoản thu nào của ngày này.</p></form>`}`
  : ''}`;
}

export function returnsBody(items: ReturnItem[] | null, error: string | null): Html {
  const open = (items ?? []).filter((r) => !r.returnedAt);
  const done = (items ?? []).filter((r) => r.returnedAt);
  const row = (r: ReturnItem) =>
    html`<li data-order="${r.orderId}"><a class="row-link" href="${BASE}/orders/${r.orderId}"><span class="title">${r.packageNumber ?? r.orderSn}</span>
<span class="meta">${r.sellerName ? html`${r.sellerName}${r.sellerPhone ? html` (${r.sellerPhone})` : ''} · ` : ''}${r.cause === 'refused' ? 'người mua từ chối' : 'quá hạn giữ'}${r.returnedAt ? html` · đã trả ${vnDateTime(r.returnedAt)}` : ''}</span></a></li>`;
  return html`<h1>Hoàn trả người bán</h1>
${error ? html`<p class="flash error" role="alert">${error}</p>` : ''}
${card('Cần trả lại', open.length ? html`<ul class="list">${open.map(row)}</ul>` : empty('Không có bưu gửi nào phải trả lại.'), { id: 'returns-open' })}
${done.length ? card('Đã trả', html`<ul class="list">${done.map(row)}</ul>`, { id: 'returns-done' }) : ''}`;
}
