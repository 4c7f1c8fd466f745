import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productListings } from '../../db/schema/listings.ts';
import { products } from '../../db/schema/products.ts';
import { applySyncPlan, saveListing } from '../../src/services/listings/listing-apply.ts';
import type { ListingRow } from '../../src/services/listings/listing-plan.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser, productBody } from '../support/fixtures.ts';
import { bearer } from '../support/http.ts';

/**
 * A full sync that does not send the SKU's price and stock must leave the listing's synced marks as
 * the batch push left them. Found with consigned stock: a review result's sync read the listing
 * (synced stock 3), the batch push then sent 0 and marked 0, and the sync wrote its 3 back, so we
 * believed Postmart had 3 and nothing ever pushed again.
 */
describe('applying a listing plan', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(async () => app?.close());

  it('keeps the batch push’s newer price and stock marks when the plan sent no SKU', async () => {
    const seller = await makeSeller(app);
    const manager = await makeUser(app, 'seller_manager', { sellerId: seller.id });
    const res = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(manager), payload: productBody({ stock: 3, priceVnd: 65_000 }) });
    expect(res.statusCode, res.body).toBe(201);
    const [product] = await app.db.select().from(products).where(eq(products.id, res.json().id));
    await saveListing(app.db, product!.id, seller.id, { status: 'listed', shopId: 'shop-1', postmartProductId: 'pm-1', syncedVersion: product!.version, syncedPriceVnd: 65_000, syncedStock: 3 });
    // What the sync read before the batch push moved on.
    const [readBySync] = await app.db.select().from(productListings).where(eq(productListings.productId, product!.id));
    // The batch push meanwhile: Postmart now has 0, and we know it.
    await app.db.update(productListings).set({ syncedStock: 0, syncedPriceVnd: 60_000 }).where(eq(productListings.productId, product!.id));

    const payload = { name: product!.name } as never;
    const deps = { db: app.db, postmart: () => Promise.reject(new Error('this plan makes no call')), requestBatch: async () => {} };
    await applySyncPlan(deps, product!, readBySync as ListingRow, { outcome: 'unchanged' as never, reasons: [], shopId: 'shop-1', steps: [{ kind: 'record_synced', payload: { ...(payload as object), skus: [{ seller_sku: product!.sku, price: 65_000, stock: 3 }] } as never }] });

    const [after] = await app.db.select().from(productListings).where(eq(productListings.productId, product!.id));
    expect({ price: after!.syncedPriceVnd, stock: after!.syncedStock }).toEqual({ price: 60_000, stock: 0 });
  });
});
