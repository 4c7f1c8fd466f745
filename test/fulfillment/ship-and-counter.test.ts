import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickupPointDays, pickupPoints, shipments } from '../../db/schema/pickup-points.ts';
import { pino } from 'pino';
import { orderActionJob } from '../../jobs/order-actions.ts';
import { runJob } from '../../jobs/runner.ts';
import { requestShip } from '../../src/services/fulfillment/order-ship.ts';
import { flagParcelsForReturn } from '../../src/services/fulfillment/pickup-parcels.ts';
import { vnToday } from '../../src/lib/time.ts';
import { bearer, errorOf } from '../support/http.ts';
import { makeUser, type TestUser } from '../support/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import type { World } from '../support/world.ts';
import { startOrderWorld, type OrderKit, type Seller } from '../support/order-world.ts';

let world: World;
let seller: Seller;
let kit: OrderKit;
const point = async (code: string) => (await world.app.db.select().from(pickupPoints).where(eq(pickupPoints.code, code)))[0]!;
let dropoff: Awaited<ReturnType<typeof point>>;
let collection: Awaited<ReturnType<typeof point>>;
let dropClerk: TestUser;
let pickupClerk: TestUser;
const RECIPIENT_PHONE = '0912345678';

beforeAll(async () => {
  ({ world, seller, kit } = await startOrderWorld()); // the seller is in Lai Vung (30226)
  expect((await world.app.inject({ method: 'POST', url: '/v1/pickup-points/sync', headers: bearer(world.admin) })).statusCode).toBe(200);
  // Every office open round the clock: the ranking under test is by distance and capacity, whatever
  // the hour the suite runs (open-now ordering has its own tests in opening-hours.test.ts).
  const allDay = [{ open: '00:00', close: '24:00' }];
  await world.app.db.update(pickupPoints).set({ openingHours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay } });
  dropoff = await point('PO30226');
  collection = await point('PO30037');
  dropClerk = await makeUser(world.app, 'post_office_clerk', { pickupPointId: dropoff.id });
  pickupClerk = await makeUser(world.app, 'post_office_clerk', { pickupPointId: collection.id });
});
afterAll(() => world?.close());

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, who: { token: string }, payload?: unknown) =>
  world.app.inject({ method, url, headers: { ...bearer(who), 'accept-language': 'en' }, ...(payload === undefined ? {} : { payload: payload as never }) });

/** An order the buyer will collect at the Tháp Mười office, confirmed by the seller (processed). */
async function processedOrder(productOver: Record<string, unknown> = {}, qty = 2) {
  const product = await kit.createListed({ stock: 50, ...productOver });
  const sn = await kit.placeOrder(product.sku, qty, { fulfillment: { mode: 'PICKUP_AT_POST_OFFICE', post_office_code: collection.code }, recipient: { phone: RECIPIENT_PHONE } });
  const order = (await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved'))!;
  expect((await call('POST', `/v1/orders/${order.id}/confirm`, seller.manager)).statusCode).toBe(202);
  await eventually(() => kit.orderBySn(sn), (o) => o?.status === 'processed');
  return { order, sn, product };
}
const shipmentOf = async (orderId: string) => (await world.app.db.select().from(shipments).where(eq(shipments.orderId, orderId)))[0];
const bookedAt = async (pointId: string) =>
  (await world.app.db.select().from(pickupPointDays).where(and(eq(pickupPointDays.pickupPointId, pointId), eq(pickupPointDays.day, vnToday()))))[0]?.booked ?? 0;
const ship = (orderId: string, pickupPointId: string, who: TestUser = seller.manager) => call('POST', `/v1/orders/${orderId}/ship`, who, { pickupPointId });
/** A processed order shipped through the Lai Vung office and accepted by Postmart: what the counter tests start from. */
async function shippedOrder() {
  const o = await processedOrder();
  expect((await ship(o.order.id, dropoff.id)).statusCode).toBe(202);
  await eventually(() => shipmentOf(o.order.id), (x) => x?.state === 'accepted');
  return o;
}

describe('shipping through a pickup point', () => {
  it("suggests the seller's own commune office first and ships through it: one slot booked, Postmart's package number stored", async () => {
    const shipped = await processedOrder();
    const suggestions = (await call('GET', `/v1/orders/${shipped.order.id}/pickup-suggestions`, seller.manager)).json();
    expect(suggestions).toMatchObject({ perishable: false, origin: { wardCode: '30226' } });
    expect(suggestions.items[0].code).toBe(dropoff.code);
    const before = await bookedAt(dropoff.id);
    const res = await ship(shipped.order.id, dropoff.id);
    expect(res.statusCode).toBe(202);
    expect(res.json().shipment).toMatchObject({ state: 'requested', pickupPointCode: dropoff.code, declaredWeightGrams: 2000 });
    expect(await bookedAt(dropoff.id)).toBe(before + 1);
    const s = await eventually(() => shipmentOf(shipped.order.id), (x) => x?.state === 'accepted');
    expect(s!.packageNumber).toBeTruthy();
    expect((await call('GET', `/v1/orders/${shipped.order.id}/shipment`, seller.manager)).json()).toMatchObject({ packageNumber: s!.packageNumber });
    // Shipping twice is refused; the order list filters by point.
    expect((await ship(shipped.order.id, dropoff.id)).statusCode).toBe(409);
    const listed = (await call('GET', `/v1/orders?pickupPointId=${dropoff.id}`, world.admin)).json().items.map((o: { id: string }) => o.id);
    expect(listed).toContain(shipped.order.id);
  });

  it('books the last slot exactly once under concurrent requests, names the next suggestion, and a cancellation frees the slot', async () => {
    const tiny = await point('PO30010');
    await world.app.db.update(pickupPoints).set({ dailyCapacity: 1 }).where(eq(pickupPoints.id, tiny.id));
    const contenders = await Promise.all([processedOrder(), processedOrder(), processedOrder()]);
    const answers = await Promise.all(contenders.map((c) => ship(c.order.id, tiny.id)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([202, 409, 409]);
    expect(await bookedAt(tiny.id)).toBe(1);
    const refused = answers.find((a) => a.statusCode === 409)!;
    expect(errorOf(refused)).toMatchObject({ code: 'PICKUP_POINT_FULL', field: 'pickupPointId' });
    expect(errorOf(refused).message).toMatch(/next suggestion: .+\(PO\d+, id [0-9a-f-]{36}/);

    const winner = contenders[answers.findIndex((a) => a.statusCode === 202)]!;
    await eventually(() => shipmentOf(winner.order.id), (x) => x?.state === 'accepted');
    expect((await call('POST', `/v1/orders/${winner.order.id}/cancel`, seller.manager, { reason: 'CUSTOMER_REQUEST' })).statusCode).toBe(202);
    await eventually(() => shipmentOf(winner.order.id), (x) => x?.state === 'released');
    expect(await bookedAt(tiny.id)).toBe(0);
    const loser = contenders[answers.findIndex((a) => a.statusCode === 409)]!;
    expect((await ship(loser.order.id, tiny.id)).statusCode).toBe(202);
  });

  it('frees the slot when the ship job gives up after its last retry, and the seller can ship again', async () => {
    const { order } = await processedOrder();
    const before = await bookedAt(dropoff.id);
    // Booked the way the route books it, then the job's last attempt runs (here, by hand) while
    // Postmart answers only 5xx. The booking's outbox note also starts the workers' own job for it;
    // it waits in the paused queue, so the hand-run attempt is the only one calling Postmart for this
    // booking. (Left running, its attempt could read the booking before the give-up and, with the
    // client's retries, reach Postmart after the faults are off: Postmart would then hold a package for
    // the abandoned booking and refuse the re-ship below with INVALID_STATE_TRANSITION.) Resumed after
    // the give-up, it finds the booking abandoned and ships nothing.
    const principal = { id: seller.manager.id, role: 'seller_manager' as const, name: 'manager', sellerId: seller.sellerId, pickupPointId: null };
    await world.app.queues.orderActions.pause();
    await world.control('PUT', '/config', { faults: { error_rate: 1 } });
    try {
      const { bookingId } = await requestShip(world.app.db, principal, order.id, dropoff.id);
      expect(await bookedAt(dropoff.id)).toBe(before + 1);
      const job = { data: { orderId: order.id, actorUserId: principal.id, action: 'ship' as const, bookingId }, attemptsMade: 7, opts: { attempts: 8 } };
      const run = runJob(orderActionJob, { db: world.app.db, postmart: () => world.app.postmart() }, { db: world.app.db, log: pino({ level: 'silent' }) });
      await expect(run(job)).rejects.toMatchObject({ retryable: true });
    } finally {
      await world.control('PUT', '/config', { faults: { error_rate: 0 } });
      await world.app.queues.orderActions.resume();
    }
    expect(await shipmentOf(order.id)).toMatchObject({ state: 'failed', failure: expect.stringMatching(/^GAVE_UP: /) });
    expect(await bookedAt(dropoff.id)).toBe(before);
    expect((await ship(order.id, dropoff.id)).statusCode).toBe(202);
    await eventually(() => shipmentOf(order.id), (x) => x?.state === 'accepted');
  });
});

describe("the clerk's counter", () => {
  it('receives the parcel with its weight, flags one more than 10% off for the seller, and records the clerk as actor', async () => {
    const shipped = await shippedOrder();
    const light = await shippedOrder();

    const parcels = (await call('GET', `/v1/pickup-points/${dropoff.id}/parcels`, dropClerk)).json();
    expect(parcels.dropoffs.map((d: { orderId: string }) => d.orderId)).toEqual(expect.arrayContaining([shipped.order.id, light.order.id]));

    const ok = await call('POST', `/v1/orders/${shipped.order.id}/handover`, dropClerk, { weightGrams: 2150 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ measuredWeightGrams: 2150, declaredWeightGrams: 2000, weightFlagged: false });
    // More than 10% off must be confirmed: refused (nothing recorded) until the body says so.
    const unconfirmed = await call('POST', `/v1/orders/${light.order.id}/handover`, dropClerk, { weightGrams: 2300 });
    expect(unconfirmed.statusCode).toBe(409);
    expect(errorOf(unconfirmed)).toMatchObject({ code: 'WEIGHT_CONFIRMATION_REQUIRED', field: 'weightGrams' });
    expect(await shipmentOf(light.order.id)).toMatchObject({ measuredWeightGrams: null, handedOverAt: null });
    const off = await call('POST', `/v1/orders/${light.order.id}/handover`, dropClerk, { weightGrams: 2300, weightConfirmed: true });
    expect(off.json()).toMatchObject({ measuredWeightGrams: 2300, weightFlagged: true });
    const event = (await kit.eventsOf(light.order.id)).at(-1)!;
    expect(event).toMatchObject({ source: 'user', actorUserId: dropClerk.id });
    expect(event.note).toMatch(/2300 g, declared 2000 g \(\+15\.0%\); weight flagged for the seller \(confirmed by the clerk\)/);
    expect((await call('GET', `/v1/orders/${light.order.id}/shipment`, seller.manager)).json().weightFlagged).toBe(true);
    expect((await call('POST', `/v1/orders/${light.order.id}/handover`, dropClerk, { weightGrams: 2000 })).statusCode).toBe(409);
  });

  it("keeps clerks to their own point: another point's parcels and orders answer 404", async () => {
    const shipped = await shippedOrder();
    const elsewhere = await makeUser(world.app, 'post_office_clerk', { pickupPointId: (await point('PO30112')).id });
    expect((await call('GET', `/v1/pickup-points/${dropoff.id}/parcels`, elsewhere)).statusCode).toBe(404);
    expect((await call('GET', `/v1/orders/${shipped.order.id}`, elsewhere)).statusCode).toBe(404);
    expect((await call('POST', `/v1/orders/${shipped.order.id}/handover`, elsewhere, { weightGrams: 1 })).statusCode).toBe(404);
    expect((await call('GET', `/v1/orders/${shipped.order.id}`, dropClerk)).statusCode).toBe(200);
    // The clerk reads this order, so seller actions on it are a forbidden action (403), not an invisible object (404).
    expect((await call('POST', `/v1/orders/${shipped.order.id}/cancel`, dropClerk, { reason: 'OUT_OF_STOCK' })).statusCode).toBe(403);
    expect((await call('POST', `/v1/orders/${shipped.order.id}/confirm`, dropClerk)).statusCode).toBe(403);
    expect((await ship(shipped.order.id, dropoff.id, dropClerk)).statusCode).toBe(403);
    expect((await call('POST', `/v1/orders/${shipped.order.id}/cancel`, elsewhere, { reason: 'OUT_OF_STOCK' })).statusCode).toBe(404);
    // A seller manager does not work the counter, nor read it (it shows other sellers' parcels).
    expect((await call('POST', `/v1/orders/${shipped.order.id}/handover`, seller.manager, { weightGrams: 1 })).statusCode).toBe(403);
    expect((await call('GET', `/v1/pickup-points/${dropoff.id}/parcels`, seller.manager)).statusCode).toBe(404);
    // Provincial staff read any counter's day and change nothing there.
    const staff = await makeUser(world.app, 'provincial_staff');
    const seen = await call('GET', `/v1/pickup-points/${dropoff.id}/parcels`, staff);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().dropoffs.map((d: { orderId: string }) => d.orderId)).toContain(shipped.order.id);
    expect((await call('POST', `/v1/orders/${shipped.order.id}/handover`, staff, { weightGrams: 1 })).statusCode).toBe(403);
  });

  it('hands the parcel to the buyer only with the recipient phone, normalized; a wrong number is refused and logged', async () => {
    const shipped = await shippedOrder();
    for (const type of ['CARRIER_RECEIVED', 'ARRIVED_AT_PICKUP_POINT']) await world.control('POST', `/orders/${shipped.sn}/events`, { type });
    await eventually(() => kit.orderBySn(shipped.sn), (o) => o?.status === 'ready_for_pickup');
    const waiting = (await call('GET', `/v1/pickup-points/${collection.id}/parcels`, pickupClerk)).json().pickups;
    expect(waiting.find((p: { orderId: string }) => p.orderId === shipped.order.id)).toMatchObject({ recipientPhone: '0912***678', flaggedForReturn: false, collectedAt: null });

    const cod = (await kit.orderBySn(shipped.sn))!.codAmountVnd;
    const wrong = await call('POST', `/v1/orders/${shipped.order.id}/collect`, pickupClerk, { phone: '0912 345 679', cashVnd: cod });
    expect(wrong.statusCode).toBe(422);
    expect(errorOf(wrong)).toMatchObject({ code: 'RECIPIENT_PHONE_MISMATCH', field: 'phone' });
    expect((await kit.eventsOf(shipped.order.id)).at(-1)).toMatchObject({ actorUserId: pickupClerk.id, note: expect.stringMatching(/collection refused/) });
    expect((await call('POST', `/v1/orders/${shipped.order.id}/collect`, dropClerk, { phone: RECIPIENT_PHONE, cashVnd: cod })).statusCode).toBe(409);

    const right = await call('POST', `/v1/orders/${shipped.order.id}/collect`, pickupClerk, { phone: '+84 912.345.678', cashVnd: cod });
    expect(right.statusCode).toBe(200);
    expect((await kit.eventsOf(shipped.order.id)).at(-1)).toMatchObject({ actorUserId: pickupClerk.id, note: expect.stringMatching(/collected by the buyer/) });
    expect((await call('POST', `/v1/orders/${shipped.order.id}/collect`, pickupClerk, { phone: RECIPIENT_PHONE, cashVnd: cod })).statusCode).toBe(409);
  });

  it('flags parcels not collected within the hold period for return, perishables sooner, and counts them in metrics', async () => {
    const lasting = await processedOrder();
    const fresh = await processedOrder({ shelfLifeDays: 5 });
    for (const o of [lasting, fresh]) {
      expect((await ship(o.order.id, dropoff.id)).statusCode).toBe(202);
      await eventually(() => shipmentOf(o.order.id), (x) => x?.state === 'accepted');
      for (const type of ['CARRIER_RECEIVED', 'ARRIVED_AT_PICKUP_POINT']) await world.control('POST', `/orders/${o.sn}/events`, { type });
      await eventually(() => kit.orderBySn(o.sn), (x) => x?.status === 'ready_for_pickup');
    }
    const day = 86_400_000;
    const flagged = async () => (await call('GET', `/v1/pickup-points/${collection.id}/parcels`, pickupClerk)).json().pickups.filter((p: { flaggedForReturn: boolean }) => p.flaggedForReturn).map((p: { orderId: string }) => p.orderId);

    expect((await flagParcelsForReturn(world.app.db, new Date(Date.now() + 2 * day))).flagged).toBe(0);
    expect((await flagParcelsForReturn(world.app.db, new Date(Date.now() + 4 * day))).flagged).toBe(1);
    expect(await flagged()).toEqual([fresh.order.id]);
    expect((await flagParcelsForReturn(world.app.db, new Date(Date.now() + 8 * day))).flagged).toBe(1);
    expect((await flagged()).sort()).toEqual([fresh.order.id, lasting.order.id].sort());
    expect((await flagParcelsForReturn(world.app.db, new Date(Date.now() + 9 * day))).flagged).toBe(0);

    const metrics = (await world.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain(`pickup_parcels_to_return{pickup_point="${collection.code}"} 2`);
  });
});
