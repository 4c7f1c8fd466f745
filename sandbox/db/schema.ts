import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * The Postmart sandbox keeps all of its state in its own PostgreSQL schema, apart from the
 * connector's tables, so it survives restarts and tests can inspect it (docs/postmart-sandbox.md).
 * Contract times (create_time, update_time, ship_by) are stored as unix seconds, exactly as they
 * cross the API (postmart-api.md#conventions); internal instants are timestamptz.
 */
export const sandbox = pgSchema('postmart_sandbox');

const at = (name: string) => timestamp(name, { withTimezone: true });
const unixSeconds = (name: string) => bigint(name, { mode: 'number' });

/** A partner app (postmart-api.md#authentication-and-signing). */
export const partners = sandbox.table('partners', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  partnerKey: text('partner_key').notNull(),
  /** The one callback URL the partner registered (postmart-api.md#webhooks). */
  webhookUrl: text('webhook_url'),
  createdAt: at('created_at').notNull().defaultNow(),
});

/** A seller shop (a cooperative or a farm) belonging to one partner app. */
export const shops = sandbox.table(
  'shops',
  {
    id: text('id').primaryKey(),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partners.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('shops_partner_idx').on(t.partnerId, t.createdAt)],
);

/** Single-use OAuth codes (10 min). Only hashes are stored. */
export const authCodes = sandbox.table('auth_codes', {
  codeHash: text('code_hash').primaryKey(),
  partnerId: text('partner_id').notNull(),
  shopId: text('shop_id').notNull(),
  expiresAt: at('expires_at').notNull(),
  usedAt: at('used_at'),
});

export const TOKEN_KINDS = ['access', 'refresh'] as const;

/** Access (4 h) and refresh (30 d, single use, rotating) tokens. Only hashes are stored. */
export const tokens = sandbox.table(
  'tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    kind: text('kind', { enum: TOKEN_KINDS }).notNull(),
    partnerId: text('partner_id').notNull(),
    shopId: text('shop_id').notNull(),
    expiresAt: at('expires_at').notNull(),
    /** Set when a refresh token has been exchanged; a second use is REFRESH_TOKEN_REUSED. */
    usedAt: at('used_at'),
    revokedAt: at('revoked_at'),
    /** shop.auth_expiring was sent for this refresh token. */
    expiringNotified: boolean('expiring_notified').notNull().default(false),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('tokens_shop_idx').on(t.shopId, t.kind), index('tokens_expiry_idx').on(t.kind, t.expiresAt)],
);

/** Nonces seen in the last 10 minutes, per partner (postmart-api.md#authentication-and-signing). */
export const nonces = sandbox.table(
  'nonces',
  {
    partnerId: text('partner_id').notNull(),
    nonce: text('nonce').notNull(),
    seenAt: at('seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.partnerId, t.nonce] }), index('nonces_seen_idx').on(t.seenAt)],
);

/** Stored first responses of POST/PATCH/DELETE calls, kept 24 h (postmart-api.md#idempotency-and-versions). */
export const idempotencyKeys = sandbox.table(
  'idempotency_keys',
  {
    /** partner_id:shop_id for signed calls, auth:shop_id for /auth calls. */
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    /** sha256 of METHOD, PATH and the raw body: a replay must match it exactly. */
    fingerprint: text('fingerprint').notNull(),
    state: text('state', { enum: ['pending', 'done'] }).notNull(),
    statusCode: integer('status_code'),
    responseBody: text('response_body'),
    createdAt: at('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);

export type Origin = { province_code: string; ward_code: string };
export type CertificationDoc = { type: string; number: string; expires_at: number };

export const products = sandbox.table(
  'products',
  {
    id: text('id').primaryKey(),
    shopId: text('shop_id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    categoryId: jsonb('category_id').$type<number | string>().notNull(),
    images: jsonb('images').$type<string[]>().notNull(),
    unit: text('unit').notNull(),
    weightGrams: integer('weight_grams').notNull(),
    origin: jsonb('origin').$type<Origin | null>(),
    certifications: jsonb('certifications').$type<CertificationDoc[]>().notNull(),
    shelfLifeDays: integer('shelf_life_days'),
    status: text('status').notNull(),
    rejectReason: text('reject_reason'),
    version: integer('version').notNull().default(1),
    createTime: unixSeconds('create_time').notNull(),
    updateTime: unixSeconds('update_time').notNull(),
    /** When the automatic review approves a PENDING_REVIEW product; decided at submission. */
    reviewDueAt: at('review_due_at'),
    /** The Idempotency-Key of the call that created it, for the duplicate-creation stats. */
    createdIdempotencyKey: text('created_idempotency_key'),
  },
  (t) => [
    index('products_shop_update_idx').on(t.shopId, t.updateTime, t.id),
    index('products_review_idx').on(t.status, t.reviewDueAt),
  ],
);

/** A product's variants. seller_sku is unique per shop among products that are not DELETED. */
export const skus = sandbox.table(
  'skus',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    shopId: text('shop_id').notNull(),
    sellerSku: text('seller_sku').notNull(),
    variantName: text('variant_name').notNull(),
    price: bigint('price', { mode: 'number' }).notNull(),
    /** Postmart's own stock: set absolutely by the seller, decremented by orders. */
    stock: integer('stock').notNull(),
    position: integer('position').notNull(),
    deleted: boolean('deleted').notNull().default(false),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('skus_shop_seller_sku_uq').on(t.shopId, t.sellerSku).where(sql`NOT ${t.deleted}`),
    index('skus_product_idx').on(t.productId, t.position),
    check('skus_price_positive', sql`${t.price} > 0`),
    check('skus_stock_non_negative', sql`${t.stock} >= 0`),
  ],
);

export type OrderItem = { seller_sku: string; product_id: string; name: string; qty: number; unit_price: number };
export type Recipient = {
  name: string;
  phone: string;
  address_line: string;
  ward_code: string;
  ward_name: string;
  province_code: string;
  province_name: string;
};
export type Fulfillment = { mode: 'PICKUP_AT_POST_OFFICE' | 'HOME_DELIVERY'; post_office_code?: string };
export type TrackingEvent = { time: number; vnpost_code: string; description: string; post_office_code: string | null };

export const orders = sandbox.table(
  'orders',
  {
    orderSn: text('order_sn').primaryKey(),
    shopId: text('shop_id').notNull(),
    status: text('status').notNull(),
    /** The status an IN_CANCEL order returns to when the seller rejects the buyer's request. */
    statusBeforeCancel: text('status_before_cancel'),
    createTime: unixSeconds('create_time').notNull(),
    updateTime: unixSeconds('update_time').notNull(),
    /** GET /orders lists a change only from this instant (postmart-api.md#orders: up to 60 s late). */
    visibleAt: at('visible_at').notNull(),
    paymentMethod: text('payment_method').notNull(),
    codAmount: bigint('cod_amount', { mode: 'number' }).notNull(),
    items: jsonb('items').$type<OrderItem[]>().notNull(),
    shippingFee: bigint('shipping_fee', { mode: 'number' }).notNull(),
    voucherAmount: bigint('voucher_amount', { mode: 'number' }).notNull(),
    totalAmount: bigint('total_amount', { mode: 'number' }).notNull(),
    recipient: jsonb('recipient').$type<Recipient>().notNull(),
    fulfillment: jsonb('fulfillment').$type<Fulfillment>().notNull(),
    note: text('note').notNull(),
    shipBy: unixSeconds('ship_by').notNull(),
    packageNumber: text('package_number'),
    trackingNumber: text('tracking_number'),
    /** Where the seller said they would drop the parcel (POST /orders/{sn}/ship). */
    dropoffPostOfficeCode: text('dropoff_post_office_code'),
    trackingEvents: jsonb('tracking_events').$type<TrackingEvent[]>().notNull(),
    cancelReason: text('cancel_reason'),
  },
  (t) => [
    index('orders_shop_update_idx').on(t.shopId, t.updateTime, t.orderSn),
    index('orders_shop_create_idx').on(t.shopId, t.createTime),
  ],
);

export const POST_OFFICE_KINDS = ['BUU_CUC', 'BUU_DIEN_VAN_HOA_XA', 'DIEM_GIAO_DICH'] as const;

/** Fulfillment locations (postmart-api.md#post-offices-fulfillment-locations); demo data seeded at start. */
export const postOffices = sandbox.table(
  'post_offices',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind', { enum: POST_OFFICE_KINDS }).notNull(),
    address: text('address').notNull(),
    wardCode: text('ward_code').notNull(),
    provinceCode: text('province_code').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    openingHours: text('opening_hours').notNull(),
    acceptsDropoff: boolean('accepts_dropoff').notNull(),
    buyerPickup: boolean('buyer_pickup').notNull(),
  },
  (t) => [index('post_offices_area_idx').on(t.provinceCode, t.wardCode)],
);

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'dropped', 'suppressed', 'no_endpoint'] as const;

/**
 * The webhook outbox: one row per delivery (a duplicated event has two rows with one event_id).
 * Fault options, the retry schedule factor and the answer timeout are decided when the event is
 * created and stored here, so whichever sandbox process dispatches it treats it the same way.
 */
export const webhookDeliveries = sandbox.table(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: text('event_id').notNull(),
    partnerId: text('partner_id').notNull(),
    shopId: text('shop_id').notNull(),
    type: text('type').notNull(),
    /** The exact body that is signed and sent, so retries and duplicates are byte-identical. */
    body: text('body').notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull(),
    duplicate: boolean('duplicate').notNull().default(false),
    attempts: integer('attempts').notNull().default(0),
    retryFactor: doublePrecision('retry_factor').notNull(),
    /** How long the receiver has to answer 2xx (postmart-api.md#webhooks: 3 s). */
    timeoutMs: integer('timeout_ms').notNull(),
    nextAttemptAt: at('next_attempt_at').notNull(),
    lockedUntil: at('locked_until'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: at('created_at').notNull().defaultNow(),
    deliveredAt: at('delivered_at'),
  },
  (t) => [
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_shop_idx').on(t.shopId, t.id),
    index('webhook_deliveries_event_idx').on(t.eventId),
  ],
);

/** Call counters for GET /sandbox/stats, flushed from memory every second. '' stands for "none". */
export const counters = sandbox.table(
  'counters',
  {
    kind: text('kind').notNull(),
    endpoint: text('endpoint').notNull(),
    status: integer('status').notNull(),
    partnerId: text('partner_id').notNull(),
    shopId: text('shop_id').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.endpoint, t.status, t.partnerId, t.shopId] })],
);
