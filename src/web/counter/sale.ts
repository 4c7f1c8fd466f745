import { badge, card, csrfField, empty, textArea, type FieldError } from '../components.ts';
import { num, vnd, vnDate, vnDateTime } from '../format.ts';
import { html, type Html } from '../html.ts';
import { labelOf, UNIT_LABELS } from '../labels.ts';
import { outletNav } from './outlet-nav.ts';
import type { OutletView, SaleListView, SaleView } from './outlet-types.ts';
import { BASE } from './shell.ts';
import type { PointView } from './types.ts';
import type { QrImage } from '../qr-image.ts';

/** A recorded counter sale: the VietQR code for a transfer, the printable receipt, the same-day void. */

export const PAYMENT_TEXT = { cash: 'Tiền mặt', bank_transfer: 'Chuyển khoản VietQR' } as const;

function linesTable(s: SaleView): Html {
  return html`<table class="sale-lines"><caption class="sr-only">Hàng đã bán</caption>
<thead><tr><th scope="col">Sản phẩm</th><th scope="col" class="num">Thành tiền</th></tr></thead>
<tbody>${s.lines.map((l) => html`<tr><td>${l.name}<br><small class="meta">${num(l.qty)} ${labelOf(UNIT_LABELS, l.unit)} × ${vnd(l.unitPriceVnd)}</small></td><td class="num">${vnd(l.amountVnd)}</td></tr>`)}</tbody>
<tfoot><tr><th scope="row">Tổng cộng</th><td class="num sale-total">${vnd(s.totalVnd)}</td></tr></tfoot>
</table>`;
}

function paid(s: SaleView): Html {
  return s.payment === 'cash'
    ? html`<dl class="facts"><dt>Khách đưa</dt><dd>${vnd(s.cashReceivedVnd ?? s.totalVnd)}</dd><dt>Tiền thừa</dt><dd id="change">${vnd(s.changeVnd ?? 0)}</dd></dl>`
    : html`<dl class="facts"><dt>Thanh toán</dt><dd>${PAYMENT_TEXT.bank_transfer}</dd><dt>Nội dung</dt><dd>${s.receiptNo}</dd></dl>`;
}

function qrFigure(s: SaleView, qr: QrImage, outlet: OutletView | null): Html {
  return html`<figure class="qr" id="vietqr" data-payload="${s.vietqrPayload ?? ''}">
  <img src="${qr.src}" width="${qr.px}" height="${qr.px}" alt="Mã VietQR chuyển ${vnd(s.totalVnd)} tới tài khoản của bưu cục, nội dung ${s.receiptNo}">
  <figcaption><strong>${vnd(s.totalVnd)}</strong>${outlet?.bankAccount ? html`<br>TK ${outlet.bankAccount}${outlet.bankAccountName ? html` · ${outlet.bankAccountName}` : ''}` : ''}<br>Nội dung: ${s.receiptNo}</figcaption>
</figure>`;
}

export type VoidForm = { reason?: string; error?: FieldError };
export type SaleData = { sale: SaleView; qr: QrImage | null; outlet: OutletView | null; canVoid: boolean; csrf: string; voidForm?: VoidForm };

export function saleBody(d: SaleData): Html {
  const s = d.sale;
  const voided = s.state === 'voided';
  const v = d.voidForm ?? {};
  return html`${outletNav('sales')}
<h1>Hóa đơn ${s.receiptNo}</h1>
<p id="sale-status">${voided ? badge('Đã hủy', 'bad') : badge('Đã bán', 'ok')} <span class="meta">${vnDateTime(s.soldAt)} · ${PAYMENT_TEXT[s.payment]}</span></p>
${v.error && !(d.canVoid && !voided) ? html`<p class="flash error" role="alert" id="void-refused">${v.error.message}</p>` : ''}
${voided ? html`<p class="flash error" id="voided">Hóa đơn đã hủy lúc ${s.voidedAt ? vnDateTime(s.voidedAt) : ''}: ${s.voidReason ?? ''}. Hàng đã trở lại kệ.</p>` : ''}
${s.payment === 'bank_transfer' && !voided && d.qr ? card('Khách quét mã để chuyển khoản', html`${qrFigure(s, d.qr, d.outlet)}<p class="hint">Mở ứng dụng ngân hàng, chọn quét mã QR. Số tiền và nội dung đã có sẵn; chờ khách báo chuyển xong rồi giao hàng.</p>`, { id: 'pay-qr' }) : ''}
${card('Hàng đã bán', html`${linesTable(s)}${paid(s)}`, { id: 'sale-lines' })}
<p class="actions"><a class="btn primary big" href="${BASE}/sales/${s.id}/receipt" id="receipt-link">In hóa đơn</a><a class="btn big" href="${BASE}/sell">Bán tiếp</a></p>
${d.canVoid && !voided
  ? html`<details class="cancel void"${v.error ? html` open` : ''}><summary class="btn danger block">Hủy hóa đơn</summary>
${card(
  'Hủy hóa đơn này',
  html`<p>Chỉ nhân viên đã bán mới hủy được, trong ngày bán. Hàng trở lại kệ của bưu cục.</p>
<form method="post" action="${BASE}/sales/${s.id}/void" class="stack" id="void-form" data-once>
  ${csrfField(d.csrf)}
  ${textArea({ name: 'reason', label: 'Lý do hủy', value: v.reason, error: v.error, required: true, rows: 2, hint: 'Ví dụ: khách đổi ý, nhập nhầm số lượng' })}
  ${v.error && v.error.field !== 'reason' ? html`<p class="flash error" role="alert">${v.error.message}</p>` : ''}
  <button type="submit" class="btn danger block big">Xác nhận hủy hóa đơn</button>
</form>`,
  { id: 'void' },
)}</details>`
  : ''}`;
}

/** The buyer's receipt: the page prints on its own (the app's bars and buttons are hidden in print). */
export function receiptBody(s: SaleView, point: PointView | null, qr: QrImage | null, clerkName: string | null): Html {
  return html`<p class="noprint actions"><a class="btn" href="${BASE}/sales/${s.id}">‹ Hóa đơn</a><button type="button" class="btn primary" data-print hidden>In</button></p>
<article class="receipt" id="receipt">
  <header><h1>${point?.name ?? 'Bưu cục'}</h1>${point?.address ? html`<p class="meta">${point.address}</p>` : ''}</header>
  <p>Hóa đơn bán lẻ hàng ký gửi <strong class="nowrap">${s.receiptNo}</strong><br><time datetime="${s.soldAt}" id="receipt-time">${vnDateTime(s.soldAt)}</time>${clerkName ? html` · Nhân viên: ${clerkName}` : ''}</p>
  ${s.state === 'voided' ? html`<p class="void-mark">ĐÃ HỦY: ${s.voidReason ?? ''}</p>` : ''}
  ${linesTable(s)}
  ${paid(s)}
  ${s.payment === 'bank_transfer' && qr ? html`<p class="receipt-qr"><img src="${qr.src}" width="160" height="160" alt="Mã VietQR của hóa đơn ${s.receiptNo}"></p>` : ''}
  <p class="meta">Nông sản Đồng Tháp ký gửi tại bưu cục. Cảm ơn quý khách!</p>
</article>`;
}

export function salesBody(list: SaleListView, mine: string, error: string | null): Html {
  const done = list.items.filter((s) => s.state === 'completed');
  const total = done.reduce((t, s) => t + s.totalVnd, 0);
  const cash = done.filter((s) => s.payment === 'cash').reduce((t, s) => t + s.totalVnd, 0);
  return html`${outletNav('sales')}
<h1>Hóa đơn ngày ${vnDate(list.date)}</h1>
${error ? html`<p class="flash error" role="alert">${error}</p>` : ''}
<section class="kpis" aria-label="Bán tại quầy trong ngày">
  <div class="kpi" data-kpi="sales"><span class="label">Hóa đơn</span><span class="value">${done.length}</span></div>
  <div class="kpi" data-kpi="total"><span class="label">Doanh thu</span><span class="value">${vnd(total)}</span></div>
  <div class="kpi" data-kpi="cash"><span class="label">Tiền mặt</span><span class="value">${vnd(cash)}</span></div>
  <div class="kpi" data-kpi="transfer"><span class="label">Chuyển khoản</span><span class="value">${vnd(total - cash)}</span></div>
</section>
${card(
  'Các hóa đơn',
  list.items.length
    ? html`<ul class="list" id="sales">${list.items.map(
        (s) => html`<li data-sale="${s.id}"><a class="row-link" href="${BASE}/sales/${s.id}"><span class="title">${s.receiptNo} · ${vnd(s.totalVnd)}</span>
<span class="meta">${vnDateTime(s.soldAt)} · ${PAYMENT_TEXT[s.payment]}${s.clerkUserId === mine ? ' · bạn bán' : ''}</span>${s.state === 'voided' ? badge('Đã hủy', 'bad') : ''}</a></li>`,
      )}</ul>`
    : empty('Chưa bán hóa đơn nào hôm nay.'),
)}`;
}
