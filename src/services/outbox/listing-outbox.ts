import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { listingOutbox } from '../../../db/schema/listings.ts';
import { products } from '../../../db/schema/products.ts';
import type { DbOrTx } from '../../db.ts';

/**
 * Notes, in the caller's transaction, that Postmart must follow this product's change. Written
 * with the change itself (transactional outbox), so nothing is lost between commit and enqueue.
 */
export async function recordListingChange(tx: DbOrTx, productId: string, productVersion: number, reason: string, kind: 'full' | 'price_stock' = 'full'): Promise<void> {
  await tx.insert(listingOutbox).values({ productId, productVersion, reason, kind });
  // Wakes the relay at once instead of at its next poll; delivered only if the transaction commits.
  await tx.execute(sql`SELECT pg_notify('listing_outbox', '')`);
}

/** Every product of a seller must be re-examined (its shop connected or disconnected). */
export async function recordSellerListingChange(tx: DbOrTx, sellerId: string, reason: string): Promise<void> {
  await tx.execute(sql`
    INSERT INTO ${listingOutbox} (product_id, product_version, reason)
    SELECT id, version, ${reason} FROM ${products} WHERE seller_id = ${sellerId}`);
  await tx.execute(sql`SELECT pg_notify('listing_outbox', '')`);
}

/** A sync of `version` settles every note about that version or an earlier one. */
export async function settleOutbox(db: DbOrTx, productId: string, version: number): Promise<void> {
  await db
    .update(listingOutbox)
    .set({ processedAt: new Date() })
    .where(and(eq(listingOutbox.productId, productId), lte(listingOutbox.productVersion, version), isNull(listingOutbox.processedAt)));
}

/**
 * Rows not yet handed to BullMQ, oldest first, with what the relay needs to route them: a
 * price/stock change of a product already on Postmart goes to its shop's batch push.
 */
export async function takeUnenqueued(db: DbOrTx, limit: number) {
  const res = await db.execute<{ id: number; productId: string; kind: 'full' | 'price_stock'; reason: string; sellerId: string | null; shopId: string | null }>(sql`
    SELECT o.id::int AS "id", o.product_id AS "productId", o.kind, o.reason,
           l.seller_id AS "sellerId", CASE WHEN l.postmart_product_id IS NOT NULL THEN l.shop_id END AS "shopId"
    FROM ${listingOutbox} o LEFT JOIN product_listings l ON l.product_id = o.product_id
    WHERE o.processed_at IS NULL AND o.enqueued_at IS NULL
    ORDER BY o.id LIMIT ${limit}`);
  return res.rows;
}

/** The batch push settles the price/stock notes of the products it pushed, up to the versions it pushed. */
export async function settlePriceStock(db: DbOrTx, pushed: { productId: string; version: number }[]): Promise<void> {
  if (pushed.length === 0) return;
  const values = sql.join(pushed.map((p) => sql`(${p.productId}::uuid, ${p.version}::int)`), sql`, `);
  await db.execute(sql`
    UPDATE ${listingOutbox} o SET processed_at = now()
    FROM (VALUES ${values}) AS v(product_id, version)
    WHERE o.product_id = v.product_id AND o.product_version <= v.version AND o.kind = 'price_stock' AND o.processed_at IS NULL`);
}

/** Rows handed to BullMQ longer than `olderThanMs` ago and still not settled: the job was lost or deduplicated away. */
export async function takeStale(db: DbOrTx, olderThanMs: number, limit: number) {
  return db
    .select({ id: listingOutbox.id, productId: listingOutbox.productId, enqueueCount: listingOutbox.enqueueCount })
    .from(listingOutbox)
    .where(and(isNull(listingOutbox.processedAt), sql`${listingOutbox.enqueuedAt} < now() - make_interval(secs => ${olderThanMs / 1000})`))
    .orderBy(listingOutbox.id)
    .limit(limit);
}

export async function markEnqueued(db: DbOrTx, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(listingOutbox)
    .set({ enqueuedAt: new Date(), enqueueCount: sql`${listingOutbox.enqueueCount} + 1` })
    .where(inArray(listingOutbox.id, ids));
}

/**
 * The daily pass of the time-based sellable rules: every product whose sellability depends on the
 * date (a harvest window, a certificate) is re-examined; the sync finds most unchanged and does nothing.
 */
export async function recordTimeDependentChanges(db: DbOrTx): Promise<number> {
  const res = await db.execute(sql`
    INSERT INTO ${listingOutbox} (product_id, product_version, reason)
    SELECT id, version, 'daily-rules' FROM ${products}
    WHERE harvest_to IS NOT NULL OR jsonb_array_length(certifications) > 0`);
  await db.execute(sql`SELECT pg_notify('listing_outbox', '')`);
  return res.rowCount ?? 0;
}
