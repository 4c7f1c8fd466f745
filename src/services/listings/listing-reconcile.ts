import { isDeepStrictEqual } from 'node:util';
import { and, eq, inArray } from 'drizzle-orm';
import { productListings, reconcileReports } from '../../../db/schema/listings.ts';
import { postmartShops } from '../../../db/schema/postmart.ts';
import { products } from '../../../db/schema/products.ts';
import { vnToday } from '../../lib/time.ts';
import type { ProductPayload, RemoteProductT } from '../../postmart/client/contract.ts';
import { recordListingChange } from '../outbox/listing-outbox.ts';
import { productAsListed } from '../stock/postmart-stock.ts';
import { listingStatusOf, notSellableReasons, toPostmartPayload } from './listing-payload.ts';
import type { ListingDeps } from './listing-sync.ts';

export type ReconcileReport = { sellerId: string; shopId: string; checked: number; inSync: number; repaired: number; adopted: number; orphaned: number };

const same = (a: unknown, b: unknown) => isDeepStrictEqual(a ?? null, b ?? null);

/** Does Postmart's listing say what the catalog says (the fields we send, price, stock, listed or not)? */
function remoteMatches(remote: RemoteProductT, want: ProductPayload, wantListed: boolean): boolean {
  const sku = remote.skus?.find((s) => s.seller_sku === want.skus[0]!.seller_sku);
  const listed = remote.status === 'ACTIVE' || remote.status === 'PENDING_REVIEW';
  return (
    !!sku &&
    sku.price === want.skus[0]!.price &&
    sku.stock === want.skus[0]!.stock &&
    listed === wantListed &&
    remote.name === want.name &&
    same(remote.description ?? '', want.description) &&
    same(remote.images, want.images) &&
    remote.unit === want.unit &&
    remote.weight_grams === want.weight_grams &&
    same(remote.origin, want.origin) &&
    same((remote.certifications ?? []).map((c) => c.number).sort(), want.certifications.map((c) => c.number).sort()) &&
    (remote.shelf_life_days ?? null) === want.shelf_life_days
  );
}

/**
 * Pages through the shop's products on Postmart and compares them with the catalog; the catalog
 * wins. A drifted listing is re-synced from scratch; a remote listing whose seller SKU we know but
 * have not linked is adopted (no second listing is created); a remote listing with an SKU we do not
 * know is counted as orphaned and unlisted. Every run is recorded.
 */
export async function reconcileShop(deps: ListingDeps, sellerId: string): Promise<ReconcileReport> {
  const { db } = deps;
  const [shop] = await db.select().from(postmartShops).where(and(eq(postmartShops.sellerId, sellerId), eq(postmartShops.status, 'connected')));
  if (!shop?.shopId) throw new Error(`seller ${sellerId} has no connected shop`);
  const shopId = shop.shopId;
  const pm = await deps.postmart();
  const [report] = await db.insert(reconcileReports).values({ sellerId, shopId }).returning({ id: reconcileReports.id });
  const counts = { checked: 0, inSync: 0, repaired: 0, adopted: 0, orphaned: 0 };
  const details: { productId?: string; postmartProductId?: string; sku?: string; action: string }[] = [];
  const today = vnToday(deps.now?.() ?? new Date());

  const catalog = await db
    .select({ product: productAsListed, listing: productListings })
    .from(products)
    .leftJoin(productListings, eq(productListings.productId, products.id))
    .where(eq(products.sellerId, sellerId));
  const bySku = new Map(catalog.map((c) => [c.product.sku, c]));
  const seenRemote = new Set<string>();

  let cursor: string | undefined;
  do {
    const page = await pm.client.listProducts(shopId, { page_size: 100, ...(cursor ? { cursor } : {}) });
    for (const remote of page.products) {
      if (remote.status === 'DELETED') continue;
      counts.checked += 1;
      const sku = remote.skus?.[0]?.seller_sku;
      const local = sku ? bySku.get(sku) : undefined;
      if (!local) {
        counts.orphaned += 1;
        details.push({ postmartProductId: remote.product_id, ...(sku ? { sku } : {}), action: 'orphaned' });
        if (remote.status === 'ACTIVE') await pm.client.unlistProduct(shopId, remote.product_id, `reconcile-unlist:${remote.product_id}:v${remote.version}`);
        continue;
      }
      seenRemote.add(local.product.id);
      const { product, listing } = local;
      if (listing?.postmartProductId && listing.postmartProductId !== remote.product_id) {
        // A second remote listing for an SKU we already list: the catalog keeps one.
        counts.orphaned += 1;
        details.push({ productId: product.id, postmartProductId: remote.product_id, sku: product.sku, action: 'duplicate-orphaned' });
        if (remote.status === 'ACTIVE') await pm.client.unlistProduct(shopId, remote.product_id, `reconcile-unlist:${remote.product_id}:v${remote.version}`);
        continue;
      }
      if (!listing?.postmartProductId) {
        // Adopt: link the existing listing and let the sync patch it to the catalog.
        await adopt(deps, product.id, product.sellerId, shopId, remote);
        await recordListingChange(db, product.id, product.version, 'reconcile-adopt');
        counts.adopted += 1;
        details.push({ productId: product.id, postmartProductId: remote.product_id, sku: product.sku, action: 'adopted' });
        continue;
      }
      const wantListed = notSellableReasons({ ...product, shopConnected: true }, today).length === 0;
      if (remoteMatches(remote, toPostmartPayload(product, today), wantListed)) {
        counts.inSync += 1;
        continue;
      }
      // Drift: forget what we believed Postmart had, so the sync sends every field again.
      await adopt(deps, product.id, product.sellerId, shopId, remote);
      await recordListingChange(db, product.id, product.version, 'reconcile-repair');
      counts.repaired += 1;
      details.push({ productId: product.id, postmartProductId: remote.product_id, sku: product.sku, action: 'repaired' });
    }
    cursor = page.has_more ? (page.next_cursor ?? undefined) : undefined;
  } while (cursor);

  // Listings we believe exist but Postmart no longer has: create them again.
  const vanished = catalog.filter((c) => c.listing?.postmartProductId && !seenRemote.has(c.product.id)).map((c) => c.product.id);
  if (vanished.length > 0) {
    await db.update(productListings).set({ postmartProductId: null, syncedPayload: null, syncedVersion: null, status: 'not_listed', updatedAt: new Date() }).where(inArray(productListings.productId, vanished));
    for (const c of catalog.filter((x) => vanished.includes(x.product.id))) {
      await recordListingChange(db, c.product.id, c.product.version, 'reconcile-recreate');
      counts.repaired += 1;
      details.push({ productId: c.product.id, sku: c.product.sku, action: 'recreated' });
    }
  }

  await db.update(reconcileReports).set({ ...counts, details, finishedAt: new Date() }).where(eq(reconcileReports.id, report!.id));
  return { sellerId, shopId, ...counts };
}

async function adopt(deps: ListingDeps, productId: string, sellerId: string, shopId: string, remote: RemoteProductT) {
  const values = {
    shopId,
    postmartProductId: remote.product_id,
    remoteVersion: remote.version,
    status: listingStatusOf(remote.status),
    syncedPayload: null,
    syncedVersion: null,
    syncedPriceVnd: null,
    syncedStock: null,
    rejectReason: remote.reject_reason ?? null,
    updatedAt: new Date(),
  };
  await deps.db.insert(productListings).values({ productId, sellerId, ...values }).onConflictDoUpdate({ target: productListings.productId, set: values });
}

/** Reconciles one seller, or every seller with a connected shop. */
export async function reconcile(deps: ListingDeps, sellerId?: string): Promise<ReconcileReport[]> {
  const sellers = sellerId
    ? [sellerId]
    : (await deps.db.select({ sellerId: postmartShops.sellerId }).from(postmartShops).where(eq(postmartShops.status, 'connected'))).map((r) => r.sellerId);
  const reports: ReconcileReport[] = [];
  for (const s of sellers) reports.push(await reconcileShop(deps, s));
  return reports;
}
