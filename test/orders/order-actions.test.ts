import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorOf } from '../support/http.ts';
import { makeUser } from '../support/fixtures.ts';
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

const act = (orderId: string, action: string, payload?: Record<string, unknown>, who = seller.manager) =>
  world.app.inject({ method: 'POST', url: `/v1/orders/${orderId}/${action}`, headers: bearer(who), ...(payload === undefined ? {} : { payload }) });
const remoteStatus = async (sn: string) => (await kit.remoteOrders()).find((o) => o.order_sn === sn)!.status;

async function importedOrder(stock = 10) {
  const product = await kit.createListed({ stock });
  const sn = await kit.placeOrder(product.sku, 1);
  const order = await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved');
  return { product, sn, order: order! };
}

describe('seller actions reach Postmart through a job, and the local status follows', () => {
  it('confirms an order: PROCESSED on Postmart, processed here, with the user as actor', async () => {
    const { sn, order } = await importedOrder();
    const res = await act(order.id, 'confirm');
    expect(res.statusCode).toBe(202);
    await eventually(() => kit.orderBySn(sn), (o) => o?.status === 'processed');
    expect(await remoteStatus(sn)).toBe('PROCESSED');
    const last = (await kit.eventsOf(order.id)).at(-1)!;
    expect(last).toMatchObject({ fromStatus: 'ready_to_ship', toStatus: 'processed', source: 'user', actorUserId: seller.manager.id });
    // Confirming again does not fit the new status.
    expect((await act(order.id, 'confirm')).statusCode).toBe(409);
  });

  it('cancels an order with a reason and gives its stock back', async () => {
    const { product, sn, order } = await importedOrder(4);
    expect(await kit.stockOf(product.id)).toBe(3);
    expect((await act(order.id, 'cancel', { reason: 'CUSTOMER_REQUEST' })).statusCode).toBe(202);
    await eventually(() => kit.orderBySn(sn), (o) => o?.status === 'cancelled');
    expect(await remoteStatus(sn)).toBe('CANCELLED');
    expect(await kit.stockOf(product.id)).toBe(4);
    expect(await kit.ledgerSum(product.id)).toBe(4);
  });

  it("accepts one buyer's cancellation request and rejects another", async () => {
    const a = await importedOrder();
    const b = await importedOrder();
    for (const o of [a, b]) {
      await world.control('POST', `/orders/${o.sn}/events`, { type: 'BUYER_CANCEL_REQUEST' });
      await eventually(() => kit.orderBySn(o.sn), (x) => x?.status === 'in_cancel');
    }
    expect((await act(a.order.id, 'buyer-cancellation', { accept: true })).statusCode).toBe(202);
    expect((await act(b.order.id, 'buyer-cancellation', { accept: false })).statusCode).toBe(202);
    await eventually(() => kit.orderBySn(a.sn), (x) => x?.status === 'cancelled');
    await eventually(() => kit.orderBySn(b.sn), (x) => x?.status === 'ready_to_ship');
    expect(await remoteStatus(b.sn)).toBe('READY_TO_SHIP');
  });

  it('refuses provincial staff (403), other sellers (404) and bad input (400 naming the field)', async () => {
    const { order } = await importedOrder();
    const staff = await makeUser(world.app, 'provincial_staff');
    expect((await act(order.id, 'confirm', undefined, staff)).statusCode).toBe(403);
    const other = await world.connectSeller();
    expect((await act(order.id, 'confirm', undefined, other.manager)).statusCode).toBe(404);
    const bad = await act(order.id, 'cancel', { reason: 'BORED' });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).field).toBe('reason');
  });
});
