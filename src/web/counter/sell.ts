import { badge, card, csrfField, empty, formError, hidden, type FieldError } from '../components.ts';
import { num, vnd } from '../format.ts';
import { html, type Html } from '../html.ts';
import { encodeBasket, qtyField, type Basket } from './basket.ts';
import { outletNav, shelfLife } from './outlet-nav.ts';
import type { ShelfProduct } from './outlet-types.ts';
import { BASE } from './shell.ts';

/**
 * Selling consigned goods to a walk-in buyer: the shelf as a pick list with a quantity per product,
 * the basket with its VND totals, then the payment (cash, or a bank transfer the buyer pays by
 * scanning a VietQR code on the next screen). Works without JavaScript: "Tính tiền" is a GET of this
 * page with the quantities, the sale a POST.
 */
export type PaymentForm = { payment?: string; cashReceivedVnd?: string; error?: FieldError };
/** `saleKey`: a fresh Idempotency-Key per page, so sending the form again (a weak signal, a reload) cannot sell twice. */
export type SellData = { products: ShelfProduct[]; basket: Basket; canTransfer: boolean; csrf: string; saleKey: string; incoming: number; pay?: PaymentForm; error?: string | null };

function pickRow(p: ShelfProduct, b: Basket): Html {
  const id = `qty-${p.productId}`;
  const err = b.errors[p.productId];
  const life = shelfLife(p.daysLeft, p.nearExpiry);
  return html`<li class="pick-row${err ? ' has-error' : ''}" data-product="${p.productId}">
  <div class="pick-what"><label for="${id}">${p.name}</label>
  <span class="meta" id="${id}-meta">${vnd(p.priceVnd)}/${p.unit} · còn ${num(p.stock)} ${p.unit}</span> ${badge(life.text, life.tone)}</div>
  <input id="${id}" class="qty" name="${qtyField(p.productId)}" inputmode="numeric" autocomplete="off" placeholder="0" value="${b.typed[p.productId] ?? ''}" aria-describedby="${id}-meta${err ? html` ${id}-err` : ''}"${err ? html` aria-invalid="true"` : ''}>
  ${err ? html`<small class="error" id="${id}-err" data-error-for="${p.productId}">${err}</small>` : ''}
</li>`;
}

function basketCard(d: SellData): Html {
  const b = d.basket;
  const bad = Object.keys(b.errors);
  const pay = d.pay ?? {};
  const payErr = (field: string) => (pay.error?.field === field ? pay.error.message : null);
  const chosen = pay.payment === 'bank_transfer' && d.canTransfer ? 'bank_transfer' : 'cash';
  const byId = new Map(d.products.map((p) => [p.productId, p]));
  return card(
    'Giỏ hàng',
    html`<table id="basket"><caption class="sr-only">Hàng khách mua</caption>
<thead><tr><th scope="col">Sản phẩm</th><th scope="col" class="num">Thành tiền</th></tr></thead>
<tbody>${b.lines.map((l) => html`<tr data-product="${l.product.productId}"><td>${l.product.name}<br><small class="meta">${num(l.qty)} ${l.product.unit} × ${vnd(l.product.priceVnd)}</small></td><td class="num">${vnd(l.amountVnd)}</td></tr>`)}
${bad.map((id) => html`<tr data-product="${id}" class="bad-line"><td colspan="2">${byId.get(id)?.name ?? ''}<small class="error">${b.errors[id]}</small></td></tr>`)}</tbody>
<tfoot><tr><th scope="row">Tổng ${num(b.lines.length)} sản phẩm</th><td class="num" id="basket-total">${vnd(b.totalVnd)}</td></tr></tfoot>
</table>
${bad.length
  ? html`<p class="flash error" role="alert">Sửa số lượng được đánh dấu rồi bấm «Tính tiền» lại.</p>`
  : html`${formError(pay.error, ['payment', 'cashReceivedVnd'])}
<form method="post" action="${BASE}/sales" class="stack" id="pay-form" data-once>
  ${csrfField(d.csrf)}${hidden('basket', encodeBasket(b.lines))}${hidden('saleKey', d.saleKey)}
  <fieldset${payErr('payment') ? html` aria-describedby="payment-err"` : ''}><legend>Khách trả bằng</legend>
    <label class="choice"><input type="radio" name="payment" value="cash"${chosen === 'cash' ? html` checked` : ''}><span class="title">Tiền mặt</span><span class="meta">Thu tại quầy, tính tiền thừa</span></label>
    <label class="choice"><input type="radio" name="payment" value="bank_transfer"${chosen === 'bank_transfer' ? html` checked` : ''}${d.canTransfer ? '' : html` disabled`}><span class="title">Chuyển khoản (VietQR)</span><span class="meta">${d.canTransfer ? 'Khách quét mã QR bằng ứng dụng ngân hàng' : 'Bưu cục chưa khai báo tài khoản nhận chuyển khoản'}</span></label>
    ${payErr('payment') ? html`<small class="error" id="payment-err">${payErr('payment')}</small>` : ''}
  </fieldset>
  <div class="field${payErr('cashReceivedVnd') ? ' has-error' : ''}">
    <label for="cash-received">Tiền mặt khách đưa (đồng)</label>
    <input id="cash-received" name="cashReceivedVnd" inputmode="numeric" autocomplete="off" value="${pay.cashReceivedVnd ?? ''}" aria-describedby="cash-hint${payErr('cashReceivedVnd') ? ' cash-err' : ''}"${payErr('cashReceivedVnd') ? html` aria-invalid="true"` : ''}>
    <small class="hint" id="cash-hint">Chỉ khi trả tiền mặt; để trống nếu khách đưa vừa đủ ${vnd(b.totalVnd)}.</small>
    ${payErr('cashReceivedVnd') ? html`<small class="error" id="cash-err">${payErr('cashReceivedVnd')}</small>` : ''}
  </div>
  <button type="submit" class="btn primary block big" id="record-sale">Ghi nhận bán · ${vnd(b.totalVnd)}</button>
</form>`}`,
    { id: 'basket-card' },
  );
}

export function sellBody(d: SellData): Html {
  const hasBasket = d.basket.lines.length > 0 || Object.keys(d.basket.errors).length > 0;
  return html`${outletNav('sell', d.incoming)}
<h1>Bán hàng ký gửi</h1>
${d.incoming ? html`<p class="flash warn" id="incoming-note"><a href="${BASE}/consignments">${d.incoming} lô hàng ký gửi đang chờ kiểm đếm</a></p>` : ''}
${d.error ? html`<p class="flash error" role="alert">${d.error}</p>` : ''}
${d.products.length === 0
  ? empty('Kệ chưa có hàng ký gửi để bán.')
  : html`<form method="get" action="${BASE}/sell#basket-card" id="pick-form">
<ul class="list picks">${d.products.map((p) => pickRow(p, d.basket))}</ul>
<button type="submit" class="btn block big${hasBasket ? '' : ' primary'}" id="compute">Tính tiền</button>
</form>
${hasBasket ? basketCard(d) : ''}`}`;
}
