import type { Db } from '../../db.ts';
import { newId } from '../../lib/ids.ts';
import type { OrderDetailT } from '../../postmart/client/contract.ts';
import { OUTBOX_CHANNEL, OUTBOX_KIND } from '../outbox/outbox.ts';
import type { orderFields, OrderSource } from './order-fields.ts';

/**
 * The import's common case in one statement: a new order of a connected shop, waiting to ship, every
 * seller SKU known and every product with enough stock. It inserts the order (already `reserved`),
 * its lines and its first event, takes the stock with its `reserve` ledger rows and outbox notes and
 * wakes the outbox relay, or does nothing at all. Under load each round trip costs the connector
 * CPU and holds product locks a little longer, and the general path (applyOrder in a transaction)
 * needs nine of them for the same work.
 *
 * The guarantees are the general path's: the products are locked in id order (FOR NO KEY UPDATE,
 * as reserveStock) before their stock is read, so two orders never deadlock and never both take the
 * last unit, a locked row is read as committed now (READ COMMITTED re-reads a row it waited for, and
 * the UPDATE re-applies to that version), the products_stock check stays the database's own guard,
 * and the unique order_sn makes a concurrent import of the same order insert nothing. One statement
 * is one transaction, so the order never exists without its reservation. As reserveStock, it makes
 * the listings forget the stock last pushed (Postmart moved its own for the order; ledger.ts says why).
 *
 * When the order already exists nothing is locked and its stored state comes back, so a repeated
 * event can be answered without a transaction. Anything else (an unknown SKU, missing stock, a race
 * on the same order, a first sight after it left the reserving statuses) comes back `fallback`, and
 * the caller runs the general path, which handles every case. A webhook's import also marks its
 * event processed in the same statement (`settle`), one round trip fewer for the job.
 */
const CREATE_RESERVED = `
WITH existing AS (
  SELECT status, remote_status, remote_update_time, tracking_update_time, cancel_state FROM orders WHERE order_sn = $2::text
), shop AS (
  SELECT seller_id FROM postmart_shops WHERE shop_id = $1::text AND NOT EXISTS (SELECT 1 FROM existing) AND $3::boolean
), item AS (
  SELECT t.line_no, t.seller_sku, t.name, t.qty, t.unit_price, p.id AS product_id
  FROM shop s
  CROSS JOIN jsonb_to_recordset($4::jsonb) AS t(line_no int, seller_sku text, name text, qty int, unit_price bigint)
  LEFT JOIN products p ON p.seller_id = s.seller_id AND p.sku = t.seller_sku
), want AS (
  SELECT product_id, sum(qty)::int AS qty FROM item GROUP BY product_id
), locked AS (
  SELECT p.id, p.stock FROM products p WHERE p.id IN (SELECT product_id FROM want) ORDER BY p.id FOR NO KEY UPDATE
), verdict AS (
  SELECT EXISTS (SELECT 1 FROM shop)
     AND EXISTS (SELECT 1 FROM item)
     AND NOT EXISTS (SELECT 1 FROM want WHERE product_id IS NULL)
     AND (SELECT count(*) FROM locked) = (SELECT count(*) FROM want)
     AND NOT EXISTS (SELECT 1 FROM want w JOIN locked l ON l.id = w.product_id WHERE l.stock < w.qty) AS ok
), ins AS (
  INSERT INTO orders (id, seller_id, shop_id, order_sn, status, stock_state, remote_status, remote_update_time, remote_create_time,
    payment_method, cod_amount_vnd, shipping_fee_vnd, voucher_amount_vnd, total_amount_vnd, recipient_name, recipient_phone,
    recipient_address_line, recipient_ward_code, recipient_ward_code_raw, recipient_ward_name, recipient_province_code,
    fulfillment_mode, post_office_code, note, ship_by)
  SELECT $5::uuid, s.seller_id, $1::text, $2::text, $6::text, 'reserved', $7::text, $8::bigint, $9::bigint, $10::text, $11::bigint, $12::bigint,
    $13::bigint, $14::bigint, $15::text, $16::text, $17::text, $18::text, $19::text, $20::text, $21::text, $22::text, $23::text, $24::text, $25::timestamptz
  FROM shop s, verdict v WHERE v.ok
  ON CONFLICT (order_sn) DO NOTHING
  RETURNING id
), lines AS (
  INSERT INTO order_lines (order_id, line_no, product_id, seller_sku, name, qty, unit_price_vnd)
  SELECT ins.id, i.line_no, i.product_id, i.seller_sku, i.name, i.qty, i.unit_price FROM ins, item i
), event AS (
  INSERT INTO order_events (order_id, source, from_status, to_status, note, actor_user_id)
  SELECT ins.id, $26::text, NULL, $6::text, $27::text, $28::uuid FROM ins
), taken AS (
  UPDATE products p SET stock = p.stock - w.qty, version = p.version + 1, updated_at = now()
  FROM want w WHERE p.id = w.product_id AND EXISTS (SELECT 1 FROM ins)
  RETURNING p.id, p.stock, p.version, w.qty
), forgot AS (
  UPDATE product_listings l SET synced_stock = NULL, updated_at = now() FROM taken t WHERE l.product_id = t.id
), ledger AS (
  INSERT INTO stock_movements (product_id, kind, delta, stock_after, reason) SELECT id, 'reserve', -qty, stock, $29::text FROM taken
), noted AS (
  INSERT INTO outbox (product_id, product_version, reason, kind) SELECT id, version, 'order-reserve', '${OUTBOX_KIND.listingOrderStock}' FROM taken RETURNING 1
), woken AS (
  SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM (SELECT 1 FROM noted LIMIT 1) x
), settled AS (
  UPDATE webhook_events SET processed_at = now(), outcome = $31::text
  WHERE event_id = $30::text AND processed_at IS NULL AND EXISTS (SELECT 1 FROM ins) RETURNING 1
)
SELECT (SELECT id FROM ins) AS created_id, (SELECT count(*) FROM want)::int AS wanted, (SELECT count(*) FROM taken)::int AS reserved,
       (SELECT count(*) FROM woken)::int AS woken, (SELECT count(*) FROM settled)::int AS settled, e.status, e.remote_status, e.remote_update_time, e.tracking_update_time, e.cancel_state
FROM (SELECT 1) one LEFT JOIN existing e ON true`;

export type StoredOrderState = { status: string; remoteStatus: string; remoteUpdateTime: number; trackingUpdateTime: number | null; cancelState: string | null };
export type CreateAttempt = { kind: 'created'; orderId: string; settled: boolean } | { kind: 'exists'; stored: StoredOrderState } | { kind: 'fallback' };
/** The webhook event this import answers: marked processed with `outcome` by the same statement when the order is created. */
export type SettleEvent = { eventId: string; outcome: string };

type Row = {
  created_id: string | null;
  wanted: number;
  reserved: number;
  settled: number;
  status: string | null;
  remote_status: string | null;
  remote_update_time: number | null;
  tracking_update_time: number | null;
  cancel_state: string | null;
};

/**
 * Tries the one-statement import of `d` (see CREATE_RESERVED); `reserving` says whether its local
 * status is one that takes stock (order-states.ts RESERVING). A named (prepared) statement: parsed
 * and planned once per connection.
 */
export async function createReservedOrder(
  db: Db,
  shopId: string,
  d: OrderDetailT,
  fields: ReturnType<typeof orderFields>,
  status: string,
  reserving: boolean,
  source: OrderSource,
  actorUserId: string | null,
  settle: SettleEvent | null = null,
): Promise<CreateAttempt> {
  const items = JSON.stringify(d.items.map((it, i) => ({ line_no: i + 1, seller_sku: it.seller_sku, name: it.name, qty: it.qty, unit_price: it.unit_price })));
  const f = fields;
  const res = await db.$client.query<Row>({
    name: 'orders-create-reserved',
    text: CREATE_RESERVED,
    values: [
      shopId, d.order_sn, reserving, items, newId(), status, f.remoteStatus, f.remoteUpdateTime, f.remoteCreateTime,
      f.paymentMethod, f.codAmountVnd, f.shippingFeeVnd, f.voucherAmountVnd, f.totalAmountVnd, f.recipientName, f.recipientPhone,
      f.recipientAddressLine, f.recipientWardCode, f.recipientWardCodeRaw, f.recipientWardName, f.recipientProvinceCode,
      f.fulfillmentMode, f.postOfficeCode, f.note, f.shipBy, source, `imported (Postmart ${d.status})`, actorUserId, `order ${d.order_sn}`,
      settle?.eventId ?? null, settle?.outcome ?? null,
    ],
  });
  const row = res.rows[0]!;
  if (row.created_id) {
    if (row.reserved !== row.wanted) throw new Error(`reservation of order ${d.order_sn} did not take every product`);
    return { kind: 'created', orderId: row.created_id, settled: row.settled > 0 };
  }
  if (row.status !== null) {
    return {
      kind: 'exists',
      stored: { status: row.status, remoteStatus: row.remote_status!, remoteUpdateTime: Number(row.remote_update_time), trackingUpdateTime: row.tracking_update_time === null ? null : Number(row.tracking_update_time), cancelState: row.cancel_state },
    };
  }
  return { kind: 'fallback' };
}
