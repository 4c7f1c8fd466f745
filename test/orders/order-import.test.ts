import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orders } from '../../db/schema/orders.ts';
import { webhookEvents } from '../../db/schema/webhooks.ts';
import { processWebhook } from '../../src/services/orders/webhooks.ts';
import { eventually } from '../support/eventually.ts';
import type { World } from '../support/world.ts';
import { startOrderWorld, type OrderKit, type Seller } from '../support/order-world.ts';

let world: World;
let seller: Seller;
let kit: OrderKit;

beforeAll(async () => {
  ({ world, seller, kit } = await startOrderWorld());
});
afterAll(() => world?.close());

describe('order import: Postmart orders reach the catalog once and reserve stock', () => {
  it('imports an order announced by webhook with its exact totals and reserves its stock in the ledger', async () => {
    const product = await kit.createListed({ stock: 10, priceVnd: 65000 });
    const sn = await kit.placeOrder(product.sku, 2);
    const order = await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved');
    const remote = (await kit.remoteOrders()).find((o) => o.order_sn === sn)!;
    expect(order).toMatchObject({
      sellerId: seller.sellerId,
      shopId: seller.shopId,
      status: 'ready_to_ship',
      remoteStatus: 'READY_TO_SHIP',
      totalAmountVnd: remote.total_amount,
      codAmountVnd: remote.cod_amount,
      shippingFeeVnd: remote.shipping_fee,
      voucherAmountVnd: remote.voucher_amount,
      holdReason: null,
      cancelReason: null,
    });
    expect(order!.totalAmountVnd).toBe(2 * 65000 + remote.shipping_fee - remote.voucher_amount);
    expect(Number.isInteger(order!.totalAmountVnd)).toBe(true);
    expect(await kit.linesOf(order!.id)).toEqual([expect.objectContaining({ productId: product.id, sellerSku: product.sku, qty: 2, unitPriceVnd: 65000 })]);
    expect(await kit.stockOf(product.id)).toBe(8);
    const ledger = await kit.ledgerOf(product.id);
    expect(ledger.at(-1)).toMatchObject({ kind: 'reserve', delta: -2, stockAfter: 8, reason: `order ${sn}`, actorUserId: null });
    expect(await kit.ledgerSum(product.id)).toBe(8);
    expect((await kit.eventsOf(order!.id))[0]).toMatchObject({ fromStatus: null, toStatus: 'ready_to_ship', source: 'webhook' });
  });

  it('changes nothing more when the same order event is delivered again', async () => {
    const product = await kit.createListed({ stock: 4 });
    const sn = await kit.placeOrder(product.sku, 1);
    const order = await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved');
    // A redelivery under a new event id (the same id is already refused at the door).
    const copyId = `copy-${sn}`;
    const original = await eventually(
      async () => (await world.app.db.select().from(webhookEvents)).find((e) => (e.payload as { data: { order_sn: string } }).data.order_sn === sn && e.type === 'order.created'),
      (e) => e?.processedAt != null,
    );
    await world.app.db.insert(webhookEvents).values({ ...original!, eventId: copyId, processedAt: null, outcome: null, enqueuedAt: null });
    const outcome = await processWebhook({ db: world.app.db, postmart: () => world.app.postmart() }, copyId);
    expect(outcome).toMatch(/unchanged/);
    expect(await processWebhook({ db: world.app.db, postmart: () => world.app.postmart() }, copyId)).toBe('already processed');
    expect((await kit.ledgerOf(product.id)).filter((m) => m.kind === 'reserve')).toHaveLength(1);
    expect(await kit.stockOf(product.id)).toBe(3);
    expect(await kit.eventsOf(order!.id)).toHaveLength(1);
    expect(await world.app.db.select().from(orders).where(eq(orders.orderSn, sn))).toHaveLength(1);
  });

  it('puts an order for a SKU the catalog does not know on hold, naming the SKU, and reserves nothing', async () => {
    const sku = `UNKNOWN-${Date.now()}`;
    const { client } = await world.app.postmart();
    const made = await client.createProduct(
      seller.shopId,
      { name: 'Chỉ có trên sàn', description: '', category_id: 'fruit', images: ['https://example.org/u.jpg'], unit: 'kg', weight_grams: 500, origin: { province_code: '82', ward_code: '30112' }, certifications: [], shelf_life_days: null, skus: [{ seller_sku: sku, variant_name: 'kg', price: 20000, stock: 5 }] },
      `by-hand-${sku}`,
    );
    await world.control('POST', `/products/${made.product_id}/review`, { result: 'APPROVE' });
    const sn = await kit.placeOrder(sku, 1, { ignore_stock: true });
    const order = await eventually(() => kit.orderBySn(sn), (o) => o?.status === 'on_hold');
    expect(order).toMatchObject({ stockState: 'none', cancelState: null, remoteStatus: 'READY_TO_SHIP' });
    expect(order!.holdReason).toContain(sku);
    expect(await kit.linesOf(order!.id)).toEqual([expect.objectContaining({ productId: null, sellerSku: sku })]);
    expect((await kit.eventsOf(order!.id)).map((e) => e.toStatus)).toEqual(['ready_to_ship', 'on_hold']);
  });

  it('never oversells: of 12 concurrent orders for 5 units, 5 are reserved and 7 cancelled on Postmart as OUT_OF_STOCK', async () => {
    const product = await kit.createListed({ stock: 5 });
    const sns = await Promise.all(Array.from({ length: 12 }, () => kit.placeOrder(product.sku, 1, { ignore_stock: true })));
    const settled = await eventually(
      async () => Promise.all(sns.map((sn) => kit.orderBySn(sn))),
      (os) => os.every((o) => o !== null && (o.stockState === 'reserved' || (o.status === 'cancelled' && o.cancelState === 'accepted'))),
      30_000,
    );
    expect(settled.filter((o) => o!.stockState === 'reserved')).toHaveLength(5);
    const cancelled = settled.filter((o) => o!.status === 'cancelled');
    expect(cancelled).toHaveLength(7);
    for (const o of cancelled) expect(o).toMatchObject({ cancelReason: 'OUT_OF_STOCK', stockState: 'none' });
    const remote = (await kit.remoteOrders()).filter((o) => sns.includes(o.order_sn));
    expect(remote.filter((o) => o.status === 'CANCELLED' && o.cancel_reason === 'OUT_OF_STOCK')).toHaveLength(7);
    expect(remote.filter((o) => o.status === 'READY_TO_SHIP')).toHaveLength(5);
    expect(await kit.stockOf(product.id)).toBe(0);
    expect(await kit.ledgerSum(product.id)).toBe(0);
    expect((await kit.ledgerOf(product.id)).filter((m) => m.kind === 'reserve')).toHaveLength(5);
  });

  it('gives the stock back when Postmart cancels a reserved order, and notes the sale with delta 0 when one is delivered', async () => {
    const product = await kit.createListed({ stock: 6 });
    const kept = await kit.placeOrder(product.sku, 2);
    // One after the other: two orders placed together are imported concurrently, in either order,
    // and the ledger below is read in order.
    await eventually(() => kit.orderBySn(kept), (o) => o?.stockState === 'reserved');
    const dropped = await kit.placeOrder(product.sku, 3);
    await eventually(() => kit.orderBySn(dropped), (o) => o?.stockState === 'reserved');
    expect(await kit.stockOf(product.id)).toBe(1);
    const { client } = await world.app.postmart();
    await client.cancelOrder(seller.shopId, dropped, 'CUSTOMER_REQUEST', `test-cancel-${dropped}`);
    await eventually(() => kit.orderBySn(dropped), (o) => o?.status === 'cancelled' && o.stockState === 'released');
    expect(await kit.stockOf(product.id)).toBe(4);
    await client.confirmOrder(seller.shopId, kept, `test-confirm-${kept}`);
    const dropOff = (await client.postOffices(seller.shopId)).find((p) => p.accepts_dropoff)!;
    const { package_number } = await client.shipOrder(seller.shopId, kept, dropOff.post_office_code, `test-ship-${kept}`);
    expect(package_number).toBeTruthy();
    for (const type of ['CARRIER_RECEIVED', 'DELIVERED']) await world.control('POST', `/orders/${kept}/events`, { type });
    const delivered = await eventually(() => kit.orderBySn(kept), (o) => o?.stockState === 'consumed');
    expect(delivered!.status).toBe('delivered');
    expect(await kit.stockOf(product.id)).toBe(4);
    expect((await kit.ledgerOf(product.id)).map((m) => [m.kind, m.delta])).toEqual([
      ['initial', 6],
      ['reserve', -2],
      ['reserve', -3],
      ['release', 3],
      ['consume', 0],
    ]);
    expect(await kit.ledgerSum(product.id)).toBe(4);
  });
});

