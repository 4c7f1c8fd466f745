import { eq } from 'drizzle-orm';
import type pg from 'pg';
import type { Logger } from 'pino';
import { productListings } from '../../../db/schema/listings.ts';
import { postmartShops } from '../../../db/schema/postmart.ts';
import { products } from '../../../db/schema/products.ts';
import type { Db } from '../../db.ts';
import { vnToday } from '../../lib/time.ts';
import { PostmartError } from '../../postmart/client/errors.ts';
import type { Postmart } from '../../postmart/index.ts';
import { productAsListed } from '../stock/postmart-stock.ts';
import { applySyncPlan, saveListing } from './listing-apply.ts';
import { planSync, type SyncOutcome } from './listing-plan.ts';

export type ListingDeps = {
  db: Db;
  pool: pg.Pool;
  postmart: () => Promise<Postmart>;
  /** Asks for a batch price/stock push for the shop (coalesced by the queue). */
  requestBatch: (sellerId: string, shopId: string, full?: boolean, windowMs?: number) => Promise<void>;
  log: Logger;
  now?: () => Date;
};

export type { SyncOutcome } from './listing-plan.ts';

/**
 * One product's listing at a time, across every worker process: a session advisory lock, released
 * by PostgreSQL itself if the process dies.
 */
export async function withProductLock<T>(pool: pg.Pool, productId: string, fn: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const key = `listing:${productId}`;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
    }
  } finally {
    client.release();
  }
}

/** Records a failure on the listing; the caller decides whether the job retries. */
export async function recordListingError(db: Db, productId: string, sellerId: string, err: unknown, attempts: number, terminal: boolean): Promise<void> {
  const code = err instanceof PostmartError ? err.code : 'INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  await saveListing(db, productId, sellerId, {
    lastErrorCode: code,
    lastErrorMessage: message.slice(0, 1000),
    lastErrorAt: new Date(),
    attempts,
    ...(terminal ? { status: 'error' as const } : {}),
  });
}

/**
 * Brings one product's Postmart listing in line with the catalog: created, patched (only the fields
 * that changed since the last accepted payload), unlisted or relisted by the sellable rules, with
 * price and stock handed to the batch push. Idempotent: run twice, the second run changes nothing;
 * every write carries an Idempotency-Key derived from the product, its version and the operation.
 * What to do is decided by planSync (pure); this loads the rows and applies the plan.
 */
export async function syncProduct(deps: ListingDeps, productId: string, opts: { force?: boolean } = {}): Promise<SyncOutcome> {
  return withProductLock(deps.pool, productId, async () => {
    const { db } = deps;
    // As Postmart should have it: `stock` is the farm's, plus consigned stock if the seller chose so (stock/postmart-stock.ts).
    const [product] = await db.select(productAsListed).from(products).where(eq(products.id, productId));
    if (!product) return 'noop';
    const [listing] = await db.select().from(productListings).where(eq(productListings.productId, productId));
    const [shop] = await db.select().from(postmartShops).where(eq(postmartShops.sellerId, product.sellerId));
    const plan = planSync(product, listing, shop, vnToday(deps.now?.() ?? new Date()), opts);
    return applySyncPlan(deps, product, listing, plan);
  });
}
