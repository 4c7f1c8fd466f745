import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, date, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { communes } from './communes.ts';
import { orders } from './orders.ts';
import { pickupPoints } from './pickup-points.ts';
import { products } from './products.ts';
import { sellers } from './sellers.ts';
import { users } from './users.ts';

/**
 * Post offices as outlets (issue 14): consigned stock on their shelves, counter sales, monthly
 * settlement with the sellers, and pickups at the farm. The farm's stock stays products.stock;
 * a post office's stock of a product is a location_stock row, and both move only through the
 * ledger (src/services/stock/ledger.ts), whose stock_movements rows carry their location.
 */

/** What a post office does as an outlet, beside being a pickup point; one row per office that does any of it. */
export const outlets = pgTable(
  'outlets',
  {
    pickupPointId: uuid('pickup_point_id')
      .primaryKey()
      .references(() => pickupPoints.id),
    /** The office's account that bank-transfer counter sales are paid into (the VietQR beneficiary). */
    bankBin: text('bank_bin'),
    bankAccount: text('bank_account'),
    bankAccountName: text('bank_account_name'),
    acceptsFarmPickup: boolean('accepts_farm_pickup').notNull().default(false),
    farmPickupRadiusKm: doublePrecision('farm_pickup_radius_km').notNull().default(15),
    /** Farm pickups one window of one day can take (one van, one round). */
    farmPickupCapacity: integer('farm_pickup_capacity').notNull().default(4),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('outlets_radius', sql`${t.farmPickupRadiusKm} > 0 AND ${t.farmPickupRadiusKm} <= 100`),
    check('outlets_capacity', sql`${t.farmPickupCapacity} >= 0`),
    check('outlets_bank', sql`(${t.bankBin} IS NULL) = (${t.bankAccount} IS NULL) AND (${t.bankBin} IS NULL OR ${t.bankBin} ~ '^[0-9]{6}$')`),
  ],
);

/** A product's stock held at a post office on consignment. The check is the database's own no-oversell guarantee. */
export const locationStock = pgTable(
  'location_stock',
  {
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    pickupPointId: uuid('pickup_point_id')
      .notNull()
      .references(() => pickupPoints.id),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => sellers.id),
    stock: integer('stock').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.productId, t.pickupPointId] }),
    index('location_stock_point_idx').on(t.pickupPointId),
    check('location_stock_non_negative', sql`${t.stock} >= 0`),
  ],
);

/** sent: on its way, the farm's stock already down; received: counted in by the clerk. */
export const CONSIGNMENT_STATES = ['sent', 'received'] as const;

/** Goods a seller sends to a post office to sell at its counter. */
export const consignments = pgTable(
  'consignments',
  {
    id: uuid('id').primaryKey(),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => sellers.id),
    pickupPointId: uuid('pickup_point_id')
      .notNull()
      .references(() => pickupPoints.id),
    state: text('state', { enum: CONSIGNMENT_STATES }).notNull().default('sent'),
    note: text('note').notNull().default(''),
    sentBy: uuid('sent_by').references(() => users.id),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
    receivedBy: uuid('received_by').references(() => users.id),
    receivedAt: timestamp('received_at', { withTimezone: true }),
  },
  (t) => [index('consignments_point_idx').on(t.pickupPointId, t.state), index('consignments_seller_idx').on(t.sellerId)],
);

/**
 * One product of a consignment, which is also a lot on the office's shelf: `remaining` is what is
 * left of it, so the clerk's list can put the lots nearest their best-before first, and sales take
 * from those first. sum(remaining) over an office's received lots of a product = its location_stock.
 */
export const consignmentLines = pgTable(
  'consignment_lines',
  {
    id: uuid('id').primaryKey(),
    consignmentId: uuid('consignment_id')
      .notNull()
      .references(() => consignments.id),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    qtySent: integer('qty_sent').notNull(),
    /** The clerk's count; the difference from qtySent is recorded, not hidden. */
    qtyReceived: integer('qty_received'),
    lot: text('lot'),
    harvestDate: date('harvest_date', { mode: 'string' }),
    shelfLifeDays: integer('shelf_life_days'),
    /** harvestDate (or the day sent) + shelfLifeDays; null for goods that keep. */
    bestBefore: date('best_before', { mode: 'string' }),
    remaining: integer('remaining').notNull().default(0),
  },
  (t) => [
    index('consignment_lines_consignment_idx').on(t.consignmentId),
    index('consignment_lines_product_idx').on(t.productId),
    check('consignment_lines_sent', sql`${t.qtySent} > 0`),
    check('consignment_lines_received', sql`${t.qtyReceived} IS NULL OR ${t.qtyReceived} >= 0`),
    check('consignment_lines_remaining', sql`${t.remaining} >= 0 AND ${t.remaining} <= coalesce(${t.qtyReceived}, 0)`),
    check('consignment_lines_shelf_life', sql`${t.shelfLifeDays} IS NULL OR ${t.shelfLifeDays} > 0`),
  ],
);

export const RETURN_REASONS = ['unsold', 'expiring', 'damaged'] as const;

/** Goods a clerk sends back to the seller from the shelf. */
export const consignmentReturns = pgTable(
  'consignment_returns',
  {
    id: uuid('id').primaryKey(),
    lineId: uuid('line_id')
      .notNull()
      .references(() => consignmentLines.id),
    pickupPointId: uuid('pickup_point_id')
      .notNull()
      .references(() => pickupPoints.id),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    qty: integer('qty').notNull(),
    reason: text('reason', { enum: RETURN_REASONS }).notNull(),
    note: text('note').notNull().default(''),
    /** Unsold goods go back into the farm's stock; expiring or damaged ones are not sold again. */
    restocked: boolean('restocked').notNull(),
    clerkUserId: uuid('clerk_user_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('consignment_returns_point_idx').on(t.pickupPointId), check('consignment_returns_qty', sql`${t.qty} > 0`)],
);

export const PAYMENT_METHODS = ['cash', 'bank_transfer'] as const;
export const COUNTER_SALE_STATES = ['completed', 'voided'] as const;

/** A walk-in buyer's basket sold at a post office counter. */
export const counterSales = pgTable(
  'counter_sales',
  {
    id: uuid('id').primaryKey(),
    /** Printed on the receipt and used as the transfer's description. */
    receiptNo: bigserial('receipt_no', { mode: 'number' }).notNull().unique(),
    pickupPointId: uuid('pickup_point_id')
      .notNull()
      .references(() => pickupPoints.id),
    clerkUserId: uuid('clerk_user_id')
      .notNull()
      .references(() => users.id),
    soldAt: timestamp('sold_at', { withTimezone: true }).notNull().defaultNow(),
    /** The Vietnam calendar day of the sale: voids are allowed on that day only. */
    vnDay: date('vn_day', { mode: 'string' }).notNull(),
    payment: text('payment', { enum: PAYMENT_METHODS }).notNull(),
    totalVnd: bigint('total_vnd', { mode: 'number' }).notNull(),
    cashReceivedVnd: bigint('cash_received_vnd', { mode: 'number' }),
    vietqrPayload: text('vietqr_payload'),
    state: text('state', { enum: COUNTER_SALE_STATES }).notNull().default('completed'),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    voidReason: text('void_reason'),
    /**
     * The client's Idempotency-Key for this sale (the counter page sends one per basket): a POST
     * repeated on a weak signal finds the sale it already made instead of selling twice.
     */
    clientKey: text('client_key'),
  },
  (t) => [
    index('counter_sales_point_day_idx').on(t.pickupPointId, t.vnDay),
    uniqueIndex('counter_sales_client_key_idx').on(t.clerkUserId, t.clientKey).where(sql`${t.clientKey} IS NOT NULL`),
    check('counter_sales_total', sql`${t.totalVnd} > 0`),
    check('counter_sales_cash', sql`${t.cashReceivedVnd} IS NULL OR ${t.cashReceivedVnd} >= ${t.totalVnd}`),
    check('counter_sales_void', sql`(${t.state} = 'voided') = (${t.voidedAt} IS NOT NULL AND ${t.voidReason} IS NOT NULL)`),
  ],
);

export type LotTake = { lineId: string; qty: number };

/**
 * One product of a basket, with the commission rate in force when it was sold: a later rate never
 * reaches back to it. `lots` says which shelf lots it came from, so a void puts them back.
 */
export const counterSaleLines = pgTable(
  'counter_sale_lines',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    saleId: uuid('sale_id')
      .notNull()
      .references(() => counterSales.id),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => sellers.id),
    qty: integer('qty').notNull(),
    unitPriceVnd: bigint('unit_price_vnd', { mode: 'number' }).notNull(),
    amountVnd: bigint('amount_vnd', { mode: 'number' }).notNull(),
    /** Basis points (1/100 of a percent): 1000 = 10 %. */
    commissionBp: integer('commission_bp').notNull(),
    commissionVnd: bigint('commission_vnd', { mode: 'number' }).notNull(),
    lots: jsonb('lots').$type<LotTake[]>().notNull(),
  },
  (t) => [
    index('counter_sale_lines_sale_idx').on(t.saleId),
    index('counter_sale_lines_seller_idx').on(t.sellerId),
    check('counter_sale_lines_qty', sql`${t.qty} > 0`),
    check('counter_sale_lines_amount', sql`${t.amountVnd} = ${t.qty} * ${t.unitPriceVnd}`),
    check('counter_sale_lines_commission', sql`${t.commissionBp} BETWEEN 0 AND 10000 AND ${t.commissionVnd} BETWEEN 0 AND ${t.amountVnd}`),
  ],
);

/** The commission a seller agreed with the post offices, with its history; a rate starts now or later, never earlier. */
export const commissionRates = pgTable(
  'commission_rates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => sellers.id),
    rateBp: integer('rate_bp').notNull(),
    effectiveFrom: timestamp('effective_from', { withTimezone: true }).notNull(),
    note: text('note').notNull().default(''),
    setBy: uuid('set_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('commission_rates_seller_from_uq').on(t.sellerId, t.effectiveFrom),
    check('commission_rates_rate', sql`${t.rateBp} BETWEEN 0 AND 10000`),
    // Never retroactive: a rate cannot start before it was agreed (a minute's grace for clock skew).
    check('commission_rates_forward', sql`${t.effectiveFrom} >= ${t.createdAt} - interval '1 minute'`),
  ],
);

export const STATEMENT_STATES = ['draft', 'accepted'] as const;
export type StatementLine = { productId: string; sku: string; name: string; units: number; salesVnd: number; commissionBp: number; commissionVnd: number };

/** A month's consignment sales of one seller at one post office; immutable once accepted (a trigger enforces it). */
export const settlementStatements = pgTable(
  'settlement_statements',
  {
    id: uuid('id').primaryKey(),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => sellers.id),
    pickupPointId: uuid('pickup_point_id')
      .notNull()
      .references(() => pickupPoints.id),
    /** YYYY-MM, Vietnam calendar month. */
    month: text('month').notNull(),
    units: integer('units').notNull(),
    salesVnd: bigint('sales_vnd', { mode: 'number' }).notNull(),
    commissionVnd: bigint('commission_vnd', { mode: 'number' }).notNull(),
    owedVnd: bigint('owed_vnd', { mode: 'number' }).notNull(),
    lines: jsonb('lines').$type<StatementLine[]>().notNull(),
    state: text('state', { enum: STATEMENT_STATES }).notNull().default('draft'),
    generatedAt: timestamp('generated_at', { withTimezone: true }).notNull().defaultNow(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: uuid('accepted_by').references(() => users.id),
  },
  (t) => [
    uniqueIndex('settlement_statements_uq').on(t.sellerId, t.pickupPointId, t.month),
    check('settlement_statements_month', sql`${t.month} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`),
    check('settlement_statements_owed', sql`${t.owedVnd} = ${t.salesVnd} - ${t.commissionVnd}`),
  ],
);

/** Local pickup windows; a request names one. */
export const PICKUP_WINDOWS = ['07:00-09:00', '09:00-11:00', '13:30-15:30', '15:30-17:30'] as const;
export const FARM_PICKUP_STATES = ['booked', 'collected', 'cancelled'] as const;

/** A seller's request that a post office collect parcels at the farm. */
export const farmPickups = pgTable(
  'farm_pickups',
  {
    id: uuid('id').primaryKey(),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => sellers.id),
    pickupPointId: uuid('pickup_point_id')
      .notNull()
      .references(() => pickupPoints.id),
    day: date('day', { mode: 'string' }).notNull(),
    window: text('window', { enum: PICKUP_WINDOWS }).notNull(),
    parcels: integer('parcels').notNull(),
    wardCode: text('ward_code')
      .notNull()
      .references(() => communes.code),
    address: text('address').notNull(),
    /** The farm's position: the seller's pin, or the commune's centroid when none was given. */
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    positionGiven: boolean('position_given').notNull(),
    contactPhone: text('contact_phone').notNull(),
    distanceKm: doublePrecision('distance_km').notNull(),
    state: text('state', { enum: FARM_PICKUP_STATES }).notNull().default('booked'),
    requestedBy: uuid('requested_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('farm_pickups_point_day_idx').on(t.pickupPointId, t.day),
    index('farm_pickups_seller_idx').on(t.sellerId),
    check('farm_pickups_parcels', sql`${t.parcels} > 0`),
  ],
);

/** Pickups booked per office, day and window; the conditional increment against capacity makes booking atomic. */
export const farmPickupWindows = pgTable(
  'farm_pickup_windows',
  {
    pickupPointId: uuid('pickup_point_id')
      .notNull()
      .references(() => pickupPoints.id),
    day: date('day', { mode: 'string' }).notNull(),
    window: text('window', { enum: PICKUP_WINDOWS }).notNull(),
    booked: integer('booked').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.pickupPointId, t.day, t.window] }), check('farm_pickup_windows_booked', sql`${t.booked} >= 0`)],
);

/** A pickup's history: booked, rescheduled (by whom, why), collected, cancelled. */
export const farmPickupEvents = pgTable(
  'farm_pickup_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    pickupId: uuid('pickup_id')
      .notNull()
      .references(() => farmPickups.id),
    kind: text('kind', { enum: ['booked', 'rescheduled', 'collected', 'cancelled'] }).notNull(),
    fromDay: date('from_day', { mode: 'string' }),
    fromWindow: text('from_window'),
    toDay: date('to_day', { mode: 'string' }),
    toWindow: text('to_window'),
    reason: text('reason').notNull().default(''),
    actorUserId: uuid('actor_user_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('farm_pickup_events_pickup_idx').on(t.pickupId, t.id)],
);

/**
 * The orders whose parcels a farm pickup collects: each has its shipment at the picking-up office
 * (the ship call to Postmart names that office), which takes none of the office's drop-off slots.
 */
export const farmPickupOrders = pgTable(
  'farm_pickup_orders',
  {
    orderId: uuid('order_id')
      .primaryKey()
      .references(() => orders.id, { onDelete: 'cascade' }),
    pickupId: uuid('pickup_id')
      .notNull()
      .references(() => farmPickups.id),
  },
  (t) => [index('farm_pickup_orders_pickup_idx').on(t.pickupId)],
);
