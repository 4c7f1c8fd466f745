import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { communes } from './communes.ts';
import { products } from './products.ts';
import { sellers } from './sellers.ts';
import { users } from './users.ts';

/** Local order statuses: Postmart's (postmart-api.md#orders) in lower case, plus on_hold (ours: needs a person). */
export const ORDER_STATUSES = [
  'unpaid',
  'ready_to_ship',
  'processed',
  'shipped',
  'ready_for_pickup',
  'picked_up',
  'delivered',
  'completed',
  'in_cancel',
  'cancelled',
  'failed_delivery',
  'to_return',
  'returned',
  'on_hold',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * What the order holds of our stock: none (never reserved), reserved (taken from products.stock),
 * released (given back after a cancellation), consumed (delivered: the reservation became a sale).
 */
export const ORDER_STOCK_STATES = ['none', 'reserved', 'released', 'consumed'] as const;
/** Our own cancellation request to Postmart: pending until Postmart accepts it. */
export const ORDER_CANCEL_STATES = ['pending', 'accepted', 'failed'] as const;
export const ORDER_EVENT_SOURCES = ['webhook', 'poll', 'user', 'system'] as const;

/** Every Postmart order, imported once (unique order_sn) and updated only by newer remote updates. */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => sellers.id),
    shopId: text('shop_id').notNull(),
    orderSn: text('order_sn').notNull().unique(),
    status: text('status', { enum: ORDER_STATUSES }).notNull(),
    remoteStatus: text('remote_status').notNull(),
    /** Postmart's update_time (unix seconds): an older update never overwrites a newer one. */
    remoteUpdateTime: bigint('remote_update_time', { mode: 'number' }).notNull(),
    remoteCreateTime: bigint('remote_create_time', { mode: 'number' }).notNull(),
    paymentMethod: text('payment_method').notNull(),
    codAmountVnd: bigint('cod_amount_vnd', { mode: 'number' }).notNull(),
    shippingFeeVnd: bigint('shipping_fee_vnd', { mode: 'number' }).notNull(),
    voucherAmountVnd: bigint('voucher_amount_vnd', { mode: 'number' }).notNull(),
    totalAmountVnd: bigint('total_amount_vnd', { mode: 'number' }).notNull(),
    recipientName: text('recipient_name').notNull(),
    /** E.164 (src/lib/phone.ts) when it is a real Vietnamese number; else as Postmart sent it. */
    recipientPhone: text('recipient_phone').notNull(),
    recipientAddressLine: text('recipient_address_line').notNull(),
    /** Our commune when Postmart's ward code is one we know; the raw code is kept either way. */
    recipientWardCode: text('recipient_ward_code').references(() => communes.code),
    recipientWardCodeRaw: text('recipient_ward_code_raw').notNull(),
    recipientWardName: text('recipient_ward_name'),
    recipientProvinceCode: text('recipient_province_code'),
    fulfillmentMode: text('fulfillment_mode').notNull(),
    postOfficeCode: text('post_office_code'),
    note: text('note').notNull().default(''),
    shipBy: timestamp('ship_by', { withTimezone: true }),
    holdReason: text('hold_reason'),
    stockState: text('stock_state', { enum: ORDER_STOCK_STATES }).notNull().default('none'),
    cancelReason: text('cancel_reason'),
    cancelState: text('cancel_state', { enum: ORDER_CANCEL_STATES }),
    /** The carrier's parcel number (UPU S10), from GET /orders/{sn}/tracking. */
    trackingNumber: text('tracking_number'),
    /** The remote_update_time at which tracking was last read: tracking is re-read when the order moves on. */
    trackingUpdateTime: bigint('tracking_update_time', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('orders_seller_idx').on(t.sellerId, t.id),
    index('orders_status_idx').on(t.status, t.id),
    // Reports: today's orders per post office, and the rollup recomputing one day of a seller.
    index('orders_placed_idx').on(t.remoteCreateTime),
    index('orders_cancel_pending_idx').on(t.id).where(sql`${t.cancelState} = 'pending'`),
    check('orders_amounts_non_negative', sql`${t.totalAmountVnd} >= 0 AND ${t.codAmountVnd} >= 0 AND ${t.shippingFeeVnd} >= 0 AND ${t.voucherAmountVnd} >= 0`),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    /** Null when the seller SKU matches none of the seller's products (the order is then on hold). */
    productId: uuid('product_id').references(() => products.id),
    sellerSku: text('seller_sku').notNull(),
    name: text('name').notNull(),
    qty: integer('qty').notNull(),
    unitPriceVnd: bigint('unit_price_vnd', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.lineNo] }), index('order_lines_product_idx').on(t.productId), check('order_lines_qty_positive', sql`${t.qty} > 0`)],
);

/**
 * The carrier's tracking entries of an order (postmart-api.md#orders, GET /orders/{sn}/tracking),
 * each stored once however often tracking is read: the entry itself is its identity.
 */
export const orderTrackingEvents = pgTable(
  'order_tracking_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    vnpostCode: text('vnpost_code').notNull(),
    description: text('description').notNull(),
    postOfficeCode: text('post_office_code'),
  },
  (t) => [uniqueIndex('order_tracking_events_entry_uq').on(t.orderId, t.at, t.vnpostCode, t.description)],
);

/** Every status change of an order, whoever caused it. */
export const orderEvents = pgTable(
  'order_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    source: text('source', { enum: ORDER_EVENT_SOURCES }).notNull(),
    actorUserId: uuid('actor_user_id').references(() => users.id),
    note: text('note'),
    /** Set when a clerk acted for the seller under an authorization (ủy quyền). */
    authorizationId: uuid('authorization_id'),
  },
  (t) => [index('order_events_order_idx').on(t.orderId, t.id)],
);

/** The poller's progress per shop: orders updated up to high_water_mark (unix seconds) have been imported. */
export const orderPollState = pgTable('order_poll_state', {
  shopId: text('shop_id').primaryKey(),
  highWaterMark: bigint('high_water_mark', { mode: 'number' }).notNull(),
  lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
});
