import { eq } from 'drizzle-orm';
import { productListings, type ListingStatus } from '../../../db/schema/listings.ts';
import { postmartShops } from '../../../db/schema/postmart.ts';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { toVnIso, vnToday } from '../../lib/time.ts';
import { authorize, type Principal } from '../accounts/access.ts';
import { recordAudit, type Actor } from '../accounts/audit.ts';
import { recordListingChange } from '../outbox/listing-outbox.ts';
import { notSellableReasons, type NotSellableReason } from './listing-payload.ts';
import { loadProduct } from '../catalog/products.ts';

export type ListingView = {
  productId: string;
  status: ListingStatus;
  postmartProductId: string | null;
  syncedVersion: number | null;
  productVersion: number;
  lastSyncedAt: string | null;
  lastError: { code: string; message: string; at: string } | null;
  attempts: number;
  rejectReason: string | null;
  notSellableReasons: NotSellableReason[];
};

export async function getListing(db: Db, p: Principal, productId: string, now = new Date()): Promise<ListingView> {
  const product = await loadProduct(db, productId);
  authorize(p, 'product', 'read', product);
  const [listing] = await db.select().from(productListings).where(eq(productListings.productId, productId));
  const [shop] = await db.select({ status: postmartShops.status }).from(postmartShops).where(eq(postmartShops.sellerId, product!.sellerId));
  return {
    productId,
    status: listing?.status ?? 'not_listed',
    postmartProductId: listing?.postmartProductId ?? null,
    syncedVersion: listing?.syncedVersion ?? null,
    productVersion: product!.version,
    lastSyncedAt: listing?.lastSyncedAt ? toVnIso(listing.lastSyncedAt) : null,
    lastError:
      listing?.lastErrorCode && listing.lastErrorAt
        ? { code: listing.lastErrorCode, message: listing.lastErrorMessage ?? '', at: toVnIso(listing.lastErrorAt) }
        : null,
    attempts: listing?.attempts ?? 0,
    rejectReason: listing?.rejectReason ?? null,
    notSellableReasons: notSellableReasons({ ...product!, shopConnected: shop?.status === 'connected' }, vnToday(now)),
  };
}

/**
 * Forgets what we believe Postmart has for this product, so the next sync sends every field, the
 * price and the stock again, and queues that sync (through the outbox, like any change).
 */
export async function resyncListing(db: Db, p: Principal, actor: Actor, productId: string): Promise<ListingView> {
  const product = await loadProduct(db, productId);
  authorize(p, 'product', 'update', product);
  await db.transaction(async (tx) => {
    await tx
      .update(productListings)
      .set({ syncedPayload: null, syncedVersion: null, syncedPriceVnd: null, syncedStock: null, lastErrorCode: null, lastErrorMessage: null, lastErrorAt: null, attempts: 0, updatedAt: new Date() })
      .where(eq(productListings.productId, productId));
    await recordListingChange(tx, productId, product!.version, 'resync');
    await recordAudit(tx, actor, 'listing.resync', { type: 'product', id: productId }, {});
  });
  return getListing(db, p, productId);
}

/**
 * Removes the product's listing from Postmart (status DELETED there), through the sync job like
 * any change. Only for a product that is not active: an active one would simply be listed again.
 */
export async function requestListingDelete(db: Db, p: Principal, actor: Actor, productId: string): Promise<ListingView> {
  const product = await loadProduct(db, productId);
  authorize(p, 'product', 'update', product);
  if (product!.status === 'active') {
    throw new AppError('CONFLICT', { detail: { vi: 'sản phẩm đang bán; hãy lưu trữ (archive) trước khi gỡ khỏi Postmart', en: 'the product is active; archive it before removing its listing' } }, 'status');
  }
  await db.transaction(async (tx) => {
    await tx
      .insert(productListings)
      .values({ productId, sellerId: product!.sellerId, deleteRequested: true })
      .onConflictDoUpdate({ target: productListings.productId, set: { deleteRequested: true, updatedAt: new Date() } });
    await recordListingChange(tx, productId, product!.version, 'delete-listing');
    await recordAudit(tx, actor, 'listing.delete', { type: 'product', id: productId }, {});
  });
  return getListing(db, p, productId);
}
