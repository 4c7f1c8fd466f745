import { stringify } from 'csv-stringify/sync';
import { SAFE_CELLS } from '../../lib/csv-safe.ts';
import type { AssistedReportOutput, OverviewOutput, SalesReportOutput } from '../../schemas/reports.ts';

/**
 * CSV for spreadsheets: UTF-8 with a byte-order mark (Excel otherwise reads Vietnamese as
 * Windows-1252), CRLF line ends, Vietnamese headers, money as plain integers of VND. Text cells a
 * spreadsheet would run as a formula (a seller named "=HYPERLINK(…)") are neutralized (src/lib/csv-safe.ts).
 */
const csv = (rows: unknown[][]) => stringify(rows, { bom: true, record_delimiter: 'windows', ...SAFE_CELLS });

export function assistedCsv(r: AssistedReportOutput): string {
  return csv([
    [r.groupBy === 'commune' ? 'Mã xã' : 'Mã bưu cục', 'Tên', 'Người bán được hỗ trợ', 'Ủy quyền còn hiệu lực', 'Số đơn', 'Số lượng bán', 'Doanh thu (VND)'],
    ...r.rows.map((x) => [x.key, x.label, x.assistedSellers, x.liveAuthorizations, x.orders, x.units, x.revenueVnd]),
  ]);
}

export function salesCsv(r: SalesReportOutput): string {
  return csv([
    ['Mã', 'Nhóm', 'Số đơn', 'Số lượng bán', 'Doanh thu (VND)', 'Doanh thu COD (VND)', 'Đơn hủy'],
    ...r.rows.map((x) => [x.key, x.label, x.orders, x.units, x.revenueVnd, x.codRevenueVnd, x.cancelled]),
    ['TONG', 'Tổng cộng', r.totals.orders, r.totals.units, r.totals.revenueVnd, r.totals.codRevenueVnd, r.totals.cancelled],
  ]);
}

/** The overview as one long table: section, key, label, value (one figure a line). */
export function overviewCsv(o: OverviewOutput): string {
  const rows: unknown[][] = [['Mục', 'Mã', 'Tên', 'Giá trị']];
  const add = (section: string, key: string, label: string, value: unknown) => rows.push([section, key, label, value ?? '']);
  add('Phạm vi', o.scope?.sellerId ?? 'tinh', o.scope?.sellerName ?? 'Toàn tỉnh', o.asOf);
  add('Tổng quan', 'activeSellers', 'Người bán đang có sản phẩm trên Postmart', o.activeSellers);
  add('Tổng quan', 'listedProducts', 'Sản phẩm đang niêm yết', o.listedProducts);
  for (const s of [3, 4, 5] as const) add('OCOP', `stars${s}`, `Sản phẩm OCOP ${s} sao đang niêm yết`, o.ocopListedProducts[`stars${s}`]);
  for (const s of o.ordersByStatus) add('Đơn theo trạng thái', s.status, s.status, s.orders);
  for (const [key, label, m] of [['thisMonth', 'Tháng này', o.thisMonth], ['lastMonth', 'Tháng trước', o.lastMonth]] as const) {
    add(label, `${key}.orders`, 'Số đơn', m.orders);
    add(label, `${key}.units`, 'Số lượng bán', m.units);
    add(label, `${key}.revenueVnd`, 'Doanh thu (VND)', m.revenueVnd);
    add(label, `${key}.codRevenueVnd`, 'Doanh thu COD (VND)', m.codRevenueVnd);
  }
  for (const t of o.topProducts) add('Sản phẩm bán chạy (doanh thu tháng này, VND)', t.productId, `${t.name} – ${t.sellerName}`, t.revenueVnd);
  for (const t of o.topSellers) add('Người bán hàng đầu (doanh thu tháng này, VND)', t.sellerId, t.name, t.revenueVnd);
  for (const t of o.pickupPointLoadToday) {
    add('Tải bưu cục hôm nay (đơn nhận tại bưu cục)', t.code, t.label, t.orders);
    add('Tải bưu cục hôm nay (lượt gửi hàng / sức chứa)', t.code, t.label, t.dailyCapacity === null ? String(t.dropoffsBooked) : `${t.dropoffsBooked}/${t.dailyCapacity}`);
  }
  for (const c of o.counterCash) add('Tiền COD thu tại quầy tháng này (VND)', c.code, c.name, c.cashVnd);
  add('Đơn cần chuẩn bị', 'ordersToPrepare', 'Đơn chờ xác nhận hoặc giao cho bưu cục', o.ordersToPrepare);
  const h = o.syncHealth;
  add('Đồng bộ', 'listingsPending', 'Niêm yết đang chờ', h.listingsPending);
  add('Đồng bộ', 'listingsInError', 'Niêm yết lỗi hoặc bị từ chối', h.listingsInError);
  add('Đồng bộ', 'oldestUnsyncedChangeAt', 'Thay đổi cũ nhất chưa đồng bộ', h.oldestUnsyncedChangeAt);
  add('Đồng bộ', 'webhookFailures', 'Webhook chưa xử lý', h.webhookFailures);
  for (const q of h.queues ?? []) add('Hàng đợi', q.queue, 'chờ / đang chạy / hẹn giờ / lỗi', `${q.waiting} / ${q.active} / ${q.delayed} / ${q.failed}`);
  for (const p of h.lastPolls) add('Lần quét đơn thành công gần nhất', p.shopId, p.sellerName ?? '', p.lastSuccessAt);
  for (const e of h.listingErrors) add('Niêm yết lỗi', e.productId, e.productName, `${e.code ?? ''}: ${e.message ?? ''}`);
  return csv(rows);
}
