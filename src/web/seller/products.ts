import { badge, csrfField, empty, hidden, type FieldError } from '../components.ts';
import { num, vnd } from '../format.ts';
import { flags, html, type Html } from '../html.ts';
import { CATEGORY_LABELS, LISTING_LABELS, PRODUCT_STATUS_LABELS, UNIT_LABELS, labelOf } from '../labels.ts';
import { BASE } from './shell.ts';
import type { ProductView } from './types.ts';

export type ProductFilters = { q?: string; category?: string; status?: string };

const LISTING_TONE: Record<string, 'ok' | 'warn' | 'bad' | 'muted'> = { listed: 'ok', pending: 'warn', rejected: 'bad', error: 'bad' };
export const listingBadge = (status: string) => badge(labelOf(LISTING_LABELS, status), LISTING_TONE[status] ?? 'muted');

/**
 * One product in the list, with the quick edit of price and stock. With htmx the form swaps this
 * row only; without JavaScript it posts and comes back to the list.
 */
export function productRow(p: ProductView, csrf: string, error?: FieldError, values?: { priceVnd?: string; stock?: string }): Html {
  const id = `p-${p.id}`;
  const err = (name: string) => (error && (error.field === name || (!error.field && name === 'form')) ? html`<small class="error" id="${id}-${name}-err">${error.message}</small>` : '');
  const invalid = (name: string) => (error?.field === name ? html` aria-invalid="true" aria-describedby="${id}-${name}-err"` : '');
  return html`<li class="product" id="${id}" data-sku="${p.sku}">
  <a class="row-link" href="${BASE}/products/${p.id}">
    <span class="title">${p.name}</span>
    <span class="meta">${p.sku} · ${labelOf(CATEGORY_LABELS, p.category)} · ${labelOf(PRODUCT_STATUS_LABELS, p.status)}</span>
    <span class="meta"><span class="price">${vnd(p.priceVnd)}</span> / ${labelOf(UNIT_LABELS, p.unit)} · còn <span class="stock">${num(p.stock)}</span> ${listingBadge(p.listingStatus)}</span>
  </a>
  <form class="quick" method="post" action="${BASE}/products/${p.id}/quick" hx-post="${BASE}/products/${p.id}/quick" hx-target="#${id}" hx-swap="outerHTML">
    ${csrfField(csrf)}${hidden('version', String(p.version))}
    <label for="${id}-price">Giá (₫)</label>
    <input id="${id}-price" name="priceVnd" inputmode="numeric" value="${values?.priceVnd ?? num(p.priceVnd)}"${invalid('priceVnd')}>
    <label for="${id}-stock">Tồn kho</label>
    <input id="${id}-stock" name="stock" inputmode="numeric" value="${values?.stock ?? String(p.stock)}"${invalid('stock')}>
    <button type="submit" class="btn small">Lưu</button>
    ${err('priceVnd')}${err('stock')}${err('set')}${err('form')}
  </form>
</li>`;
}

const options = (table: Record<string, string>, value: string | undefined, all: string) =>
  html`<option value="">${all}</option>${Object.entries(table).map(([v, l]) => html`<option value="${v}"${flags({ selected: v === value })}>${l}</option>`)}`;

export function productListBody(items: ProductView[], nextCursor: string | null, f: ProductFilters, csrf: string): Html {
  const query = (extra: Record<string, string>) => new URLSearchParams(Object.entries<string>({ ...f, ...extra }).filter(([, v]) => v)).toString();
  return html`<h1>Sản phẩm</h1>
<p class="actions"><a class="btn primary" href="${BASE}/products/new">Thêm sản phẩm</a> <a class="btn" href="${BASE}/import">Nhập từ CSV</a></p>
<form class="filters" role="search" method="get" action="${BASE}/products"
  hx-get="${BASE}/products" hx-target="#product-list" hx-select="#product-list" hx-swap="outerHTML" hx-push-url="true"
  hx-trigger="input changed delay:400ms from:#f-q, change from:select, submit">
  <label for="f-q">Tìm sản phẩm (gõ không dấu cũng được)</label>
  <input id="f-q" type="search" name="q" value="${f.q ?? ''}" placeholder="ví dụ: xoai cat">
  <div class="two">
    <div><label for="f-category">Loại</label><select id="f-category" name="category">${options(CATEGORY_LABELS, f.category, 'Tất cả loại')}</select></div>
    <div><label for="f-status">Trạng thái</label><select id="f-status" name="status">${options(PRODUCT_STATUS_LABELS, f.status, 'Mọi trạng thái')}</select></div>
  </div>
  <button type="submit" class="btn">Lọc</button>
</form>
<ul id="product-list" class="list products">
  ${items.length === 0 ? html`<li>${empty('Không tìm thấy sản phẩm nào.')}</li>` : items.map((p) => productRow(p, csrf))}
  ${nextCursor
    ? html`<li class="more"><a class="btn block" href="${BASE}/products?${query({ cursor: nextCursor })}"
        hx-get="${BASE}/products?${query({ cursor: nextCursor })}" hx-target="closest li" hx-select="#product-list > li" hx-swap="outerHTML">Xem thêm</a></li>`
    : ''}
</ul>`;
}
