import { badge, card, csrfField, empty, formError, hidden, type FieldError } from '../components.ts';
import { num, vnd, vnDate, vnDateTime } from '../format.ts';
import { html, type Html } from '../html.ts';
import { outletNav, shelfLife } from './outlet-nav.ts';
import type { ConsignmentView, ShelfProduct } from './outlet-types.ts';
import { BASE } from './shell.ts';

/** Goods a seller sent to the office, counted in by the clerk, and the office's shelf with returns (issue 14). */

const units = (c: ConsignmentView) => c.lines.reduce((s, l) => s + l.qtySent, 0);
const names = (c: ConsignmentView) => c.lines.map((l) => l.name).join(', ');

/** A line's count against what was sent: "đủ", "thiếu 1", "thừa 2". */
export function difference(d: number | null): Html {
  if (d === null) return html``;
  return d === 0 ? badge('đủ', 'ok') : d < 0 ? badge(`thiếu ${num(-d)}`, 'bad') : badge(`thừa ${num(d)}`, 'warn');
}

function consignmentRow(c: ConsignmentView): Html {
  const diffs = c.lines.filter((l) => l.difference !== null && l.difference !== 0).length;
  return html`<li data-consignment="${c.id}"><a class="row-link" href="${BASE}/consignments/${c.id}"><span class="title">${names(c)}</span>
<span class="meta">${c.state === 'sent' ? html`Gửi lúc ${vnDateTime(c.sentAt)}` : html`Nhận lúc ${vnDateTime(c.receivedAt ?? c.sentAt)}`} · ${c.lines.length} sản phẩm, ${num(units(c))} đơn vị gửi</span>
${c.state === 'sent' ? badge('Chờ kiểm đếm', 'warn') : diffs ? badge(`${diffs} dòng lệch số lượng`, 'bad') : badge('Đủ số lượng', 'ok')}</a></li>`;
}

export function incomingBody(sent: ConsignmentView[], received: ConsignmentView[], error: string | null): Html {
  return html`${outletNav('incoming', sent.length)}
<h1>Nhận hàng ký gửi</h1>
${error ? html`<p class="flash error" role="alert">${error}</p>` : ''}
${card('Chờ nhận và kiểm đếm', sent.length ? html`<ul class="list">${sent.map(consignmentRow)}</ul>` : empty('Không có lô hàng nào đang gửi tới bưu cục.'), { id: 'incoming' })}
${card('Đã nhận gần đây', received.length ? html`<ul class="list">${received.map(consignmentRow)}</ul>` : empty('Chưa nhận lô hàng nào.'), { id: 'received' })}`;
}

export type ReceiveForm = { counts?: Record<string, string>; lineErrors?: Record<string, string>; error?: FieldError };

/** One consignment: the count form while it is on its way, the counts and differences once received. */
export function consignmentBody(c: ConsignmentView, csrf: string, form: ReceiveForm = {}): Html {
  const head = html`${outletNav('incoming')}
<p class="back"><a href="${BASE}/consignments">‹ Nhận hàng ký gửi</a></p>
<h1>Lô hàng ký gửi</h1>
<dl class="facts">
  <dt>Gửi lúc</dt><dd>${vnDateTime(c.sentAt)}</dd>
  ${c.note ? html`<dt>Ghi chú</dt><dd>${c.note}</dd>` : ''}
  <dt>Trạng thái</dt><dd id="consignment-state">${c.state === 'sent' ? badge('Chờ kiểm đếm', 'warn') : html`${badge('Đã nhận', 'ok')} ${c.receivedAt ? vnDateTime(c.receivedAt) : ''}`}</dd>
</dl>`;
  const lot = (l: ConsignmentView['lines'][number]) =>
    html`${l.lot ? html`Lô ${l.lot}` : 'Không ghi lô'}${l.harvestDate ? html` · thu hoạch ${vnDate(l.harvestDate)}` : ''}${l.bestBefore ? html` · HSD ${vnDate(l.bestBefore)}` : ''}`;
  if (c.state === 'received') {
    return html`${head}
${card(
  'Số lượng đã kiểm đếm',
  html`<table id="counts"><caption class="sr-only">Số gửi và số đếm được từng dòng</caption>
<thead><tr><th scope="col">Sản phẩm</th><th scope="col" class="num">Gửi</th><th scope="col" class="num">Đếm được</th></tr></thead>
<tbody>${c.lines.map((l) => html`<tr data-line="${l.id}"><td>${l.name}<br><small class="meta">${lot(l)}</small></td><td class="num">${num(l.qtySent)}</td><td class="num"><strong>${num(l.qtyReceived ?? 0)}</strong><br>${difference(l.difference)}</td></tr>`)}</tbody>
</table>`,
  { id: 'received-counts' },
)}`;
  }
  const counts = form.counts ?? {};
  const errs = form.lineErrors ?? {};
  return html`${head}
${card(
  'Kiểm đếm khi nhận',
  html`<p>Đếm từng sản phẩm và nhập số thực nhận. Số lệch so với số gửi được ghi lại cho cả người bán và bưu cục.</p>
${formError(form.error, [])}
<form method="post" action="${BASE}/consignments/${c.id}/receive" class="stack" id="receive-consignment" data-once>
  ${csrfField(csrf)}
  ${c.lines.map((l) => {
    const id = `count-${l.id}`;
    const err = errs[l.id];
    return html`<div class="field count-line${err ? ' has-error' : ''}" data-line="${l.id}">
  <label for="${id}">${l.name}</label>
  <small class="hint" id="${id}-hint">${lot(l)} · gửi <strong>${num(l.qtySent)}</strong></small>
  <input id="${id}" name="count_${l.id}" inputmode="numeric" autocomplete="off" required value="${counts[l.id] ?? ''}" aria-describedby="${id}-hint${err ? html` ${id}-err` : ''}"${err ? html` aria-invalid="true"` : ''}>
  ${err ? html`<small class="error" id="${id}-err">${err}</small>` : ''}
</div>`;
  })}
  <button type="submit" class="btn primary block big">Nhận hàng và ghi số đếm</button>
</form>`,
  { id: 'receive' },
)}`;
}

export const RETURN_REASON_LABELS = { unsold: 'Không bán được (về lại kho của người bán)', expiring: 'Sắp hết hạn dùng', damaged: 'Hư hỏng' } as const;

export type ReturnForm = { lineId: string; qty?: string; reason?: string; note?: string; error?: FieldError };

/** The office's consigned stock by product, perishables nearest their best-before first, each lot returnable. */
export function shelfBody(products: ShelfProduct[], today: string, csrf: string, ret: ReturnForm | null = null): Html {
  const totalUnits = products.reduce((s, p) => s + p.stock, 0);
  const value = products.reduce((s, p) => s + p.stock * p.priceVnd, 0);
  const near = products.filter((p) => p.nearExpiry).length;
  // Several lots' forms on one page: each field's id carries its lot, so labels and errors stay paired.
  const returnForm = (l: ShelfProduct['lots'][number], unit: string) => {
    const f = ret?.lineId === l.lineId ? ret : null;
    const id = (name: string) => `ret-${l.lineId}-${name}`;
    const err = (name: string) => (f?.error?.field === name ? f.error.message : null);
    const field = (name: string, label: string, control: (attrs: Html) => Html) => {
      const message = err(name);
      return html`<div class="field${message ? ' has-error' : ''}"><label for="${id(name)}">${label}</label>
${control(html` id="${id(name)}" name="${name}"${message ? html` aria-invalid="true" aria-describedby="${id(name)}-err"` : ''}`)}
${message ? html`<small class="error" id="${id(name)}-err">${message}</small>` : ''}</div>`;
    };
    return html`<details class="return"${f ? html` open` : ''}><summary class="btn small">Trả người bán</summary>
<form method="post" action="${BASE}/shelf/return" class="stack return-form" data-once>
  ${csrfField(csrf)}${hidden('lineId', l.lineId)}
  ${formError(f?.error, ['qty', 'reason', 'note'])}
  ${field('qty', `Số lượng trả (${unit}, tối đa ${num(l.remaining)})`, (a) => html`<input${a} inputmode="numeric" autocomplete="off" required value="${f?.qty ?? String(l.remaining)}">`)}
  ${field('reason', 'Lý do', (a) => {
    const chosen = f?.reason ?? (l.nearExpiry ? 'expiring' : 'unsold');
    return html`<select${a} required>${Object.entries(RETURN_REASON_LABELS).map(([v, label]) => html`<option value="${v}"${v === chosen ? html` selected` : ''}>${label}</option>`)}</select>`;
  })}
  ${field('note', 'Ghi chú (không bắt buộc)', (a) => html`<input${a} maxlength="500" value="${f?.note ?? ''}">`)}
  <button type="submit" class="btn danger block">Ghi nhận trả hàng</button>
</form></details>`;
  };
  return html`${outletNav('shelf')}
<h1>Kệ hàng ký gửi</h1>
<p class="lead">Ngày ${vnDate(today)} · hàng gần hết hạn đứng đầu</p>
<section class="kpis" aria-label="Trên kệ">
  <div class="kpi" data-kpi="products"><span class="label">Sản phẩm</span><span class="value">${products.length}</span></div>
  <div class="kpi" data-kpi="units"><span class="label">Đơn vị trên kệ</span><span class="value">${num(totalUnits)}</span></div>
  <div class="kpi" data-kpi="near"><span class="label">Gần hết hạn</span><span class="value">${near}</span></div>
  <div class="kpi" data-kpi="value"><span class="label">Giá trị theo giá bán</span><span class="value">${vnd(value)}</span></div>
</section>
${products.length === 0
  ? empty('Chưa có hàng ký gửi trên kệ. Hàng người bán gửi tới sẽ lên kệ sau khi kiểm đếm.')
  : html`<ul class="shelf" id="shelf">${products.map((p) => {
      const life = shelfLife(p.daysLeft, p.nearExpiry);
      return html`<li class="card" data-product="${p.productId}">
<h2>${p.name}</h2>
<p class="meta">${p.sellerName} · ${vnd(p.priceVnd)}/${p.unit}</p>
<p class="stock-line"><strong class="stock">${num(p.stock)} ${p.unit}</strong> ${badge(life.text, life.tone)}</p>
<ul class="list lots">${p.lots.map((l) => {
        const ll = shelfLife(l.daysLeft, l.nearExpiry);
        return html`<li data-line="${l.lineId}"><div class="lot-head"><span>${l.lot ? html`Lô ${l.lot}` : 'Không ghi lô'} · <strong>${num(l.remaining)} ${p.unit}</strong>${l.bestBefore ? html` · HSD ${vnDate(l.bestBefore)}` : ''}</span> ${badge(ll.text, ll.tone)}</div>
${returnForm(l, p.unit)}</li>`;
      })}</ul>
</li>`;
    })}</ul>`}`;
}
