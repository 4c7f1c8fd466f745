import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productListings } from '../../db/schema/listings.ts';
import { products } from '../../db/schema/products.ts';
import { pushPriceAndStock } from '../../src/services/listings/listing-batch.ts';
import type { Postmart } from '../../src/postmart/index.ts';
import { eventually } from '../support/eventually.ts';
import { startOrderWorld, type OrderKit, type Seller } from '../support/order-world.ts';
import type { World } from '../support/world.ts';

/**
 * The batch stock push against the sandbox while the listing row changes under it. Found with
 * consigned stock under load: a listing sync touched the row while the push sent 0 (a consignment
 * leaving the farm); the push kept the older mark 3, the consignment's arrival brought our stock
 * back to 3, and Postmart kept 0 with nothing left to push.
 */
describe('batch stock push racing a change of the listing row', () => {
  let world: World;
  let seller: Seller;
  let kit: OrderKit;
  beforeAll(async () => {
    ({ world, seller, kit } = await startOrderWorld());
  });
  afterAll(() => world?.close());

  const remoteStock = async (sku: string) => {
    const { products: list } = await world.control<{ products: { status: string; skus: { seller_sku: string; stock: number }[] }[] }>('GET', `/shops/${seller.shopId}/products`);
    return list.find((p) => p.status !== 'DELETED' && p.skus[0]?.seller_sku === sku)?.skus[0]?.stock;
  };
  const mark = async (productId: string) => (await world.app.db.select({ s: productListings.syncedStock }).from(productListings).where(eq(productListings.productId, productId)))[0]!.s;

  it('ends with Postmart holding our stock when the row changed and the stock moved back during the call', async () => {
    const product = await kit.createListed({ stock: 3 });
    await eventually(() => remoteStock(product.sku), (s) => s === 3);
    await eventually(() => mark(product.id), (s) => s === 3);
    const db = world.app.db;
    // Our stock drops to 0 (no note: this test runs the push itself, not the workers).
    await db.update(products).set({ stock: 0 }).where(eq(products.id, product.id));

    const real = await world.app.postmart();
    let raced = false;
    const client = new Proxy(real.client, {
      get(target, prop, receiver) {
        if (prop !== 'batchStock') return Reflect.get(target, prop, receiver);
        return async (...args: Parameters<typeof real.client.batchStock>) => {
          if (!raced) {
            raced = true;
            // While the 0 is on its way: a listing sync saves the row, and the stock comes back to 3.
            await db.update(productListings).set({ updatedAt: new Date() }).where(eq(productListings.productId, product.id));
            await db.update(products).set({ stock: 3 }).where(eq(products.id, product.id));
          }
          return target.batchStock(...args);
        };
      },
    });
    const pm: Postmart = { ...real, client };
    const deps = { db, pool: world.app.pool, postmart: async () => pm, requestBatch: async () => {}, log: pino({ level: 'silent' }) };
    await pushPriceAndStock(deps, seller.sellerId, seller.shopId);

    expect(raced).toBe(true);
    expect(await remoteStock(product.sku)).toBe(3);
    expect(await mark(product.id)).toBe(3);
  });
});
