import { isDeepStrictEqual } from 'node:util';
import type { ListingStatus, productListings } from '../../../db/schema/listings.ts';
import type { postmartShops } from '../../../db/schema/postmart.ts';
import type { ProductPayload } from '../../postmart/client/contract.ts';
import type { ProductRow } from '../catalog/products.ts';
import { diffPayload, notSellableReasons, toPostmartPayload, type NotSellableReason } from './listing-payload.ts';

export type ListingRow = typeof productListings.$inferSelect;
export type ShopRow = Pick<typeof postmartShops.$inferSelect, 'status' | 'shopId'>;

export type SyncOutcome = 'noop' | 'created' | 'updated' | 'unlisted' | 'relisted' | 'deleted' | 'waiting_for_shop';

/**
 * One thing the executor does. Steps that call Postmart depend on its answers (a create may adopt
 * an existing listing, a PATCH may send the listing back to review), so the conditions on those
 * answers are part of the step, and the executor checks them against what Postmart said.
 */
export type SyncStep =
  /** No connected shop: nothing can be called; the listing shows why, with this status. */
  | { kind: 'record_waiting_for_shop'; status: ListingStatus }
  /** DELETE on Postmart (postmart-api.md#products), keyed per listing generation. */
  | { kind: 'delete_remote'; postmartProductId: string; key: string }
  /** Forget the remote listing: a later listing is a new creation with the next generation's key. */
  | { kind: 'record_deleted'; generation: number }
  /** Not on Postmart and not sellable: nothing to create, the listing just records the version seen. */
  | { kind: 'record_not_listed' }
  /** Create, or adopt the listing Postmart already has for this seller SKU (never a second one). */
  | { kind: 'create'; payload: ProductPayload; creationKey: string; version: number }
  /**
   * PATCH these fields. `onlyIfAdopted`: after a create, an adopted listing carries someone
   * else's fields and gets all of ours; a listing we just created already has them.
   */
  | { kind: 'patch'; fields: Partial<ProductPayload>; key: string; onlyIfAdopted: boolean }
  /** Unlist, if Postmart has the listing listed or pending after the steps before. */
  | { kind: 'unlist'; key: string }
  /** Relist, if Postmart has the listing unlisted after the steps before. */
  | { kind: 'relist'; key: string }
  /** Save what Postmart now has, and ask the batch push for price and stock still behind. */
  | { kind: 'record_synced'; payload: ProductPayload }
  /** Mark the outbox rows of this product version done. Always the last step. */
  | { kind: 'settle_outbox' };

export type SyncPlan = {
  /** The outcome if every step goes as planned; the executor refines it (unlisted, relisted). */
  outcome: SyncOutcome;
  /** Why the product may not be on Postmart today ([] when it may). */
  reasons: NotSellableReason[];
  shopId: string | null;
  steps: SyncStep[];
};

/** The payload without its SKU list: price and stock travel through the batch push, not PATCH. */
export function withoutPriceStock(p: ProductPayload): Partial<ProductPayload> {
  const { skus: _skus, ...rest } = p;
  return rest;
}

/**
 * What it takes to bring one product's Postmart listing in line with the catalog, decided from the
 * stored rows alone (no I/O, no clock: `today` is the Vietnam day the sellable rules use).
 * Every key is derived from the product, its version and the operation, so a re-run is idempotent.
 * `product.stock` is the stock Postmart should have: the caller loads the product as listed
 * (productAsListed, stock/postmart-stock.ts: the farm's stock, plus consigned stock when the seller
 * chose so, issue 14).
 */
export function planSync(product: ProductRow, listing: ListingRow | undefined, shop: ShopRow | undefined, today: string, opts: { force?: boolean } = {}): SyncPlan {
  const shopId = shop?.status === 'connected' && shop.shopId ? shop.shopId : null;
  const reasons = notSellableReasons({ ...product, shopConnected: shopId !== null }, today);
  const wantListed = reasons.length === 0;
  const payload = toPostmartPayload(product, today);
  const plan = (outcome: SyncOutcome, ...steps: SyncStep[]): SyncPlan => ({ outcome, reasons, shopId, steps: [...steps, { kind: 'settle_outbox' }] });

  if (shopId === null) {
    // The shop's reconnection re-examines every product of the seller.
    const wasOnPostmart = !!listing?.postmartProductId && (listing.status === 'listed' || listing.status === 'pending');
    return plan('waiting_for_shop', { kind: 'record_waiting_for_shop', status: wasOnPostmart ? 'unlisted' : (listing?.status ?? 'not_listed') });
  }

  if (listing?.deleteRequested) {
    const remove: SyncStep[] = listing.postmartProductId
      ? [{ kind: 'delete_remote', postmartProductId: listing.postmartProductId, key: `delete:${product.id}:g${listing.generation}` }]
      : [];
    return plan('deleted', ...remove, { kind: 'record_deleted', generation: listing.generation + 1 });
  }

  if (!opts.force && listing && isUpToDate(product, listing, payload, wantListed)) return plan('noop');

  const steps: SyncStep[] = [];
  let outcome: SyncOutcome = 'updated';
  if (!listing?.postmartProductId) {
    if (!wantListed) return plan('noop', { kind: 'record_not_listed' });
    steps.push(
      { kind: 'create', payload, creationKey: `${product.id}:g${listing?.generation ?? 0}`, version: product.version },
      { kind: 'patch', fields: withoutPriceStock(payload), key: `patch:${product.id}:v${product.version}`, onlyIfAdopted: true },
    );
    outcome = 'created';
  } else {
    // Only what changed since the last accepted payload; without one (a resync), everything.
    const synced = listing.syncedPayload as ProductPayload | null;
    const fields = synced ? diffPayload(synced, payload).fields : withoutPriceStock(payload);
    if (Object.keys(fields).length > 0) steps.push({ kind: 'patch', fields, key: `patch:${product.id}:v${product.version}`, onlyIfAdopted: false });
  }
  steps.push(wantListed ? { kind: 'relist', key: `relist:${product.id}:v${product.version}` } : { kind: 'unlist', key: `unlist:${product.id}:v${product.version}` });
  steps.push({ kind: 'record_synced', payload });
  return plan(outcome, ...steps);
}

/**
 * Postmart already has this version, in the listed-or-not state the rules want, with the same
 * fields, price and stock. A listing in error is never up to date: its last attempt failed.
 */
function isUpToDate(product: ProductRow, listing: ListingRow, payload: ProductPayload, wantListed: boolean): boolean {
  if (listing.syncedVersion !== product.version || listing.status === 'error') return false;
  const offPostmart = listing.status === 'unlisted' || listing.status === 'not_listed';
  if (offPostmart === wantListed) return false;
  const synced = listing.syncedPayload as ProductPayload | null;
  if (synced === null) return !wantListed;
  return (
    isDeepStrictEqual(withoutPriceStock(synced), withoutPriceStock(payload)) && listing.syncedPriceVnd === product.priceVnd && listing.syncedStock === product.stock
  );
}
