import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { products } from './products.ts';

/**
 * What the outbox carries, one kind per road out of it (jobs/outbox-relay.ts routes by kind):
 * - `listing.full`: Postmart must follow a product's change; a listing-sync job per product.
 * - `listing.price_stock`: only its price or stock changed; the shop's batch push (≤ 50 products a call).
 * - `listing.order_stock`: stock moved by an order; the same batch push, on a longer window
 *   (src/queues/enqueue.ts ORDER_STOCK_WINDOW_MS), since Postmart already moved its own stock.
 * - `order.action`: a seller's confirm / cancel / buyer-cancellation answer / ship; payload is the OrderActionJob.
 * - `maintenance.reconcile`: an admin's reconcile request; payload `{ sellerId? }`.
 */
export const OUTBOX_KINDS = ['listing.full', 'listing.price_stock', 'listing.order_stock', 'order.action', 'maintenance.reconcile'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];
export const OUTBOX_KIND = {
  listingFull: 'listing.full',
  listingPriceStock: 'listing.price_stock',
  listingOrderStock: 'listing.order_stock',
  orderAction: 'order.action',
  reconcile: 'maintenance.reconcile',
} as const satisfies Record<string, OutboxKind>;
/** The kinds that are about one product's listing (product_id and product_version set). */
export const LISTING_KINDS = ['listing.full', 'listing.price_stock', 'listing.order_stock'] as const satisfies readonly OutboxKind[];
/** The price/stock kinds the shop's batch push settles. */
export const PRICE_STOCK_KINDS = ['listing.price_stock', 'listing.order_stock'] as const satisfies readonly OutboxKind[];

/** The NOTIFY channel the writing transaction wakes the relay on (delivered only if it commits). */
export const OUTBOX_CHANNEL = 'outbox';

/**
 * Transactional outbox: a change and the note of the work that must follow it (a Postmart listing
 * sync, an order action, a reconcile) are written in one transaction, so a crash or a Redis outage
 * between commit and enqueue loses nothing. The relay moves rows into BullMQ (the row id is the job
 * id); the job settles its row (processed_at) when done or given up; the sweeper re-drives the rest.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind', { enum: OUTBOX_KINDS }).notNull(),
    /** Listing kinds: the product, and the version the change produced (a sync of it or later settles the row). */
    productId: uuid('product_id').references(() => products.id),
    productVersion: integer('product_version'),
    /** Other kinds: the job's data. */
    payload: jsonb('payload'),
    reason: text('reason').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    enqueuedAt: timestamp('enqueued_at', { withTimezone: true }),
    enqueueCount: integer('enqueue_count').notNull().default(0),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    index('outbox_pending_idx').on(t.id).where(sql`${t.processedAt} IS NULL`),
    index('outbox_product_idx').on(t.productId, t.productVersion),
    check('outbox_listing_has_product', sql`${t.kind} NOT LIKE 'listing.%' OR (${t.productId} IS NOT NULL AND ${t.productVersion} IS NOT NULL)`),
  ],
);
