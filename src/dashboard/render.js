import { date, dateTime, num, STATUS_LABELS, vnd } from './format.js';

/** A DOM element with text children only: data from the API never becomes HTML. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) el.setAttribute(k, v);
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined).map((c) => (c instanceof Node ? c : String(c))));
  return el;
}

/** Fills a table: columns are [header, row => cell, 'num'?]. */
export function table(el, columns, rows, empty = 'Chưa có dữ liệu') {
  el.replaceChildren(
    h('thead', {}, h('tr', {}, columns.map(([head, , kind]) => h('th', { class: kind ?? null }, head)))),
    h('tbody', {}, rows.length === 0 ? h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, empty)) : rows.map((r) => h('tr', {}, columns.map(([, cell, kind]) => h('td', { class: kind ?? null }, cell(r)))))),
  );
}

const salesColumns = (first) => [
  [first, (r) => r.label],
  ['Đơn', (r) => num(r.orders), 'num'],
  ['Doanh thu', (r) => vnd(r.revenueVnd), 'num'],
];
export const salesTable = (el, first, rows) => table(el, salesColumns(first), rows);

function card(key, title, value, note) {
  return h('article', { class: 'kpi', dataset: { kpi: key } }, h('h3', {}, title), h('p', { class: 'value' }, value), note ? h('p', { class: 'note' }, note) : null);
}

function change(now, before) {
  if (before === 0) return now === 0 ? 'bằng tháng trước' : 'tháng trước chưa có doanh thu';
  const pct = Math.round(((now - before) / before) * 100);
  return `${pct >= 0 ? '+' : ''}${pct}% so với tháng trước (${vnd(before)})`;
}

export function kpis(el, sales, o, outlets) {
  const t = sales.totals;
  const c = outlets.totals.counter;
  el.replaceChildren(
    card('revenue', 'Doanh thu Postmart', vnd(t.revenueVnd), `${date(sales.from)} – ${date(sales.to)}`),
    card('orders', 'Số đơn', num(t.orders), `${num(t.cancelled)} đơn hủy · ${num(t.units)} sản phẩm đã bán`),
    card('cod', 'Thu hộ (COD)', vnd(t.codRevenueVnd), 'phần doanh thu thanh toán khi nhận hàng'),
    card('month', 'Doanh thu tháng này', vnd(o.thisMonth.revenueVnd), change(o.thisMonth.revenueVnd, o.lastMonth.revenueVnd)),
    card('sellers', 'Người bán đang hoạt động', num(o.activeSellers), 'có sản phẩm trên Postmart'),
    card('listed', 'Sản phẩm niêm yết', num(o.listedProducts), `OCOP: ${o.ocopListedProducts.stars3} · ${o.ocopListedProducts.stars4} · ${o.ocopListedProducts.stars5} (3 · 4 · 5 sao)`),
    card('counter', 'Bán tại quầy bưu cục', vnd(c.revenueVnd), `${num(c.sales)} hóa đơn · ${num(c.units)} sản phẩm · ngoài Postmart`),
    card('prepare', 'Đơn cần chuẩn bị', num(o.ordersToPrepare), o.ordersByStatus.map((s) => `${STATUS_LABELS[s.status] ?? s.status}: ${num(s.orders)}`).join(' · ')),
  );
}

/**
 * Counter sales by post office, with the office's Postmart figures beside them in their own
 * columns (never added together), and the consigned stock each office holds now.
 */
export function counterTables(salesEl, stockEl, r) {
  const rows = r.rows.filter((x) => x.counter.sales > 0);
  table(salesEl, [
    ['Bưu cục', (x) => x.label],
    ['Hóa đơn', (x) => num(x.counter.sales), 'num'],
    ['Tại quầy', (x) => vnd(x.counter.revenueVnd), 'num'],
    ['Postmart (riêng)', (x) => `${num(x.postmart.orders)} đơn · ${vnd(x.postmart.revenueVnd)}`, 'num'],
  ], rows, 'Chưa có bán tại quầy trong khoảng ngày này');
  table(stockEl, [
    ['Bưu cục', (x) => `${x.name} (${x.code})`],
    ['Số lượng', (x) => num(x.units), 'num'],
    ['Giá trị', (x) => vnd(x.valueVnd), 'num'],
  ], r.consignedStock, 'Không bưu cục nào đang giữ hàng ký gửi');
}

export function syncFigures(el, s) {
  const pairs = [
    ['Niêm yết đang chờ', num(s.listingsPending)],
    ['Niêm yết lỗi / bị từ chối', num(s.listingsInError)],
    ['Thay đổi cũ nhất chưa đồng bộ', s.oldestUnsyncedChangeAt ? dateTime(s.oldestUnsyncedChangeAt) : 'không có'],
  ];
  if (s.webhookFailures !== null) pairs.push(['Webhook chưa xử lý', num(s.webhookFailures)]);
  el.replaceChildren(...pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export { date, dateTime, num, vnd };
