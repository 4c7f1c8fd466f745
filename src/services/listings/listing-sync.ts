import { isDeepStrictEqual } from 'node:util';
import { eq } from 'drizzle-orm';
import type pg from 'pg';
import type { Logger } from 'pino';
import { productListings, type ListingStatus } from '../../../db/schema/listings.ts';
import { postmartShops } from '../../../db/schema/postmart.ts';
import { products } from '../../../db/schema/products.ts';
import type { Db } from '../../db.ts';
import { vnToday } from '../../lib/time.ts';
import type { ProductPayload } from '../../postmart/client/contract.ts';
import { PostmartError } from '../../postmart/client/errors.ts';
import type { Postmart } from '../../postmart/index.ts';
import { settleOutbox } from '../outbox/listing-outbox.ts';
import { diffPayload, notSellableReasons, toPostmartPayload } from './listing-payload.ts';

export type ListingDeps = {
  db: Db;
  pool: pg.Pool;
  postmart: () => Promise<Postmart>;
  /** Asks for a batch price/stock push for the shop (coalesced by the queue). */
  requestBatch: (sellerId: string, shopId: string, full?: boolean, windowMs?: number) => Promise<void>;
  log: Logger;
  now?: () => Date;
};

export type SyncOutcome = 'noop' | 'created' | 'updated' | 'unlisted' | 'relisted' | 'deleted' | 'waiting_for_shop';

/** Maps Postmart's product status to our listing status (postmart-api.md#products). */
export function listingStatusOf(remote: string): ListingStatus {
  switch (remote) {
    case 'ACTIVE':
      return 'listed';
    case 'PENDING_REVIEW':
      return 'pending';
    case 'REJECTED':
    case 'BANNED':
      return 'rejected';
    case 'UNLISTED':
      return 'unlisted';
    default:
      return 'not_listed';
  }
}

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

type ListingRow = typeof productListings.$inferSelect;

async function saveListing(db: Db, productId: string, sellerId: string, values: Partial<ListingRow>): Promise<void> {
  const row = { ...values, updatedAt: new Date() };
  await db
    .insert(productListings)
    .values({ productId, sellerId, ...row })
    .onConflictDoUpdate({ target: productListings.productId, set: row });
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
 */
export async function syncProduct(deps: ListingDeps, productId: string, opts: { force?: boolean } = {}): Promise<SyncOutcome> {
  return withProductLock(deps.pool, productId, async () => {
    const { db } = deps;
    const [product] = await db.select().from(products).where(eq(products.id, productId));
    if (!product) return 'noop';
    const [listing] = await db.select().from(productListings).where(eq(productListings.productId, productId));
    const [shop] = await db.select().from(postmartShops).where(eq(postmartShops.sellerId, product.sellerId));
    const today = vnToday(deps.now?.() ?? new Date());
    const shopConnected = shop?.status === 'connected' && !!shop.shopId;
    const reasons = notSellableReasons({ ...product, shopConnected }, today);
    const wantListed = reasons.length === 0;
    const payload = toPostmartPayload(product, today);

    if (!shopConnected) {
      // Without a connected shop nothing can be called; the listing shows why until the shop reconnects,
      // which re-examines every product of the seller.
      const wasOnPostmart = listing?.postmartProductId && (listing.status === 'listed' || listing.status === 'pending');
      await saveListing(db, productId, product.sellerId, {
        status: wasOnPostmart ? 'unlisted' : (listing?.status ?? 'not_listed'),
        lastErrorCode: 'SHOP_NOT_CONNECTED',
        lastErrorMessage: 'The seller has no connected Postmart shop; connect it with POST /v1/sellers/:id/postmart/connect',
        lastErrorAt: new Date(),
      });
      await settleOutbox(db, productId, product.version);
      return 'waiting_for_shop';
    }
    const shopId = shop!.shopId!;

    if (listing?.deleteRequested) {
      if (listing.postmartProductId) {
        const pm = await deps.postmart();
        await pm.client.deleteProduct(shopId, listing.postmartProductId, `delete:${productId}:g${listing.generation}`);
      }
      // A later listing of this product is a new creation, with an idempotency key of its own.
      await saveListing(db, productId, product.sellerId, {
        status: 'not_listed',
        postmartProductId: null,
        remoteVersion: null,
        syncedVersion: product.version,
        syncedPayload: null,
        syncedPriceVnd: null,
        syncedStock: null,
        deleteRequested: false,
        generation: listing.generation + 1,
        lastSyncedAt: new Date(),
        lastErrorCode: null,
        lastErrorMessage: null,
        lastErrorAt: null,
        attempts: 0,
      });
      await settleOutbox(db, productId, product.version);
      return 'deleted';
    }

    const upToDate =
      !opts.force &&
      listing &&
      listing.syncedVersion === product.version &&
      listing.status !== 'error' &&
      (listing.status === 'unlisted' || listing.status === 'not_listed') !== wantListed &&
      (listing.syncedPayload === null
        ? !wantListed
        : isDeepStrictEqual(withoutPriceStock(listing.syncedPayload as ProductPayload), withoutPriceStock(payload))) &&
      (listing.syncedPayload === null || (listing.syncedPriceVnd === product.priceVnd && listing.syncedStock === product.stock));
    if (upToDate) {
      await settleOutbox(db, productId, product.version);
      return 'noop';
    }

    const pm = await deps.postmart();
    let outcome: SyncOutcome = 'updated';
    let postmartProductId = listing?.postmartProductId ?? null;
    let remoteVersion = listing?.remoteVersion ?? null;
    let status: ListingStatus = listing?.status ?? 'not_listed';
    let syncedPrice = listing?.syncedPriceVnd ?? null;
    let syncedStock = listing?.syncedStock ?? null;
    let rejectReason = listing?.rejectReason ?? null;
    let synced = (listing?.syncedPayload as ProductPayload | null) ?? null;

    if (!postmartProductId) {
      if (!wantListed) {
        await saveListing(db, productId, product.sellerId, { status: 'not_listed', shopId, syncedVersion: product.version, lastErrorCode: null, lastErrorMessage: null, lastErrorAt: null, attempts: 0 });
        await settleOutbox(db, productId, product.version);
        return 'noop';
      }
      const created = await createOrAdopt(pm, shopId, `${productId}:g${listing?.generation ?? 0}`, product.version, payload);
      postmartProductId = created.product_id;
      remoteVersion = created.version;
      status = listingStatusOf(created.status);
      syncedPrice = created.price;
      syncedStock = created.stock;
      synced = created.adopted ? null : payload;
      outcome = 'created';
    }

    // Everything but price and stock goes by PATCH, and only what changed since the last accepted payload.
    const diff = synced ? diffPayload(synced, payload) : { fields: withoutPriceStock(payload), priceChanged: true, stockChanged: true };
    if (Object.keys(diff.fields).length > 0) {
      // No If-Match: the catalog wins over edits made on Postmart, and Postmart bumps its version on
      // every batch price/stock push, so a remembered version would conflict for nothing. The
      // product lock is what keeps our own writes in order.
      const patched = await pm.client.updateProduct(shopId, postmartProductId, diff.fields, `patch:${productId}:v${product.version}`);
      remoteVersion = patched.version;
      status = listingStatusOf(patched.status);
      if (diff.fields.skus) {
        syncedPrice = product.priceVnd;
        syncedStock = product.stock;
      }
    }

    if (!wantListed && (status === 'listed' || status === 'pending')) {
      try {
        await pm.client.unlistProduct(shopId, postmartProductId, `unlist:${productId}:v${product.version}`);
        status = 'unlisted';
        outcome = 'unlisted';
      } catch (err) {
        // A listing still under review cannot be unlisted yet; the review result re-examines it.
        if (!(err instanceof PostmartError && err.code === 'INVALID_STATE_TRANSITION')) throw err;
      }
    } else if (wantListed && status === 'unlisted') {
      try {
        await pm.client.relistProduct(shopId, postmartProductId, `relist:${productId}:v${product.version}`);
        status = 'listed';
      } catch (err) {
        // Not unlisted on Postmart after all (we could not unlist it while the shop was disconnected):
        // take the status Postmart has.
        if (!(err instanceof PostmartError && err.code === 'INVALID_STATE_TRANSITION')) throw err;
        status = listingStatusOf((await pm.client.getProduct(shopId, postmartProductId)).status);
      }
      outcome = 'relisted';
    }
    if (status !== 'rejected') rejectReason = null;

    await saveListing(db, productId, product.sellerId, {
      status,
      shopId,
      postmartProductId,
      remoteVersion,
      syncedVersion: product.version,
      syncedPayload: { ...payload, skus: [{ ...payload.skus[0]!, price: syncedPrice ?? 0, stock: syncedStock ?? 0 }] },
      syncedPriceVnd: syncedPrice,
      syncedStock,
      rejectReason,
      lastSyncedAt: new Date(),
      lastErrorCode: null,
      lastErrorMessage: null,
      lastErrorAt: null,
      attempts: 0,
    });
    await settleOutbox(db, productId, product.version);
    if (syncedPrice !== product.priceVnd || syncedStock !== product.stock) await deps.requestBatch(product.sellerId, shopId);
    return outcome;
  });
}

function withoutPriceStock(p: ProductPayload): Partial<ProductPayload> {
  const { skus: _skus, ...rest } = p;
  return rest;
}

/**
 * Creates the listing, or adopts the one Postmart already has for this seller SKU (a create whose
 * answer was lost, or a listing made by hand): never a second listing for one SKU.
 */
async function createOrAdopt(pm: Postmart, shopId: string, creationKey: string, version: number, payload: ProductPayload) {
  const sku = payload.skus[0]!;
  const create = async (key: string) => {
    const created = await pm.client.createProduct(shopId, payload, key);
    return { ...created, price: sku.price, stock: sku.stock, adopted: false };
  };
  try {
    return await create(`create:${creationKey}`);
  } catch (err) {
    if (!(err instanceof PostmartError && (err.code === 'DUPLICATE_SELLER_SKU' || err.code === 'IDEMPOTENCY_KEY_REUSED'))) throw err;
    const found = await findRemoteBySku(pm, shopId, sku.seller_sku);
    if (found) {
      const remoteSku = found.skus?.find((s) => s.seller_sku === sku.seller_sku);
      return { product_id: found.product_id, version: found.version, status: found.status, price: remoteSku?.price ?? null, stock: remoteSku?.stock ?? null, adopted: true };
    }
    // The key was spent on an attempt Postmart refused (a 4xx answer is kept for the key's 24 h),
    // and nothing was created: this version of the product gets a key of its own. Should that
    // ever race with a lost success, the seller SKU's uniqueness answers DUPLICATE_SELLER_SKU and
    // the listing is adopted above.
    if (err.code === 'IDEMPOTENCY_KEY_REUSED') return create(`create:${creationKey}:v${version}`);
    throw err;
  }
}

export async function findRemoteBySku(pm: Postmart, shopId: string, sellerSku: string) {
  let cursor: string | undefined;
  do {
    const page = await pm.client.listProducts(shopId, { page_size: 100, ...(cursor ? { cursor } : {}) });
    const hit = page.products.find((p) => p.status !== 'DELETED' && p.skus?.some((s) => s.seller_sku === sellerSku));
    if (hit) return hit;
    cursor = page.has_more ? (page.next_cursor ?? undefined) : undefined;
  } while (cursor);
  return null;
}
