import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickupPoints, shipments } from '../../db/schema/pickup-points.ts';
import { sellers } from '../../db/schema/sellers.ts';
import { flagParcelsForReturn } from '../../src/services/fulfillment/pickup-parcels.ts';
import { vnToday } from '../../src/lib/time.ts';
import { bearer, errorOf } from '../support/http.ts';
import { makeSeller, makeUser, type TestUser } from '../support/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import type { World } from '../support/world.ts';
import { startOrderWorld, type OrderKit, type Seller } from '../support/order-world.ts';

let world: World;
let seller: Seller;
let kit: OrderKit;
let dropoff: typeof pickupPoints.$inferSelect;
let collection: typeof pickupPoints.$inferSelect;
let dropClerk: TestUser;
let pickupClerk: TestUser;
let otherClerk: TestUser;
const RECIPIENT_PHONE = '0947555124';
const point = async (code: string) => (await world.app.db.select().from(pickupPoints).where(eq(pickupPoints.code, code)))[0]!;

beforeAll(async () => {
  ({ world, seller, kit } = await startOrderWorld());
  expect((await world.app.inject({ method: 'POST', url: '/v1/pickup-points/sync', headers: bearer(world.admin) })).statusCode).toBe(200);
  const allDay = [{ open: '00:00', close: '24:00' }];
  await world.app.db.update(pickupPoints).set({ openingHours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay } });
  dropoff = await point('PO30226');
  collection = await point('PO30037');
  dropClerk = await makeUser(world.app, 'post_office_clerk', { pickupPointId: dropoff.id });
  pickupClerk = await makeUser(world.app, 'post_office_clerk', { pickupPointId: collection.id });
  otherClerk = await makeUser(world.app, 'post_office_clerk', { pickupPointId: (await point('PO30112')).id });
});
afterAll(() => world?.close());

const call = (method: 'GET' | 'POST', url: string, who: { token: string }, payload?: unknown, lang = 'en') =>
  world.app.inject({ method, url, headers: { ...bearer(who), 'accept-language': lang }, ...(payload === undefined ? {} : { payload: payload as never }) });
const shipmentOf = async (orderId: string) => (await world.app.db.select().from(shipments).where(eq(shipments.orderId, orderId)))[0];

/**
 * A COD parcel waiting for its buyer at the Tháp Mười office: ordered in the sandbox (price × qty +
 * shipping fee, so the COD amount is known by hand), confirmed, shipped through the seller's
 * office, received there at its declared weight, carried and arrived.
 */
async function waitingParcel(o: { priceVnd?: number; qty?: number; shippingFee?: number; at?: typeof collection } = {}) {
  const product = await kit.createListed({ stock: 50, priceVnd: o.priceVnd ?? 65_000 });
  const sn = await kit.placeOrder(product.sku, o.qty ?? 2, {
    payment_method: 'COD',
    shipping_fee: o.shippingFee ?? 0,
    fulfillment: { mode: 'PICKUP_AT_POST_OFFICE', post_office_code: (o.at ?? collection).code },
    recipient: { phone: RECIPIENT_PHONE },
  });
  const order = (await eventually(() => kit.orderBySn(sn), (x) => x?.stockState === 'reserved'))!;
  expect((await call('POST', `/v1/orders/${order.id}/confirm`, seller.manager)).statusCode).toBe(202);
  await eventually(() => kit.orderBySn(sn), (x) => x?.status === 'processed');
  expect((await call('POST', `/v1/orders/${order.id}/ship`, seller.manager, { pickupPointId: dropoff.id })).statusCode).toBe(202);
  const s = (await eventually(() => shipmentOf(order.id), (x) => x?.state === 'accepted'))!;
  expect((await call('POST', `/v1/orders/${order.id}/handover`, dropClerk, { weightGrams: s.declaredWeightGrams })).statusCode).toBe(200);
  for (const type of ['CARRIER_RECEIVED', 'ARRIVED_AT_PICKUP_POINT']) await world.control('POST', `/orders/${sn}/events`, { type });
  const ready = (await eventually(() => kit.orderBySn(sn), (x) => x?.status === 'ready_for_pickup'))!;
  return { order: ready, sn, product, packageNumber: s.packageNumber! };
}

const collect = (orderId: string, who: TestUser, body: Record<string, unknown>, lang = 'en') => call('POST', `/v1/orders/${orderId}/collect`, who, body, lang);

describe('looking a parcel up by its package number', () => {
  it('shows it to the clerks of the offices it passes through and to its seller; to anyone else it is as unknown as a made-up number', async () => {
    const { order, packageNumber } = await waitingParcel();
    for (const who of [dropClerk, pickupClerk, seller.manager, world.admin]) {
      const res = await call('GET', `/v1/parcels/${packageNumber}`, who);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        packageNumber,
        orderId: order.id,
        status: 'ready_for_pickup',
        codAmountVnd: 130_000,
        recipientPhone: '0947***124',
        dropoff: { pickupPointCode: dropoff.code, declaredWeightGrams: 2000, measuredWeightGrams: 2000, weightFlagged: false },
        pickup: { postOfficeCode: collection.code, pickupPointId: collection.id, collectedAt: null, collectionLocked: false, returnedAt: null },
      });
    }
    const otherManager = await makeUser(world.app, 'seller_manager', { sellerId: (await makeSeller(world.app)).id });
    const unknown = await call('GET', '/v1/parcels/PKG0000000000', pickupClerk);
    expect(unknown.statusCode).toBe(404);
    for (const who of [otherClerk, otherManager]) {
      const res = await call('GET', `/v1/parcels/${packageNumber}`, who);
      expect(res.statusCode).toBe(404);
      expect(errorOf(res)).toEqual(errorOf(unknown));
    }
  });
});

describe('the phone check at collection', () => {
  it('locks the parcel at the fifth wrong number (423, in Vietnamese), logs every try, and a clerk unlocks it only with an identity check', async () => {
    const { order } = await waitingParcel();
    for (let i = 1; i <= 4; i++) {
      const res = await collect(order.id, pickupClerk, { phone: `0947555${100 + i}`, cashVnd: 130_000 });
      expect(res.statusCode).toBe(422);
      expect(errorOf(res)).toMatchObject({ code: 'RECIPIENT_PHONE_MISMATCH', field: 'phone' });
    }
    const fifth = await collect(order.id, pickupClerk, { phone: '0947555199', cashVnd: 130_000 }, 'vi');
    expect(fifth.statusCode).toBe(423);
    expect(errorOf(fifth)).toMatchObject({ code: 'PARCEL_LOCKED', field: 'phone' });
    expect(errorOf(fifth).message).toMatch(/bị khóa nhận hàng vì nhập sai số điện thoại người nhận 5 lần/);
    // Locked: even the right number hands nothing over.
    expect((await collect(order.id, pickupClerk, { phone: RECIPIENT_PHONE, cashVnd: 130_000 })).statusCode).toBe(423);
    const tries = (await kit.eventsOf(order.id)).filter((e) => /collection refused/.test(e.note ?? ''));
    expect(tries).toHaveLength(6);
    expect(tries.every((e) => e.actorUserId === pickupClerk.id)).toBe(true);
    expect(tries[4]!.note).toMatch(/wrong number 5 of 5\); collection locked/);
    expect(tries[5]!.note).toMatch(/locked after 5 wrong phone numbers \(tried 0947\*\*\*124\)/);
    expect((await call('GET', `/v1/parcels/${(await shipmentOf(order.id))!.packageNumber}`, pickupClerk)).json().pickup.collectionLocked).toBe(true);
    const listed = (await call('GET', `/v1/pickup-points/${collection.id}/parcels`, pickupClerk)).json().pickups;
    expect(listed.find((x: { orderId: string }) => x.orderId === order.id)).toMatchObject({ collectionLocked: true });

    // A clerk cannot simply lift the lock; an identity check recorded by the clerk does.
    expect((await call('POST', `/v1/orders/${order.id}/collection-unlock`, pickupClerk, {})).statusCode).toBe(403);
    expect((await call('POST', `/v1/orders/${order.id}/collection-unlock`, pickupClerk, { identityDocument: 'cccd' })).statusCode).toBe(400);
    const unlocked = await call('POST', `/v1/orders/${order.id}/collection-unlock`, pickupClerk, { identityDocument: 'cccd', identityLast4: '4821' });
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json()).toMatchObject({ unlockKind: 'identity' });
    expect((await kit.eventsOf(order.id)).at(-1)!.note).toBe('collection unlocked after an identity check (cccd ending 4821)');
    const ok = await collect(order.id, pickupClerk, { phone: RECIPIENT_PHONE, cashVnd: 130_000 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ orderId: order.id, cashVnd: 130_000 });
  });

  it('counts parallel guesses one by one: of eight at once, four are refused and the rest find the parcel locked; an admin unlocks it', async () => {
    const { order } = await waitingParcel();
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => collect(order.id, pickupClerk, { phone: `0947555${200 + i}`, cashVnd: 130_000 })));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([422, 422, 422, 422, 423, 423, 423, 423]);
    expect((await kit.eventsOf(order.id)).filter((e) => /collection refused/.test(e.note ?? ''))).toHaveLength(8);
    expect((await call('POST', `/v1/orders/${order.id}/collection-unlock`, world.admin, {})).json()).toMatchObject({ unlockKind: 'admin' });
    // The count starts again after an unlock.
    expect((await collect(order.id, pickupClerk, { phone: '0947555300', cashVnd: 130_000 })).statusCode).toBe(422);
  });
});

describe('cash on delivery at the counter', () => {
  it('records the cash taken on the day sheet, totals it per clerk and for the office, and a closed day refuses further collections', async () => {
    // An office of its own: closing its day must not close the day of the other tests' office.
    const collection = await point('PO30010');
    const pickupClerk = await makeUser(world.app, 'post_office_clerk', { pickupPointId: collection.id });
    const pickupClerk2 = await makeUser(world.app, 'post_office_clerk', { pickupPointId: collection.id });
    const a = await waitingParcel({ priceVnd: 65_000, qty: 2, shippingFee: 15_000, at: collection }); // COD 145,000
    const b = await waitingParcel({ priceVnd: 120_000, qty: 1, shippingFee: 0, at: collection }); // COD 120,000
    const c = await waitingParcel({ priceVnd: 65_000, qty: 3, shippingFee: 22_000, at: collection }); // COD 217,000
    const late = await waitingParcel({ priceVnd: 50_000, qty: 1, shippingFee: 0, at: collection });
    const today = vnToday();
    const before = (await call('GET', `/v1/pickup-points/${collection.id}/cash?date=${today}`, pickupClerk)).json().totals;

    const missing = await collect(a.order.id, pickupClerk, { phone: RECIPIENT_PHONE });
    expect(missing.statusCode).toBe(400);
    expect(errorOf(missing).field).toBe('cashVnd');
    const short = await collect(b.order.id, pickupClerk, { phone: RECIPIENT_PHONE, cashVnd: 100_000 });
    expect(short.statusCode).toBe(422);
    expect(errorOf(short)).toMatchObject({ code: 'COD_CASH_MISMATCH', field: 'cashVnd' });
    expect((await call('GET', `/v1/parcels/${b.packageNumber}`, pickupClerk)).json().pickup.collectedAt).toBeNull();

    expect((await collect(a.order.id, pickupClerk, { phone: RECIPIENT_PHONE, cashVnd: 145_000 })).statusCode).toBe(200);
    expect((await collect(b.order.id, pickupClerk, { phone: RECIPIENT_PHONE, cashVnd: 100_000, cashReason: 'Người bán đồng ý giảm 20.000 đ vì hộp móp' })).statusCode).toBe(200);
    expect((await collect(c.order.id, pickupClerk2, { phone: RECIPIENT_PHONE, cashVnd: 217_000 })).statusCode).toBe(200);

    const sheet = (await call('GET', `/v1/pickup-points/${collection.id}/cash?date=${today}`, pickupClerk)).json();
    expect(sheet.closed).toBeNull();
    // Hand-computed: expected 145,000 + 120,000 + 217,000 = 482,000; taken 145,000 + 100,000 + 217,000 = 462,000.
    expect(sheet.totals).toEqual({
      parcels: before.parcels + 3,
      expectedVnd: before.expectedVnd + 482_000,
      takenVnd: before.takenVnd + 462_000,
      differenceVnd: before.differenceVnd - 20_000,
    });
    const mine = sheet.items.filter((i: { orderId: string }) => [a, b, c].some((x) => x.order.id === i.orderId));
    expect(mine).toEqual([
      expect.objectContaining({ orderId: a.order.id, packageNumber: a.packageNumber, clerkId: pickupClerk.id, expectedVnd: 145_000, takenVnd: 145_000, differenceVnd: 0, reason: null }),
      expect.objectContaining({ orderId: b.order.id, clerkId: pickupClerk.id, expectedVnd: 120_000, takenVnd: 100_000, differenceVnd: -20_000, reason: 'Người bán đồng ý giảm 20.000 đ vì hộp móp' }),
      expect.objectContaining({ orderId: c.order.id, clerkId: pickupClerk2.id, expectedVnd: 217_000, takenVnd: 217_000, differenceVnd: 0 }),
    ]);
    const second = sheet.clerks.find((k: { clerkId: string }) => k.clerkId === pickupClerk2.id);
    expect(second).toEqual({ clerkId: pickupClerk2.id, clerkName: expect.any(String), parcels: 1, expectedVnd: 217_000, takenVnd: 217_000, differenceVnd: 0 });
    const own = (await call('GET', `/v1/pickup-points/${collection.id}/cash?date=${today}&clerkId=${pickupClerk2.id}`, pickupClerk2)).json();
    expect(own.items.map((i: { orderId: string }) => i.orderId)).toEqual([c.order.id]);
    // Another office's sheet is not theirs to read; a seller manager reads no counter.
    expect((await call('GET', `/v1/pickup-points/${collection.id}/cash`, otherClerk)).statusCode).toBe(404);
    expect((await call('GET', `/v1/pickup-points/${collection.id}/cash`, seller.manager)).statusCode).toBe(404);

    const closed = await call('POST', `/v1/pickup-points/${collection.id}/cash/close`, pickupClerk, { date: today });
    expect(closed.statusCode).toBe(200);
    expect(closed.json().closed).toMatchObject({ closedBy: pickupClerk.id, parcels: sheet.totals.parcels, totalVnd: sheet.totals.takenVnd });
    const refused = await collect(late.order.id, pickupClerk, { phone: RECIPIENT_PHONE, cashVnd: 50_000 });
    expect(refused.statusCode).toBe(409);
    expect(errorOf(refused)).toMatchObject({ code: 'CASH_DAY_CLOSED' });
    expect((await call('GET', `/v1/parcels/${late.packageNumber}`, pickupClerk)).json().pickup.collectedAt).toBeNull();
    expect(errorOf(await call('POST', `/v1/pickup-points/${collection.id}/cash/close`, pickupClerk, { date: today })).code).toBe('CASH_DAY_CLOSED');
    expect((await call('GET', `/v1/pickup-points/${collection.id}/cash?date=${today}`, pickupClerk)).json().totals).toEqual(sheet.totals);
    expect((await call('POST', `/v1/pickup-points/${collection.id}/cash/close`, otherClerk, { date: today })).statusCode).toBe(404);

    // The provincial report counts the cash per post office.
    const overview = (await call('GET', '/v1/reports/overview', world.admin)).json();
    const office = overview.counterCash.find((r: { pickupPointId: string }) => r.pickupPointId === collection.id);
    expect(office).toMatchObject({ code: collection.code, parcels: sheet.totals.parcels, cashVnd: sheet.totals.takenVnd });
  });
});

describe('returns to the seller', () => {
  it('lists parcels past their hold and refused ones, hands one back after the seller phone check, and the stock comes back once', async () => {
    const expired = await waitingParcel({ qty: 3 });
    const refused = await waitingParcel({ qty: 1 });
    await world.control('POST', `/orders/${refused.sn}/events`, { type: 'DELIVERY_FAILED' });
    await eventually(() => kit.orderBySn(refused.sn), (x) => x?.status === 'failed_delivery');
    await flagParcelsForReturn(world.app.db, new Date(Date.now() + 8 * 86_400_000));

    const list = (await call('GET', `/v1/pickup-points/${collection.id}/returns`, pickupClerk)).json().items;
    expect(list.find((i: { orderId: string }) => i.orderId === expired.order.id)).toMatchObject({ cause: 'hold_expired', packageNumber: expired.packageNumber, status: 'ready_for_pickup' });
    expect(list.find((i: { orderId: string }) => i.orderId === refused.order.id)).toMatchObject({ cause: 'refused', status: 'failed_delivery' });
    expect((await call('GET', `/v1/pickup-points/${collection.id}/returns`, dropClerk)).statusCode).toBe(404);

    const stockBefore = await kit.stockOf(expired.product.id);
    const sellerPhone = (await world.app.db.select({ phone: sellers.phone }).from(sellers).where(eq(sellers.id, seller.sellerId)))[0]!.phone;
    const wrong = await call('POST', `/v1/orders/${expired.order.id}/return`, pickupClerk, { receivedByName: 'Nguyễn Văn Tư', sellerPhone: '0900000999' });
    expect(wrong.statusCode).toBe(422);
    expect(errorOf(wrong)).toMatchObject({ code: 'SELLER_PHONE_MISMATCH', field: 'sellerPhone' });
    expect(await kit.stockOf(expired.product.id)).toBe(stockBefore);
    expect((await call('POST', `/v1/orders/${expired.order.id}/return`, otherClerk, { receivedByName: 'Nguyễn Văn Tư', sellerPhone })).statusCode).toBe(404);

    const done = await call('POST', `/v1/orders/${expired.order.id}/return`, pickupClerk, { receivedByName: 'Nguyễn Văn Tư', sellerPhone });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ orderId: expired.order.id, status: 'returned', receivedByName: 'Nguyễn Văn Tư' });
    expect(await kit.orderBySn(expired.sn)).toMatchObject({ status: 'returned', stockState: 'released' });
    expect(await kit.stockOf(expired.product.id)).toBe(stockBefore + 3);
    expect(await kit.ledgerSum(expired.product.id)).toBe(stockBefore + 3);
    expect((await kit.eventsOf(expired.order.id)).at(-1)).toMatchObject({ actorUserId: pickupClerk.id, toStatus: 'returned', note: expect.stringMatching(/handed to Nguyễn Văn Tư, seller phone verified/) });
    const after = (await call('GET', `/v1/pickup-points/${collection.id}/returns`, pickupClerk)).json().items;
    expect(after.map((i: { orderId: string }) => i.orderId)).not.toContain(expired.order.id);
    expect((await call('POST', `/v1/orders/${expired.order.id}/return`, pickupClerk, { receivedByName: 'Nguyễn Văn Tư', sellerPhone })).statusCode).toBe(409);

    // Postmart's own return follows from the carrier; it neither undoes the return nor gives the stock back twice.
    for (const type of ['DELIVERY_FAILED', 'RETURNED']) await world.control('POST', `/orders/${expired.sn}/events`, { type });
    await eventually(() => kit.orderBySn(expired.sn), (x) => x?.remoteStatus === 'RETURNED');
    expect(await kit.orderBySn(expired.sn)).toMatchObject({ status: 'returned', stockState: 'released' });
    expect(await kit.stockOf(expired.product.id)).toBe(stockBefore + 3);
    expect(await kit.ledgerSum(expired.product.id)).toBe(stockBefore + 3);
    const remote = (await kit.remoteOrders()).find((o) => o.order_sn === expired.sn)!;
    expect(remote.status).toBe('RETURNED');

    // The refused parcel goes back the same way.
    const back = await call('POST', `/v1/orders/${refused.order.id}/return`, pickupClerk, { receivedByName: 'Trần Thị Lan', sellerPhone: `0${sellerPhone.slice(3)}` });
    expect(back.statusCode).toBe(200);
  });
});
