import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderPollState } from '../../db/schema/orders.ts';
import { pollShopOrders } from '../../src/services/orders/order-poll.ts';
import { eventually } from '../support/eventually.ts';
import { startWorld, type World } from '../support/world.ts';
import { orderKit, type OrderKit } from '../support/order-world.ts';

let world: World;
let seller: Awaited<ReturnType<World['connectSeller']>>;
let kit: OrderKit;

// Postmart never re-sends a webhook it gave up on (postmart-api.md#webhooks): here none is sent at all.
beforeAll(async () => {
  world = await startWorld({ webhooks: { enabled: false } }, { ORDER_POLL_LAG_SECONDS: '0' });
  seller = await world.connectSeller();
  kit = orderKit(world, seller);
});
afterAll(() => world?.close());

/** What the 30 s poll-orders schedule runs, called directly instead of waiting for it. */
const poll = () => pollShopOrders({ db: world.app.db, postmart: () => world.app.postmart(), lagSeconds: 0 }, seller.shopId);

describe('order poller: the backstop for missed webhooks', () => {
  it('imports an order whose webhook never came, reserves its stock and advances the high-water mark', async () => {
    const product = await kit.createListed({ stock: 7 });
    const sn = await kit.placeOrder(product.sku, 3);
    // Polled until found: an order stamped in the very second the window ends is picked up by the next window's overlap.
    const order = await eventually(
      async () => (await poll(), kit.orderBySn(sn)),
      (o) => o?.stockState === 'reserved',
    );
    expect(order).toMatchObject({ status: 'ready_to_ship', remoteStatus: 'READY_TO_SHIP' });
    expect(await kit.stockOf(product.id)).toBe(4);
    expect((await kit.eventsOf(order!.id))[0]).toMatchObject({ fromStatus: null, toStatus: 'ready_to_ship', source: 'poll' });
    const [state] = await world.app.db.select().from(orderPollState).where(eq(orderPollState.shopId, seller.shopId));
    expect(state!.highWaterMark).toBeGreaterThanOrEqual(order!.remoteUpdateTime);
    expect(state!.lastSuccessAt).not.toBeNull();
  });

  it('re-reading an overlapping window imports nothing twice', async () => {
    const product = await kit.createListed({ stock: 2 });
    const sn = await kit.placeOrder(product.sku, 1);
    await eventually(async () => (await poll(), kit.orderBySn(sn)), (o) => o?.stockState === 'reserved');
    const again = await poll();
    expect(again.found).toBeGreaterThanOrEqual(1);
    expect((await kit.ledgerOf(product.id)).filter((m) => m.kind === 'reserve')).toHaveLength(1);
    expect(await kit.stockOf(product.id)).toBe(1);
    expect(await kit.ledgerSum(product.id)).toBe(1);
  });
});
