import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderTrackingEvents } from '../../db/schema/orders.ts';
import { webhookEvents } from '../../db/schema/webhooks.ts';
import { importOrders } from '../../src/services/orders/order-import.ts';
import { refreshTracking } from '../../src/services/orders/order-tracking.ts';
import { bearer } from '../support/http.ts';
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

const deps = () => ({ db: world.app.db, postmart: () => world.app.postmart() });
const trackingOf = (orderId: string) => world.app.db.select().from(orderTrackingEvents).where(eq(orderTrackingEvents.orderId, orderId));

/** An imported order, confirmed and handed to the carrier on Postmart (shipping itself is another issue's route). */
async function shippedOrder(stock: number, qty: number) {
  const product = await kit.createListed({ stock });
  const sn = await kit.placeOrder(product.sku, qty);
  await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved');
  const { client } = await world.app.postmart();
  await client.confirmOrder(seller.shopId, sn, `test-confirm-${sn}`);
  const dropOff = (await client.postOffices(seller.shopId)).find((p) => p.accepts_dropoff)!;
  const { package_number } = await client.shipOrder(seller.shopId, sn, dropOff.post_office_code, `test-ship-${sn}`);
  expect(package_number).toBeTruthy();
  return { product, sn };
}

describe('carrier progress: tracking, buyer cancellation requests, returns', () => {
  it('stores the tracking number on order.tracking_assigned, adds entries on carrier moves without duplicates, and shows them in the order', async () => {
    const { sn } = await shippedOrder(5, 1);
    const assigned = await eventually(() => kit.orderBySn(sn), (o) => o?.trackingNumber != null);
    expect(assigned!.trackingNumber).toMatch(/^EB\d{9}VN$/);
    expect((await trackingOf(assigned!.id)).map((t) => t.vnpostCode)).toEqual(['TAO_BUU_GUI']);

    for (const type of ['CARRIER_RECEIVED', 'DELIVERED']) await world.control('POST', `/orders/${sn}/events`, { type });
    const delivered = await eventually(() => kit.orderBySn(sn), (o) => o?.status === 'delivered');
    const remote = (await world.control<{ orders: { order_sn: string; tracking_events: { vnpost_code: string }[] }[] }>('GET', `/shops/${seller.shopId}/orders`)).orders.find((o) => o.order_sn === sn)!;
    const stored = await eventually(() => trackingOf(delivered!.id), (t) => t.length === remote.tracking_events.length);
    expect(stored.map((t) => t.vnpostCode).sort()).toEqual(remote.tracking_events.map((e) => e.vnpost_code).sort());

    // Reading again, and a re-import, add nothing.
    expect(await refreshTracking(deps(), delivered!)).toBe(0);
    await importOrders(deps(), seller.shopId, [sn], 'poll');
    expect(await trackingOf(delivered!.id)).toHaveLength(stored.length);

    const res = await world.app.inject({ url: `/v1/orders/${delivered!.id}`, headers: bearer(seller.manager) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.trackingNumber).toBe(assigned!.trackingNumber);
    expect(body.tracking).toHaveLength(stored.length);
    expect(body.tracking.at(-1)).toMatchObject({ vnpostCode: 'EMI', description: 'Phát thành công cho người nhận' });
    expect(body.tracking[0].at).toMatch(/\+07:00$/);
  });

  it('moves an order to in_cancel with an event when the buyer asks to cancel (order.buyer_cancel_requested)', async () => {
    const product = await kit.createListed({ stock: 3 });
    const sn = await kit.placeOrder(product.sku, 1);
    const order = await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved');
    await world.control('POST', `/orders/${sn}/events`, { type: 'BUYER_CANCEL_REQUEST' });
    await eventually(() => kit.orderBySn(sn), (o) => o?.status === 'in_cancel');
    expect((await kit.eventsOf(order!.id)).at(-1)).toMatchObject({ fromStatus: 'ready_to_ship', toStatus: 'in_cancel', source: 'webhook' });
    const handled = await eventually(
      async () => (await world.app.db.select().from(webhookEvents).where(eq(webhookEvents.type, 'order.buyer_cancel_requested'))).find((e) => (e.payload as { data: { order_sn: string } }).data.order_sn === sn),
      (e) => e?.processedAt != null,
    );
    expect(handled!.outcome).toContain(sn);
    // Still holding its stock until the seller answers.
    expect(await kit.stockOf(product.id)).toBe(2);
  });

  it('after a failed delivery, the returned parcel gives its stock back (ledger row) and Postmart gets the new stock', async () => {
    const { product, sn } = await shippedOrder(8, 3);
    expect(await kit.stockOf(product.id)).toBe(5);
    await world.control('POST', `/orders/${sn}/events`, { type: 'CARRIER_RECEIVED' });
    await world.control('POST', `/orders/${sn}/events`, { type: 'DELIVERY_FAILED' });
    const failed = await eventually(() => kit.orderBySn(sn), (o) => o?.status === 'failed_delivery');
    expect(failed!.stockState).toBe('reserved');
    await world.control('POST', `/orders/${sn}/events`, { type: 'RETURNED' });
    const returned = await eventually(() => kit.orderBySn(sn), (o) => o?.status === 'returned');
    expect(returned!.stockState).toBe('released');
    expect(await kit.stockOf(product.id)).toBe(8);
    expect((await kit.ledgerOf(product.id)).map((m) => [m.kind, m.delta])).toEqual([
      ['initial', 8],
      ['reserve', -3],
      ['release', 3],
    ]);
    expect((await kit.ledgerOf(product.id)).at(-1)!.reason).toBe(`order ${sn} returned`);
    expect(await kit.ledgerSum(product.id)).toBe(8);
    expect((await kit.eventsOf(returned!.id)).map((e) => e.toStatus)).toEqual(expect.arrayContaining(['failed_delivery', 'returned']));
    // Tracking is read after the status change commits.
    const tracked = await eventually(() => trackingOf(returned!.id), (t) => t.some((e) => e.vnpostCode === 'DA_HOAN'));
    expect(tracked.map((t) => t.vnpostCode)).toEqual(expect.arrayContaining(['EMH', 'CHUYEN_HOAN', 'DA_HOAN']));
    const remoteStock = async () =>
      (await world.control<{ products: { skus: { seller_sku: string; stock: number }[] }[] }>('GET', `/shops/${seller.shopId}/products`)).products.flatMap((p) => p.skus).find((s) => s.seller_sku === product.sku)!.stock;
    await eventually(remoteStock, (s) => s === 8);
  });
});
