import { productListings, type ListingStatus } from '../../../db/schema/listings.ts';
import type { Db } from '../../db.ts';
import type { ProductPayload } from '../../postmart/client/contract.ts';
import { PostmartError } from '../../postmart/client/errors.ts';
import type { Postmart } from '../../postmart/index.ts';
import type { ProductRow } from '../catalog/products.ts';
import { settleOutbox } from '../outbox/listing-outbox.ts';
import { listingStatusOf } from './listing-payload.ts';
import type { ListingRow, SyncOutcome, SyncPlan } from './listing-plan.ts';

// The executor of a listing plan (listing-plan.ts decides, this file calls Postmart and writes the
// listing row), kept apart from syncProduct so each file holds one concern.

/** What applying a plan needs (the listing jobs' deps satisfy it). */
export type ApplyDeps = {
  db: Db;
  postmart: () => Promise<Postmart>;
  requestBatch: (sellerId: string, shopId: string) => Promise<void>;
};

/** Upserts the product's listing row with these values. */
export async function saveListing(db: Db, productId: string, sellerId: string, values: Partial<ListingRow>): Promise<void> {
  const row = { ...values, updatedAt: new Date() };
  await db
    .insert(productListings)
    .values({ productId, sellerId, ...row })
    .onConflictDoUpdate({ target: productListings.productId, set: row });
}

/** What the executor knows of the remote listing, updated by each answer from Postmart. */
type RemoteState = {
  postmartProductId: string | null;
  remoteVersion: number | null;
  status: ListingStatus;
  syncedPrice: number | null;
  syncedStock: number | null;
  adopted: boolean;
  /** This run sent the SKU's price and stock (create, or a patch with skus): only then are they ours to record. */
  skusSent: boolean;
};

/** Applies the steps in order; the plan's outcome, refined by what unlisting and relisting did. */
export async function applySyncPlan(deps: ApplyDeps, product: ProductRow, listing: ListingRow | undefined, plan: SyncPlan): Promise<SyncOutcome> {
  const { db } = deps;
  const save = (values: Partial<ListingRow>) => saveListing(db, product.id, product.sellerId, values);
  const shopId = plan.shopId;
  const state: RemoteState = {
    postmartProductId: listing?.postmartProductId ?? null,
    remoteVersion: listing?.remoteVersion ?? null,
    status: listing?.status ?? 'not_listed',
    syncedPrice: listing?.syncedPriceVnd ?? null,
    syncedStock: listing?.syncedStock ?? null,
    adopted: false,
    skusSent: false,
  };
  let outcome = plan.outcome;
  // Calls to Postmart need a connected shop, which the plan has whenever it plans a call.
  const remote = async () => ({ pm: await deps.postmart(), shopId: shopId!, productId: state.postmartProductId! });

  for (const step of plan.steps) {
    switch (step.kind) {
      case 'record_waiting_for_shop':
        await save({
          status: step.status,
          lastErrorCode: 'SHOP_NOT_CONNECTED',
          lastErrorMessage: 'The seller has no connected Postmart shop; connect it with POST /v1/sellers/:id/postmart/connect',
          lastErrorAt: new Date(),
        });
        break;
      case 'delete_remote': {
        const pm = await deps.postmart();
        await pm.client.deleteProduct(shopId!, step.postmartProductId, step.key);
        break;
      }
      case 'record_deleted':
        await save({
          status: 'not_listed',
          postmartProductId: null,
          remoteVersion: null,
          syncedVersion: product.version,
          syncedPayload: null,
          syncedPriceVnd: null,
          syncedStock: null,
          deleteRequested: false,
          generation: step.generation,
          lastSyncedAt: new Date(),
          ...noError,
        });
        break;
      case 'record_not_listed':
        await save({ status: 'not_listed', shopId, syncedVersion: product.version, ...noError });
        break;
      case 'create': {
        const created = await createOrAdopt(await deps.postmart(), shopId!, step.creationKey, step.version, step.payload);
        Object.assign(state, { postmartProductId: created.product_id, remoteVersion: created.version, status: listingStatusOf(created.status), syncedPrice: created.price, syncedStock: created.stock, adopted: created.adopted, skusSent: true });
        break;
      }
      case 'patch': {
        if (step.onlyIfAdopted && !state.adopted) break;
        // No If-Match: the catalog wins over edits made on Postmart, and Postmart bumps its version on
        // every batch price/stock push, so a remembered version would conflict for nothing. The
        // product lock is what keeps our own writes in order.
        const r = await remote();
        const patched = await r.pm.client.updateProduct(r.shopId, r.productId, step.fields, step.key);
        state.remoteVersion = patched.version;
        state.status = listingStatusOf(patched.status);
        if (step.fields.skus) {
          state.syncedPrice = product.priceVnd;
          state.syncedStock = product.stock;
          state.skusSent = true;
        }
        break;
      }
      case 'unlist': {
        if (state.status !== 'listed' && state.status !== 'pending') break;
        const r = await remote();
        try {
          await r.pm.client.unlistProduct(r.shopId, r.productId, step.key);
          state.status = 'unlisted';
          outcome = 'unlisted';
        } catch (err) {
          // A listing still under review cannot be unlisted yet; the review result re-examines it.
          if (!(err instanceof PostmartError && err.code === 'INVALID_STATE_TRANSITION')) throw err;
        }
        break;
      }
      case 'relist': {
        if (state.status !== 'unlisted') break;
        const r = await remote();
        try {
          await r.pm.client.relistProduct(r.shopId, r.productId, step.key);
          state.status = 'listed';
        } catch (err) {
          // Not unlisted on Postmart after all (we could not unlist it while the shop was disconnected):
          // take the status Postmart has.
          if (!(err instanceof PostmartError && err.code === 'INVALID_STATE_TRANSITION')) throw err;
          state.status = listingStatusOf((await r.pm.client.getProduct(r.shopId, r.productId)).status);
        }
        outcome = 'relisted';
        break;
      }
      case 'record_synced': {
        const { payload } = step;
        await save({
          status: state.status,
          shopId,
          postmartProductId: state.postmartProductId,
          remoteVersion: state.remoteVersion,
          syncedVersion: product.version,
          syncedPayload: { ...payload, skus: [{ ...payload.skus[0]!, price: state.syncedPrice ?? 0, stock: state.syncedStock ?? 0 }] },
          // Only what this run sent. Otherwise the marks are the batch push's (listing-batch.ts), which
          // may have moved them since this run read the listing: writing back the value read then
          // would make us believe Postmart holds a stock it no longer has, and nothing would push it
          // again (found with consigned stock: a review result's sync overwrote a newer batch mark).
          ...(state.skusSent ? { syncedPriceVnd: state.syncedPrice, syncedStock: state.syncedStock } : {}),
          rejectReason: state.status === 'rejected' ? (listing?.rejectReason ?? null) : null,
          lastSyncedAt: new Date(),
          ...noError,
        });
        break;
      }
      case 'settle_outbox':
        await settleOutbox(db, product.id, product.version);
        break;
    }
  }
  // After the outbox is settled, as before the split: the batch push carries price and stock still behind.
  if (plan.steps.some((s) => s.kind === 'record_synced') && (state.syncedPrice !== product.priceVnd || state.syncedStock !== product.stock)) {
    await deps.requestBatch(product.sellerId, shopId!);
  }
  return outcome;
}

const noError = { lastErrorCode: null, lastErrorMessage: null, lastErrorAt: null, attempts: 0 } as const;

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
