import { describe, expect, it } from 'vitest';
import { LISTING_STATUSES, type ListingStatus } from '../../db/schema/listings.ts';
import type { Certification } from '../../db/schema/products.ts';
import type { ProductPayload } from '../../src/postmart/client/contract.ts';
import type { ProductRow } from '../../src/services/catalog/products.ts';
import { toPostmartPayload } from '../../src/services/listings/listing-payload.ts';
import { planSync, type ListingRow, type ShopRow, type SyncStep } from '../../src/services/listings/listing-plan.ts';

// planSync is pure: every case is built here, in memory, with a fixed Vietnam day.
const TODAY = '2026-06-15';
const ID = '0190a000-0000-7000-8000-000000000001';

const cert = (type: Certification['type'], expiresAt: string): Certification => ({ type, number: `${type}-1`, issuedAt: '2025-01-01', expiresAt });

function product(over: Partial<ProductRow> = {}): ProductRow {
  return {
    id: ID,
    sellerId: '0190a000-0000-7000-8000-0000000000aa',
    sku: 'XOAI-1',
    name: 'Xoài cát Hòa Lộc',
    description: 'Loại 1',
    category: 'fruit',
    unit: 'kg',
    priceVnd: 65_000,
    stock: 40,
    weightGrams: 1000,
    images: ['https://img.example/xoai.jpg'],
    originWardCode: '29869',
    shelfLifeDays: 10,
    harvestFrom: '2026-05-01',
    harvestTo: '2026-07-31',
    certifications: [cert('VIETGAP', '2027-01-01')],
    status: 'active',
    version: 3,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...over,
  };
}

const connected: ShopRow = { status: 'connected', shopId: 'SHOP1' };

/** A listing Postmart has in step with `p` (this version, its payload, price and stock). */
function syncedListing(p: ProductRow, over: Partial<ListingRow> = {}): ListingRow {
  const payload = toPostmartPayload(p, TODAY);
  return {
    productId: p.id,
    sellerId: p.sellerId,
    status: 'listed',
    shopId: 'SHOP1',
    postmartProductId: 'PM-1',
    remoteVersion: 7,
    syncedVersion: p.version,
    syncedPayload: payload,
    syncedPriceVnd: p.priceVnd,
    syncedStock: p.stock,
    lastSyncedAt: new Date('2026-06-01T00:00:00Z'),
    lastErrorCode: null,
    lastErrorMessage: null,
    lastErrorAt: null,
    rejectReason: null,
    attempts: 0,
    generation: 0,
    deleteRequested: false,
    updatedAt: new Date('2026-06-01T00:00:00Z'),
    ...over,
  };
}

const kinds = (steps: SyncStep[]) => steps.map((s) => s.kind);

describe('planSync: the sellable rules', () => {
  const onPostmart = (p: ProductRow) => planSync(p, syncedListing(product()), connected, TODAY);

  it('keeps an active product with images, an open harvest and valid certificates listed: nothing to do', () => {
    const plan = onPostmart(product());
    expect(plan.reasons).toEqual([]);
    expect(plan.outcome).toBe('noop');
    expect(kinds(plan.steps)).toEqual(['settle_outbox']);
  });

  it.each([
    ['a draft', { status: 'draft' as const }, 'not_active'],
    ['an archived product', { status: 'archived' as const }, 'not_active'],
    ['a closed harvest', { harvestTo: '2026-06-14' }, 'harvest_closed'],
    ['an expired certificate', { certifications: [cert('VIETGAP', '2027-01-01'), cert('OCOP_4_STAR', '2026-06-14')] }, 'certificate_expired'],
    ['no image', { images: [] }, 'no_images'],
  ])('unlists %s', (_label, over, reason) => {
    const plan = onPostmart(product({ ...over, version: 4 }));
    expect(plan.reasons).toEqual([reason]);
    expect(plan.steps.find((s) => s.kind === 'unlist')).toEqual({ kind: 'unlist', key: `unlist:${ID}:v4` });
    expect(plan.steps.some((s) => s.kind === 'relist')).toBe(false);
  });

  it('counts the last day of a harvest window and of a certificate as sellable', () => {
    const plan = planSync(product({ harvestTo: TODAY, certifications: [cert('GLOBALGAP', TODAY)] }), undefined, connected, TODAY);
    expect(plan.reasons).toEqual([]);
    expect(plan.outcome).toBe('created');
  });

  it('advertises only certificates still valid, and names every reason at once', () => {
    const p = product({ status: 'draft', images: [], harvestTo: '2026-01-01', certifications: [cert('ORGANIC', '2026-01-01')] });
    const plan = planSync(p, undefined, undefined, TODAY);
    expect(plan.reasons).toEqual(['not_active', 'harvest_closed', 'certificate_expired', 'shop_disconnected', 'no_images']);
  });

  it('relists an unlisted product whose reason has cleared (a new harvest window)', () => {
    const p = product({ version: 5 });
    const plan = planSync(p, syncedListing(p, { status: 'unlisted', syncedVersion: 4 }), connected, TODAY);
    expect(plan.outcome).toBe('updated');
    expect(kinds(plan.steps)).toEqual(['relist', 'record_synced', 'settle_outbox']);
    expect(plan.steps[0]).toEqual({ kind: 'relist', key: `relist:${ID}:v5` });
  });

  it('drops an expired certificate from the payload, which patches the listing', () => {
    const before = product({ certifications: [cert('VIETGAP', '2027-01-01'), cert('OCOP_3_STAR', '2026-06-20')] });
    const listing = syncedListing(before);
    const after = product({ certifications: before.certifications, version: 4 });
    const plan = planSync(after, listing, connected, '2026-06-21');
    const patch = plan.steps.find((s) => s.kind === 'patch');
    expect(patch).toMatchObject({ onlyIfAdopted: false, key: `patch:${ID}:v4` });
    expect((patch as { fields: Partial<ProductPayload> }).fields.certifications).toHaveLength(1);
    expect(kinds(plan.steps)).toContain('unlist');
  });
});

describe('planSync: the shop', () => {
  it.each([
    ['no shop', undefined],
    ['a pending shop', { status: 'pending', shopId: null }],
    ['a disconnected shop', { status: 'disconnected', shopId: 'SHOP1' }],
    ['a connected shop without its Postmart id', { status: 'connected', shopId: null }],
  ] as [string, ShopRow | undefined][])('waits for the shop with %s, calling nothing', (_label, shop) => {
    const plan = planSync(product(), undefined, shop, TODAY);
    expect(plan.shopId).toBeNull();
    expect(plan.reasons).toEqual(['shop_disconnected']);
    expect(plan.outcome).toBe('waiting_for_shop');
    expect(plan.steps).toEqual([{ kind: 'record_waiting_for_shop', status: 'not_listed' }, { kind: 'settle_outbox' }]);
  });

  it.each(LISTING_STATUSES.map((s) => [s]))('shows a %s listing as what it is on Postmart while waiting', (status: ListingStatus) => {
    const p = product();
    const plan = planSync(p, syncedListing(p, { status }), { status: 'disconnected', shopId: 'SHOP1' }, TODAY);
    // Listed or pending on Postmart, it will be unlisted when the shop comes back; anything else stays as it is.
    const expected = status === 'listed' || status === 'pending' ? 'unlisted' : status;
    expect(plan.steps[0]).toEqual({ kind: 'record_waiting_for_shop', status: expected });
  });

  it('keeps a listing that never reached Postmart as it is', () => {
    const p = product();
    const plan = planSync(p, syncedListing(p, { status: 'listed', postmartProductId: null }), undefined, TODAY);
    expect(plan.steps[0]).toEqual({ kind: 'record_waiting_for_shop', status: 'listed' });
  });
});

describe('planSync: the listing states', () => {
  it('creates a sellable product never listed, with the generation in its key, patching all fields only if it adopts', () => {
    const p = product();
    const plan = planSync(p, undefined, connected, TODAY);
    expect(plan.outcome).toBe('created');
    expect(plan.shopId).toBe('SHOP1');
    expect(kinds(plan.steps)).toEqual(['create', 'patch', 'relist', 'record_synced', 'settle_outbox']);
    expect(plan.steps[0]).toEqual({ kind: 'create', payload: toPostmartPayload(p, TODAY), creationKey: `${ID}:g0`, version: 3 });
    const { skus: _skus, ...fields } = toPostmartPayload(p, TODAY);
    expect(plan.steps[1]).toEqual({ kind: 'patch', fields, key: `patch:${ID}:v3`, onlyIfAdopted: true });
  });

  it('creates again after a delete under the next generation', () => {
    const p = product();
    const plan = planSync(p, syncedListing(p, { status: 'not_listed', postmartProductId: null, syncedPayload: null, generation: 2, syncedVersion: 2 }), connected, TODAY);
    expect(plan.steps[0]).toMatchObject({ kind: 'create', creationKey: `${ID}:g2` });
  });

  it('records a product that is neither on Postmart nor sellable as not listed, without calling Postmart', () => {
    const plan = planSync(product({ status: 'draft' }), undefined, connected, TODAY);
    expect(plan.outcome).toBe('noop');
    expect(kinds(plan.steps)).toEqual(['record_not_listed', 'settle_outbox']);
  });

  it('does nothing for a not-listed draft already recorded at this version', () => {
    const p = product({ status: 'draft' });
    const plan = planSync(p, syncedListing(p, { status: 'not_listed', postmartProductId: null, syncedPayload: null }), connected, TODAY);
    expect(kinds(plan.steps)).toEqual(['settle_outbox']);
  });

  it('does nothing for an unlisted product that is still not sellable', () => {
    const p = product({ images: [] });
    const plan = planSync(p, syncedListing(p, { status: 'unlisted' }), connected, TODAY);
    expect(plan.outcome).toBe('noop');
    expect(kinds(plan.steps)).toEqual(['settle_outbox']);
  });

  it.each(['pending', 'rejected'] as const)('does nothing for a %s listing in step with the catalog', (status) => {
    const p = product();
    expect(kinds(planSync(p, syncedListing(p, { status }), connected, TODAY).steps)).toEqual(['settle_outbox']);
  });

  it('retries a listing in error even at the synced version', () => {
    const p = product();
    const plan = planSync(p, syncedListing(p, { status: 'error' }), connected, TODAY);
    expect(plan.outcome).toBe('updated');
    expect(kinds(plan.steps)).toEqual(['relist', 'record_synced', 'settle_outbox']);
  });

  it('patches only the fields that changed, not price or stock', () => {
    const before = product();
    const after = product({ name: 'Xoài cát chu', priceVnd: 70_000, version: 4 });
    const plan = planSync(after, syncedListing(before), connected, TODAY);
    expect(plan.steps[0]).toEqual({ kind: 'patch', fields: { name: 'Xoài cát chu' }, key: `patch:${ID}:v4`, onlyIfAdopted: false });
    expect(kinds(plan.steps)).toEqual(['patch', 'relist', 'record_synced', 'settle_outbox']);
  });

  it('sends a price or stock change alone to the batch push: no PATCH', () => {
    const before = product();
    const plan = planSync(product({ stock: 12 }), syncedListing(before), connected, TODAY);
    expect(kinds(plan.steps)).toEqual(['relist', 'record_synced', 'settle_outbox']);
  });

  it('rewrites the SKU list through PATCH when the SKU changes', () => {
    const before = product();
    const plan = planSync(product({ sku: 'XOAI-2', version: 4 }), syncedListing(before), connected, TODAY);
    const patch = plan.steps[0] as Extract<SyncStep, { kind: 'patch' }>;
    expect(patch.fields.skus).toEqual([{ seller_sku: 'XOAI-2', variant_name: 'kg', price: 65_000, stock: 40 }]);
  });

  it('patches every field after a resync forgot the last payload', () => {
    const p = product();
    const plan = planSync(p, syncedListing(p, { syncedPayload: null, syncedVersion: null, syncedPriceVnd: null, syncedStock: null }), connected, TODAY);
    const { skus: _skus, ...fields } = toPostmartPayload(p, TODAY);
    expect(plan.steps[0]).toEqual({ kind: 'patch', fields, key: `patch:${ID}:v3`, onlyIfAdopted: false });
  });

  it('runs again when forced, even in step', () => {
    const p = product();
    const plan = planSync(p, syncedListing(p), connected, TODAY, { force: true });
    expect(plan.outcome).toBe('updated');
    expect(kinds(plan.steps)).toEqual(['relist', 'record_synced', 'settle_outbox']);
  });

  it('deletes a listing the seller asked to remove, keyed by its generation, whatever the rules say', () => {
    const p = product({ status: 'archived' });
    const plan = planSync(p, syncedListing(p, { deleteRequested: true, generation: 1, status: 'unlisted' }), connected, TODAY);
    expect(plan.outcome).toBe('deleted');
    expect(plan.steps).toEqual([
      { kind: 'delete_remote', postmartProductId: 'PM-1', key: `delete:${ID}:g1` },
      { kind: 'record_deleted', generation: 2 },
      { kind: 'settle_outbox' },
    ]);
  });

  it('deletes locally only when Postmart never had the listing', () => {
    const p = product({ status: 'archived' });
    const plan = planSync(p, syncedListing(p, { deleteRequested: true, postmartProductId: null }), connected, TODAY);
    expect(kinds(plan.steps)).toEqual(['record_deleted', 'settle_outbox']);
  });

  it('waits for the shop before deleting', () => {
    const p = product({ status: 'archived' });
    const plan = planSync(p, syncedListing(p, { deleteRequested: true }), undefined, TODAY);
    expect(plan.outcome).toBe('waiting_for_shop');
  });
});
