import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema/outbox.ts';
import { pickupPointDays, pickupPoints, shipments } from '../../db/schema/pickup-points.ts';
import { vnToday } from '../../src/lib/time.ts';
import { bearer } from '../support/http.ts';
import { eventually } from '../support/eventually.ts';
import { OwnRedis } from '../support/own-redis.ts';
import { type World } from '../support/world.ts';
import { startOrderWorld, type OrderKit, type Seller } from '../support/order-world.ts';

let redis: OwnRedis;
let world: World;
let seller: Seller;
let kit: OrderKit;
let dropoffId: string;
const COLLECTION = 'PO30037';

beforeAll(async () => {
  // A Redis of this file's own without persistence: killing it loses every queued job, as a crash
  // of an unpersisted Redis would. The shared Redis other runs use is never touched.
  redis = await OwnRedis.create();
  await redis.start();
  ({ world, seller, kit } = await startOrderWorld({ REDIS_URL: redis.url }));
  expect((await world.app.inject({ method: 'POST', url: '/v1/pickup-points/sync', headers: bearer(world.admin) })).statusCode).toBe(200);
  // Open round the clock, so the test does not depend on the hour it runs.
  const allDay = [{ open: '00:00', close: '24:00' }];
  await world.app.db.update(pickupPoints).set({ openingHours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay } });
  dropoffId = (await world.app.db.select().from(pickupPoints).where(eq(pickupPoints.code, 'PO30226')))[0]!.id;
});
afterAll(async () => {
  // The workers and the app close their Redis connections gracefully only against a live server.
  try {
    await redis?.start();
    await world?.close();
  } finally {
    await redis?.close();
  }
});

const call = (method: 'POST', url: string, payload?: unknown) =>
  world.app.inject({ method, url, headers: { ...bearer(seller.manager), 'accept-language': 'en' }, ...(payload === undefined ? {} : { payload: payload as never }) });
const shipmentOf = async (orderId: string) => (await world.app.db.select().from(shipments).where(eq(shipments.orderId, orderId)))[0];
const bookedAt = async (pointId: string) =>
  (await world.app.db.select().from(pickupPointDays).where(and(eq(pickupPointDays.pickupPointId, pointId), eq(pickupPointDays.day, vnToday()))))[0]?.booked ?? 0;
const pendingActions = async () => world.app.db.select().from(outbox).where(and(eq(outbox.kind, 'order.action'), isNull(outbox.processedAt)));
/** Postmart's successful calls of this shop to endpoints ending in `suffix` (the sandbox counts every call). */
async function okCalls(suffix: string): Promise<number> {
  const stats = await world.control<{ calls: Record<string, Record<string, number>> }>('GET', `/stats?shop_id=${seller.shopId}`);
  return Object.entries(stats.calls)
    .filter(([endpoint]) => endpoint.endsWith(suffix))
    .reduce((n, [, byStatus]) => n + Object.entries(byStatus).filter(([s]) => s.startsWith('2')).reduce((m, [, c]) => m + c, 0), 0);
}

describe('order actions while Redis is down', () => {
  it('answers 202 to confirm and ship, then delivers every action to Postmart exactly once when Redis is back, with no slot booked for nothing', async () => {
    const product = await kit.createListed({ stock: 50 });
    const place = async () => {
      const sn = await kit.placeOrder(product.sku, 1, { fulfillment: { mode: 'PICKUP_AT_POST_OFFICE', post_office_code: COLLECTION } });
      return (await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved'))!;
    };
    const [a, b, c] = [await place(), await place(), await place()];
    for (const o of [a, b]) expect((await call('POST', `/v1/orders/${o.id}/confirm`)).statusCode).toBe(202);
    for (const o of [a, b]) await eventually(() => kit.orderBySn(o.orderSn), (x) => x?.status === 'processed');
    const confirmsBefore = await okCalls('/confirm');
    const shipsBefore = await okCalls('/ship');
    const bookedBefore = await bookedAt(dropoffId);

    await redis.kill();
    const confirmC = await call('POST', `/v1/orders/${c.id}/confirm`);
    expect(confirmC.statusCode).toBe(202);
    expect(confirmC.json()).toMatchObject({ queued: true, jobId: expect.stringMatching(/^ob-[0-9a-f]{16}-\d+$/) });
    for (const o of [a, b]) {
      const res = await call('POST', `/v1/orders/${o.id}/ship`, { pickupPointId: dropoffId });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ queued: true, shipment: { state: 'requested' } });
    }
    // Recorded with their changes, waiting for Redis: nothing reached Postmart, and the slots are held by live work.
    expect(await pendingActions()).toHaveLength(3);
    expect(await bookedAt(dropoffId)).toBe(bookedBefore + 2);
    expect(await okCalls('/confirm')).toBe(confirmsBefore);

    await redis.start();
    await eventually(() => kit.orderBySn(c.orderSn), (x) => x?.status === 'processed', 60_000);
    for (const o of [a, b]) await eventually(() => shipmentOf(o.id), (s) => s?.state === 'accepted', 60_000);
    await eventually(pendingActions, (rows) => rows.length === 0, 60_000);

    // Exactly once at Postmart: one more confirm, two ships, and no retried call replayed.
    expect(await okCalls('/confirm')).toBe(confirmsBefore + 1);
    expect(await okCalls('/ship')).toBe(shipsBefore + 2);
    const stats = await world.control<{ idempotent_replays: number }>('GET', `/stats?shop_id=${seller.shopId}`);
    expect(stats.idempotent_replays).toBe(0);
    // Every booked slot belongs to an accepted shipment; none is left requested.
    expect(await bookedAt(dropoffId)).toBe(bookedBefore + 2);
    for (const o of [a, b]) expect((await shipmentOf(o.id))!.packageNumber).toBeTruthy();
  });
});
