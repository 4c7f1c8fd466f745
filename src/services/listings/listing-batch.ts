import { createHash } from 'node:crypto';
import { and, eq, inArray, isNotNull, or, sql } from 'drizzle-orm';
import { productListings } from '../../../db/schema/listings.ts';
import { products } from '../../../db/schema/products.ts';
import { outbox } from '../../../db/schema/outbox.ts';
import { settlePriceStock } from '../outbox/listing-outbox.ts';
import { postmartStock } from '../stock/postmart-stock.ts';
import { OUTBOX_KIND } from '../outbox/outbox.ts';
import type { ListingDeps } from './listing-sync.ts';

/** postmart-api.md#products: at most 50 items per batch call. */
export const BATCH_SIZE = 50;
/** Chunks in flight at once: the shop's token bucket paces the calls; this overlaps them with our own DB work. */
const IN_FLIGHT = 8;
const ROWS_PER_PASS = 5000;

/**
 * The same items can be a new push: Postmart moves its own stock on orders and cancellations, and
 * pushing our unchanged stock again must not replay the earlier call. So the key also covers the
 * listing rows' versions as read (a retry of this very push reuses them and replays).
 */
const keyOf = (kind: string, shopId: string, items: unknown, rows: PendingRow[]) =>
  `${kind}:${shopId}:${createHash('sha256').update(JSON.stringify([items, rows.map((r) => r.rowVersion)])).digest('base64url').slice(0, 32)}`;

/** `rowVersion` is the listing row's xmin when read: the write-back keeps a mark made meanwhile (see pushChunk). */
type PendingRow = { productId: string; version: number; sku: string; price: number; stock: number; syncedPrice: number | null; syncedStock: number | null; rowVersion: string };

/** Listings of the shop whose price or stock differs from what Postmart has. */
function pending(deps: ListingDeps, sellerId: string, shopId: string, limit: number): Promise<PendingRow[]> {
  return deps.db
    .select({ productId: products.id, version: products.version, sku: products.sku, price: products.priceVnd, stock: postmartStock, syncedPrice: productListings.syncedPriceVnd, syncedStock: productListings.syncedStock, rowVersion: sql<string>`${productListings}.xmin::text` })
    .from(productListings)
    .innerJoin(products, eq(products.id, productListings.productId))
    .where(
      and(
        eq(productListings.sellerId, sellerId),
        eq(productListings.shopId, shopId),
        isNotNull(productListings.postmartProductId),
        inArray(productListings.status, ['listed', 'pending', 'unlisted', 'rejected']),
        or(sql`${productListings.syncedPriceVnd} IS DISTINCT FROM ${products.priceVnd}`, sql`${productListings.syncedStock} IS DISTINCT FROM ${postmartStock}`),
        // Products whose batch items were refused are left to their own sync until they change again.
        sql`${productListings.lastErrorCode} IS DISTINCT FROM 'BATCH_ITEM_REJECTED'`,
      ),
    )
    .orderBy(products.id)
    .limit(limit);
}

/** Pushes one chunk (≤ 50 products) and records, in one statement, what Postmart accepted. */
async function pushChunk(deps: ListingDeps, shopId: string, rows: PendingRow[]): Promise<{ calls: number; failed: number }> {
  const pm = await deps.postmart();
  const priceItems = rows.filter((r) => r.price !== r.syncedPrice).map((r) => ({ seller_sku: r.sku, price: r.price }));
  const stockItems = rows.filter((r) => r.stock !== r.syncedStock).map((r) => ({ seller_sku: r.sku, stock: r.stock }));
  const [prices, stock] = await Promise.all([
    priceItems.length ? pm.client.batchPrices(shopId, priceItems, keyOf('prices', shopId, priceItems, rows)) : null,
    stockItems.length ? pm.client.batchStock(shopId, stockItems, keyOf('stock', shopId, stockItems, rows)) : null,
  ]);
  const resultOf = (res: typeof prices, sku: string) => res?.items.find((i) => i.seller_sku === sku);
  const outcomes = rows.map((r) => {
    const p = resultOf(prices, r.sku);
    const s = resultOf(stock, r.sku);
    const bad = [p, s].find((x) => x && !x.ok);
    return {
      ...r,
      newPrice: p?.ok ? r.price : r.syncedPrice,
      newStock: s?.ok ? r.stock : r.syncedStock,
      error: bad ? `${bad.error?.code ?? 'ERROR'}: ${bad.error?.message ?? 'refused by Postmart'}` : null,
    };
  });
  const values = sql.join(
    outcomes.map((o) => sql`(${o.productId}::uuid, ${o.newPrice}::bigint, ${o.newStock}::int, ${o.error}::text, ${o.version}::int, ${o.rowVersion}::xid)`),
    sql`, `,
  );
  // What Postmart accepted becomes what we believe it has, unless the row changed since we read it:
  // an order import may have forgotten Postmart's stock meanwhile (resyncRemoteStock, after Postmart
  // moved its own stock), and overwriting that mark would leave Postmart's count standing. Then the
  // mark stays only if it already says what we sent; otherwise we no longer know what Postmart has
  // (NULL), and the next pass pushes again. Keeping an older mark instead lost a push: a listing
  // sync touched the row while we sent a consignment's departure (0), the old mark (3) stayed, the
  // arrival brought our stock back to 3, and Postmart kept 0 with nothing left to push.
  await deps.db.execute(sql`
    UPDATE ${productListings} l SET
      synced_price_vnd = CASE WHEN l.xmin = v.row_version OR l.synced_price_vnd IS NOT DISTINCT FROM v.price THEN v.price ELSE NULL END,
      synced_stock = CASE WHEN l.xmin = v.row_version OR l.synced_stock IS NOT DISTINCT FROM v.stock THEN v.stock ELSE NULL END,
      updated_at = now(),
      -- With no other change of the product waiting, Postmart now has this version of it.
      synced_version = CASE WHEN v.error IS NULL AND NOT EXISTS (
        SELECT 1 FROM ${outbox} o WHERE o.product_id = v.product_id AND o.kind = ${OUTBOX_KIND.listingFull} AND o.processed_at IS NULL
      ) THEN v.version ELSE l.synced_version END,
      last_synced_at = CASE WHEN v.error IS NULL THEN now() ELSE l.last_synced_at END,
      last_error_code = CASE WHEN v.error IS NULL THEN l.last_error_code ELSE 'BATCH_ITEM_REJECTED' END,
      last_error_message = CASE WHEN v.error IS NULL THEN l.last_error_message ELSE v.error END,
      last_error_at = CASE WHEN v.error IS NULL THEN l.last_error_at ELSE now() END
    FROM (VALUES ${values}) AS v(product_id, price, stock, error, version, row_version)
    WHERE l.product_id = v.product_id`);
  await settlePriceStock(deps.db, outcomes.filter((o) => !o.error).map((o) => ({ productId: o.productId, version: o.version })));
  return { calls: (prices ? 1 : 0) + (stock ? 1 : 0), failed: outcomes.filter((o) => o.error).length };
}

/**
 * Pushes every price and stock of the seller's listings that differs from what Postmart has,
 * through the batch endpoints, up to 50 products a call. State-based, so it is idempotent and
 * coalesces any number of edits: it sends the current values, whatever happened in between.
 * The idempotency key is derived from the items, so a retried call replays rather than repeats.
 */
export async function pushPriceAndStock(deps: ListingDeps, sellerId: string, shopId: string): Promise<{ calls: number; items: number; failed: number }> {
  const total = { calls: 0, items: 0, failed: 0 };
  for (;;) {
    const rows = await pending(deps, sellerId, shopId, ROWS_PER_PASS);
    if (rows.length === 0) return total;
    const chunks: PendingRow[][] = [];
    for (let i = 0; i < rows.length; i += BATCH_SIZE) chunks.push(rows.slice(i, i + BATCH_SIZE));
    await Promise.all(
      Array.from({ length: Math.min(IN_FLIGHT, chunks.length) }, async () => {
        for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
          const r = await pushChunk(deps, shopId, chunk);
          total.calls += r.calls;
          total.failed += r.failed;
          total.items += chunk.length;
        }
      }),
    );
    // Loop: edits that arrived while we pushed are picked up by the next pass.
  }
}
