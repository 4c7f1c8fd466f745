import { and, eq, isNull, lte, sql } from 'drizzle-orm';
import { OUTBOX_KIND, outbox, PRICE_STOCK_KINDS } from '../../../db/schema/outbox.ts';
import { products } from '../../../db/schema/products.ts';
import type { DbOrTx } from '../../db.ts';
import { notifyOutbox } from './outbox.ts';

/** What a listing note asks for (db/schema/outbox.ts describes each kind). */
export type ListingChangeKind = typeof OUTBOX_KIND.listingFull | typeof OUTBOX_KIND.listingPriceStock | typeof OUTBOX_KIND.listingOrderStock;

/**
 * Notes, in the caller's transaction, that Postmart must follow this product's change. Written
 * with the change itself (transactional outbox), so nothing is lost between commit and enqueue.
 */
export async function recordListingChange(tx: DbOrTx, productId: string, productVersion: number, reason: string, kind: ListingChangeKind = OUTBOX_KIND.listingFull): Promise<void> {
  await tx.insert(outbox).values({ productId, productVersion, reason, kind });
  await notifyOutbox(tx);
}

/** Every product of a seller must be re-examined (its shop connected or disconnected). */
export async function recordSellerListingChange(tx: DbOrTx, sellerId: string, reason: string): Promise<void> {
  await tx.execute(sql`
    INSERT INTO ${outbox} (kind, product_id, product_version, reason)
    SELECT ${OUTBOX_KIND.listingFull}, id, version, ${reason} FROM ${products} WHERE seller_id = ${sellerId}`);
  await notifyOutbox(tx);
}

/** A sync of `version` settles every listing note about that version or an earlier one. */
export async function settleOutbox(db: DbOrTx, productId: string, version: number): Promise<void> {
  await db
    .update(outbox)
    .set({ processedAt: new Date() })
    .where(and(eq(outbox.productId, productId), lte(outbox.productVersion, version), isNull(outbox.processedAt)));
}

/** The batch push settles the price/stock notes of the products it pushed, up to the versions it pushed. */
export async function settlePriceStock(db: DbOrTx, pushed: { productId: string; version: number }[]): Promise<void> {
  if (pushed.length === 0) return;
  const values = sql.join(pushed.map((p) => sql`(${p.productId}::uuid, ${p.version}::int)`), sql`, `);
  await db.execute(sql`
    UPDATE ${outbox} o SET processed_at = now()
    FROM (VALUES ${values}) AS v(product_id, version)
    WHERE o.product_id = v.product_id AND o.product_version <= v.version AND o.kind IN (${sql.join(PRICE_STOCK_KINDS.map((k) => sql`${k}`), sql`, `)}) AND o.processed_at IS NULL`);
}

/**
 * The daily pass of the time-based sellable rules: every product whose sellability depends on the
 * date (a harvest window, a certificate) is re-examined; the sync finds most unchanged and does nothing.
 */
export async function recordTimeDependentChanges(db: DbOrTx): Promise<number> {
  const res = await db.execute(sql`
    INSERT INTO ${outbox} (kind, product_id, product_version, reason)
    SELECT ${OUTBOX_KIND.listingFull}, id, version, 'daily-rules' FROM ${products}
    WHERE harvest_to IS NOT NULL OR jsonb_array_length(certifications) > 0`);
  await notifyOutbox(db);
  return res.rowCount ?? 0;
}
