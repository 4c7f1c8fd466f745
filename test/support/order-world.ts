import { asc, eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { orderEvents, orderLines, orders } from '../../db/schema/orders.ts';
import { products } from '../../db/schema/products.ts';
import { stockMovements } from '../../db/schema/stock-movements.ts';
import { bearer } from './http.ts';
import { productBody } from './fixtures.ts';
import { eventually } from './eventually.ts';
import { startWorld, type World } from './world.ts';

export type Seller = Awaited<ReturnType<World['connectSeller']>>;

/**
 * A world with one connected seller and its order kit. The scheduled poller trails now by an hour,
 * so every order placed during the test arrives by webhook. `env` overrides the app's and workers'
 * environment (e.g. a Redis of the test's own).
 */
export async function startOrderWorld(env: Record<string, string> = {}): Promise<{ world: World; seller: Seller; kit: OrderKit }> {
  const world = await startWorld({}, { ORDER_POLL_LAG_SECONDS: '3600', ...env });
  const seller = await world.connectSeller();
  return { world, seller, kit: orderKit(world, seller) };
}
export type RemoteOrder = { order_sn: string; status: string; cancel_reason?: string | null; total_amount: number; cod_amount: number; shipping_fee: number; voucher_amount: number; items: { seller_sku: string; qty: number; unit_price: number }[] };

export type OrderKit = ReturnType<typeof orderKit>;

/** What the order tests read and do, for one world and one seller. */
export function orderKit(world: World, seller: Seller) {
  const db = world.app.db;
  const remoteBySku = async (sku: string) =>
    (await world.control<{ products: { product_id: string; status: string; skus: { seller_sku: string }[] }[] }>('GET', `/shops/${seller.shopId}/products`)).products.filter(
      (p) => p.skus.some((s) => s.seller_sku === sku) && p.status !== 'DELETED',
    );
  return {
    /** An active product with an image, listed on Postmart and approved there, so buyers can order it. */
    async createListed(over: Record<string, unknown> = {}) {
      const res = await world.app.inject({ method: 'POST', url: '/v1/products', headers: bearer(seller.manager), payload: productBody({ status: 'active', images: ['https://example.org/p.jpg'], ...over }) });
      expect(res.statusCode).toBe(201);
      const product = res.json() as { id: string; sku: string; priceVnd: number; stock: number };
      const [remote] = await eventually(() => remoteBySku(product.sku), (r) => r.length === 1);
      await world.control('POST', `/products/${remote!.product_id}/review`, { result: 'APPROVE' });
      return product;
    },
    placeOrder: async (sku: string, qty: number, extra: Record<string, unknown> = {}) =>
      (await world.control<{ order_sn: string }>('POST', '/orders', { shop_id: seller.shopId, items: [{ seller_sku: sku, qty }], ...extra })).order_sn,
    remoteOrders: async () => (await world.control<{ orders: RemoteOrder[] }>('GET', `/shops/${seller.shopId}/orders`)).orders,
    orderBySn: async (sn: string) => (await db.select().from(orders).where(eq(orders.orderSn, sn)))[0] ?? null,
    linesOf: (orderId: string) => db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.lineNo)),
    eventsOf: (orderId: string) => db.select().from(orderEvents).where(eq(orderEvents.orderId, orderId)).orderBy(asc(orderEvents.id)),
    ledgerOf: (productId: string) => db.select().from(stockMovements).where(eq(stockMovements.productId, productId)).orderBy(asc(stockMovements.id)),
    stockOf: async (productId: string) => (await db.select({ stock: products.stock }).from(products).where(eq(products.id, productId)))[0]!.stock,
    ledgerSum: async (productId: string) =>
      Number((await db.select({ s: sql<number>`coalesce(sum(${stockMovements.delta}), 0)` }).from(stockMovements).where(eq(stockMovements.productId, productId)))[0]!.s),
  };
}
