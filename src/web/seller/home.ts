import { badge, card, csrfField, empty } from '../components.ts';
import { vnd, vnDate } from '../format.ts';
import { html, type Html } from '../html.ts';
import { LISTING_LABELS, ORDER_STATUS_LABELS, UNIT_LABELS, labelOf } from '../labels.ts';
import { BASE } from './shell.ts';
import type { Connection, OrderRow, OverviewView, ProductView } from './types.ts';

export const LOW_STOCK = 10;

export type HomeData = {
  sellerName: string;
  overview: OverviewView | null;
  toPrepare: OrderRow[];
  lowStock: ProductView[];
  connection: Connection | null;
  /** The seller's choice to sell consigned stock on Postmart too; null when it could not be read. */
  includesConsigned: boolean | null;
  csrf: string;
};

/** Issue 14: whether Postmart sells the stock consigned at post offices too (PATCH /v1/sellers/:id). */
function consignedStockCard(on: boolean | null, csrf: string): Html {
  if (on === null) return html``;
  return card(
    'Hàng ký gửi tại bưu cục',
    html`<form method="post" action="${BASE}/settings/postmart-stock" class="stack" data-once>
  ${csrfField(csrf)}
  <div><label class="choice" for="include-consigned"><input type="checkbox" id="include-consigned" name="postmartIncludesConsigned" value="true"${on ? html` checked` : ''}><span class="title">Bán cả hàng đang ký gửi ở bưu cục trên Postmart</span></label></div>
  <p class="hint">Tắt: Postmart chỉ bán hàng ở vườn. Bật: Postmart bán hàng ở vườn cộng hàng ký gửi; đơn vượt quá hàng ở vườn sẽ lấy phần còn lại từ bưu cục đang giữ nhiều nhất.</p>
  <button type="submit" class="btn block" data-busy="Đang lưu…">Lưu lựa chọn</button>
</form>`,
    { id: 'consigned-stock' },
  );
}

function connectCard(c: Connection | null, csrf: string): Html {
  if (c?.status === 'connected') return html``;
  const why =
    c?.status === 'disconnected'
      ? html`<p>Gian hàng đã mất kết nối${c.disconnectReason ? html`: ${c.disconnectReason}` : ''}. Kết nối lại để tiếp tục bán.</p>`
      : html`<p>Kết nối gian hàng Postmart một lần để sản phẩm được đăng và đơn hàng về đây.</p>`;
  return card(
    'Gian hàng Postmart',
    html`${why}<form method="post" action="${BASE}/connect">${csrfField(csrf)}<button type="submit" class="btn primary block">Kết nối gian hàng Postmart</button></form>`,
    { id: 'connect' },
  );
}

export function homeBody(d: HomeData): Html {
  const o = d.overview;
  const errors = o?.syncHealth.listingErrors ?? [];
  return html`<h1>${d.sellerName}</h1>
${connectCard(d.connection, d.csrf)}
<section class="kpis" aria-label="Tháng này">
  <div class="kpi" data-kpi="revenue"><span class="label">Doanh thu tháng này</span><span class="value">${vnd(o?.thisMonth.revenueVnd ?? 0)}</span></div>
  <div class="kpi" data-kpi="orders"><span class="label">Đơn tháng này</span><span class="value">${o?.thisMonth.orders ?? 0}</span></div>
  <div class="kpi" data-kpi="prepare"><span class="label">Đơn cần chuẩn bị</span><span class="value">${o?.ordersToPrepare ?? d.toPrepare.length}</span></div>
  <div class="kpi" data-kpi="listed"><span class="label">Sản phẩm đang hiển thị</span><span class="value">${o?.listedProducts ?? 0}</span></div>
</section>
${card(
  'Đơn cần chuẩn bị',
  d.toPrepare.length === 0
    ? empty('Không có đơn nào cần chuẩn bị.')
    : html`<ul class="list">${d.toPrepare.map(
        (r) => html`<li><a class="row-link" href="${BASE}/orders/${r.id}">
          <span class="title">${r.orderSn}</span>
          <span class="meta">${labelOf(ORDER_STATUS_LABELS, r.status)} · ${vnd(r.totalAmountVnd)}${r.shipBy ? html` · gửi trước ${vnDate(r.shipBy)}` : ''}</span>
          ${r.overdue ? badge('Quá hạn gửi', 'bad') : ''}
        </a></li>`,
      )}</ul>`,
  { id: 'to-prepare' },
)}
${card(
  'Sắp hết hàng',
  d.lowStock.length === 0
    ? empty(`Không có sản phẩm nào còn dưới ${LOW_STOCK}.`)
    : html`<ul class="list">${d.lowStock.map(
        (p) => html`<li><a class="row-link" href="${BASE}/products/${p.id}"><span class="title">${p.name}</span><span class="meta">Còn ${p.stock} ${labelOf(UNIT_LABELS, p.unit)}</span></a></li>`,
      )}</ul>`,
  { id: 'low-stock' },
)}
${card(
  'Sản phẩm lỗi trên Postmart',
  errors.length === 0
    ? empty('Không có sản phẩm nào bị lỗi.')
    : html`<ul class="list">${errors.map(
        (e) => html`<li><a class="row-link" href="${BASE}/products/${e.productId}">
          <span class="title">${e.productName}</span>
          <span class="meta">${badge(labelOf(LISTING_LABELS, e.status), 'bad')} ${e.message ?? e.code ?? ''}</span>
        </a></li>`,
      )}</ul>`,
  { id: 'listing-errors' },
)}
${consignedStockCard(d.includesConsigned, d.csrf)}
<p class="actions"><a class="btn" href="${BASE}/products/new">Thêm sản phẩm</a> <a class="btn" href="${BASE}/import">Nhập sản phẩm từ tệp CSV</a></p>`;
}
