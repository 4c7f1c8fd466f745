import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { products } from './products.ts';
import { sellers } from './sellers.ts';

export const LISTING_STATUSES = ['not_listed', 'pending', 'listed', 'rejected', 'unlisted', 'error'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

/** Where each product's Postmart listing stands, and what was last pushed (to send only changed fields). */
export const productListings = pgTable(
  'product_listings',
  {
    productId: uuid('product_id')
      .primaryKey()
      .references(() => products.id),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => sellers.id),
    status: text('status', { enum: LISTING_STATUSES }).notNull().default('not_listed'),
    shopId: text('shop_id'),
    postmartProductId: text('postmart_product_id'),
    /** Postmart's own version of the listing, for If-Match. */
    remoteVersion: integer('remote_version'),
    /** Our product version whose state Postmart now has. */
    syncedVersion: integer('synced_version'),
    /** The contract-form payload last accepted by Postmart (its price and stock: see the two columns below). */
    syncedPayload: jsonb('synced_payload'),
    /** Price and stock Postmart has, pushed by the batch endpoints independently of the rest. */
    syncedPriceVnd: bigint('synced_price_vnd', { mode: 'number' }),
    syncedStock: integer('synced_stock'),
    lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }),
    lastErrorCode: text('last_error_code'),
    lastErrorMessage: text('last_error_message'),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
    rejectReason: text('reject_reason'),
    attempts: integer('attempts').notNull().default(0),
    /** Bumped when the listing is deleted on Postmart, so a later listing is a new creation (its own idempotency key). */
    generation: integer('generation').notNull().default(0),
    /** The seller asked to remove the listing from Postmart (DELETE /v1/products/:id/listing). */
    deleteRequested: boolean('delete_requested').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('product_listings_status_idx').on(t.status), index('product_listings_shop_idx').on(t.shopId)],
);

/** One run of reconcile for one shop. */
export const reconcileReports = pgTable('reconcile_reports', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  sellerId: uuid('seller_id')
    .notNull()
    .references(() => sellers.id),
  shopId: text('shop_id').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  checked: integer('checked').notNull().default(0),
  inSync: integer('in_sync').notNull().default(0),
  repaired: integer('repaired').notNull().default(0),
  adopted: integer('adopted').notNull().default(0),
  orphaned: integer('orphaned').notNull().default(0),
  details: jsonb('details').$type<{ productId?: string; postmartProductId?: string; sku?: string; action: string }[]>().notNull().default([]),
});
