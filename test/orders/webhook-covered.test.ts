import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEvents } from '../../db/schema/webhooks.ts';
import type { Postmart } from '../../src/postmart/index.ts';
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

/** The app's Postmart with its order-detail reads counted (the handler's only way to learn the order's state). */
async function countingPostmart() {
  const pm = await world.app.postmart();
  const counter = { detailReads: 0 };
  const client = new Proxy(pm.client, {
    get(target, key) {
      if (key === 'orderDetail') {
        return (...args: Parameters<typeof target.orderDetail>) => {
          counter.detailReads++;
          return target.orderDetail(...args);
        };
      }
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { counter, deps: { db: world.app.db, postmart: async () => ({ ...pm, client }) as Postmart } };
}

/** An order imported and reserved, with every event Postmart sent for it processed. */
async function importedOrder() {
  const product = await kit.createListed({ stock: 5 });
  const sn = await kit.placeOrder(product.sku, 1);
  const order = await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved');
  await eventually(
    async () => (await world.app.db.select().from(webhookEvents)).filter((e) => (e.payload as { data: { order_sn?: string } }).data.order_sn === sn),
    (events) => events.length > 0 && events.every((e) => e.processedAt !== null),
  );
  return order!;
}

/** Stores an event as the receiver would, announcing this state of the order. */
async function storedEvent(type: string, orderSn: string, status: string, updateTime: number) {
  const eventId = `evt_${randomUUID()}`;
  const payload = { event_id: eventId, type, shop_id: seller.shopId, timestamp: updateTime, data: { order_sn: orderSn, status, update_time: updateTime } };
  await world.app.db.insert(webhookEvents).values({ eventId, type, shopId: seller.shopId, eventTime: new Date(updateTime * 1000), payload });
  return eventId;
}
const rowOf = async (eventId: string) => (await world.app.db.select().from(webhookEvents).where(eq(webhookEvents.eventId, eventId)))[0]!;

describe('an order event whose state the stored order already holds', () => {
  it('is answered from the stored order, without reading the order from Postmart, when it announces the same state or an older one', async () => {
    const order = await importedOrder();
    const { counter, deps } = await countingPostmart();

    const same = await storedEvent('order.status_changed', order.orderSn, order.remoteStatus, order.remoteUpdateTime);
    expect(await processWebhook(deps, same)).toBe(`order ${order.orderSn}: unchanged`);
    // Announced in the same second as the stored state, but a status the stored one cannot lead to: already behind us.
    const before = await storedEvent('order.status_changed', order.orderSn, 'UNPAID', order.remoteUpdateTime);
    expect(await processWebhook(deps, before)).toBe(`order ${order.orderSn}: unchanged`);
    const older = await storedEvent('order.status_changed', order.orderSn, 'UNPAID', order.remoteUpdateTime - 5);
    expect(await processWebhook(deps, older)).toBe(`order ${order.orderSn}: stale`);

    expect(counter.detailReads).toBe(0);
    for (const id of [same, before, older]) expect((await rowOf(id)).processedAt).not.toBeNull();
    expect((await rowOf(older)).outcome).toBe(`order ${order.orderSn}: stale`);
    expect(await kit.orderBySn(order.orderSn)).toMatchObject({ status: order.status, stockState: 'reserved', remoteUpdateTime: order.remoteUpdateTime });
  });

  it('reads the order from Postmart when the event may bring something new: a later update, a status that can follow in the same second, a tracking number', async () => {
    const order = await importedOrder();
    const { counter, deps } = await countingPostmart();

    const later = await storedEvent('order.status_changed', order.orderSn, 'PROCESSED', order.remoteUpdateTime + 1);
    await processWebhook(deps, later);
    expect(counter.detailReads).toBe(1);
    const sameSecond = await storedEvent('order.status_changed', order.orderSn, 'PROCESSED', order.remoteUpdateTime);
    await processWebhook(deps, sameSecond);
    expect(counter.detailReads).toBe(2);
    const tracking = await storedEvent('order.tracking_assigned', order.orderSn, order.remoteStatus, order.remoteUpdateTime);
    await processWebhook(deps, tracking);
    expect(counter.detailReads).toBe(3);
    // Postmart still has the order as it was: every read found nothing to apply.
    for (const id of [later, sameSecond, tracking]) expect((await rowOf(id)).outcome).toMatch(new RegExp(`^order ${order.orderSn}: unchanged`));
  });

  it('is read from Postmart when it is an order.created met first (its order is almost never stored yet)', async () => {
    const order = await importedOrder();
    const { counter, deps } = await countingPostmart();
    const created = await storedEvent('order.created', order.orderSn, order.remoteStatus, order.remoteUpdateTime);
    expect(await processWebhook(deps, created)).toBe(`order ${order.orderSn}: unchanged`);
    expect(counter.detailReads).toBe(1);
  });

  it('is read from Postmart when the order is not stored here', async () => {
    const { counter, deps } = await countingPostmart();
    const sn = `SN-NOT-HERE-${randomUUID().slice(0, 8)}`;
    const id = await storedEvent('order.status_changed', sn, 'READY_TO_SHIP', Math.floor(Date.now() / 1000));
    await processWebhook(deps, id).catch(() => undefined);
    expect(counter.detailReads).toBe(1);
  });
});
