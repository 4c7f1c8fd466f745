import { randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderEvents, orderLines, orders } from '../../db/schema/orders.ts';
import { newId } from '../../src/lib/ids.ts';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makePickupPoint, makeUser, type TestUser } from '../support/fixtures.ts';

// The read API is tested on orders written straight to the tables: how orders get there (webhook,
// poller, reservation) is test/orders/order-import.test.ts's subject.
let app: FastifyInstance;
let admin: TestUser;
let staff: TestUser;
let manager: TestUser;
let clerk: TestUser;
let mine: string;
let theirs: string;

async function insertOrder(sellerId: string, over: Partial<typeof orders.$inferInsert> = {}) {
  const id = newId();
  await app.db.insert(orders).values({
    id,
    sellerId,
    shopId: 'shop_api_test',
    orderSn: `SN${randomInt(1e12)}`,
    status: 'ready_to_ship',
    remoteStatus: 'READY_TO_SHIP',
    remoteUpdateTime: 1_790_000_000,
    remoteCreateTime: 1_790_000_000,
    paymentMethod: 'COD',
    codAmountVnd: 135_000,
    shippingFeeVnd: 25_000,
    voucherAmountVnd: 0,
    totalAmountVnd: 135_000,
    recipientName: 'Nguyễn Thị Hoa',
    recipientPhone: '0912345678',
    recipientAddressLine: 'Ấp 3',
    recipientWardCode: '30226',
    recipientWardCodeRaw: '30226',
    recipientWardName: 'Xã Lai Vung',
    fulfillmentMode: 'HOME_DELIVERY',
    ...over,
  });
  await app.db.insert(orderLines).values({ orderId: id, lineNo: 1, sellerSku: 'QUYT-1', name: 'Quýt hồng Lai Vung', qty: 2, unitPriceVnd: 55_000 });
  await app.db.insert(orderEvents).values({ orderId: id, toStatus: 'ready_to_ship', source: 'webhook' });
  return id;
}

beforeAll(async () => {
  app = await buildTestApp();
  mine = (await makeSeller(app)).id;
  theirs = (await makeSeller(app)).id;
  admin = await makeUser(app, 'admin');
  staff = await makeUser(app, 'provincial_staff');
  manager = await makeUser(app, 'seller_manager', { sellerId: mine });
  clerk = await makeUser(app, 'post_office_clerk', { pickupPointId: await makePickupPoint(app) });
});
afterAll(() => app?.close());

describe('GET /v1/orders and /v1/orders/:id', () => {
  it("shows a seller manager only their seller's orders; another seller's order answers 404", async () => {
    const own = await insertOrder(mine);
    const other = await insertOrder(theirs);
    const list = (await app.inject({ url: `/v1/orders?limit=100`, headers: bearer(manager) })).json();
    expect(list.items.map((o: { id: string }) => o.id)).toContain(own);
    expect(list.items.every((o: { sellerId: string }) => o.sellerId === mine)).toBe(true);
    expect((await app.inject({ url: `/v1/orders/${other}`, headers: bearer(manager) })).statusCode).toBe(404);
    const detail = (await app.inject({ url: `/v1/orders/${own}`, headers: bearer(manager) })).json();
    expect(detail).toMatchObject({ id: own, totalAmountVnd: 135_000, codAmountVnd: 135_000, shippingFeeVnd: 25_000, recipient: { phone: '0912345678', wardCode: '30226' } });
    expect(detail.lines).toEqual([{ productId: null, sellerSku: 'QUYT-1', name: 'Quýt hồng Lai Vung', qty: 2, unitPriceVnd: 55_000 }]);
    expect(detail.events).toEqual([expect.objectContaining({ toStatus: 'ready_to_ship', source: 'webhook' })]);
  });

  it('masks the recipient phone for provincial staff and shows it whole to admins', async () => {
    const id = await insertOrder(mine);
    expect((await app.inject({ url: `/v1/orders/${id}`, headers: bearer(staff) })).json().recipient.phone).toBe('0912***678');
    expect((await app.inject({ url: `/v1/orders/${id}`, headers: bearer(admin) })).json().recipient.phone).toBe('0912345678');
  });

  it('lists orders still to ship past their ship-by deadline with overdue=true', async () => {
    const seller = (await makeSeller(app)).id;
    const late = await insertOrder(seller, { shipBy: new Date(Date.now() - 3600_000) });
    const early = await insertOrder(seller, { shipBy: new Date(Date.now() + 3600_000) });
    const shippedLate = await insertOrder(seller, { shipBy: new Date(Date.now() - 3600_000), status: 'shipped', remoteStatus: 'SHIPPED' });
    const res = (await app.inject({ url: `/v1/orders?sellerId=${seller}&overdue=true`, headers: bearer(admin) })).json();
    expect(res.items.map((o: { id: string }) => o.id)).toEqual([late]);
    expect(res.items[0].overdue).toBe(true);
    const all = (await app.inject({ url: `/v1/orders?sellerId=${seller}`, headers: bearer(admin) })).json();
    expect(all.items.map((o: { id: string }) => o.id).sort()).toEqual([late, early, shippedLate].sort());
  });

  it('counts orders still to ship past their deadline per seller in the orders_overdue gauge at GET /metrics', async () => {
    const seller = (await makeSeller(app)).id;
    const overdue = async () => {
      const res = await app.inject({ url: '/metrics' });
      expect(res.statusCode).toBe(200);
      const line = res.body.split('\n').find((l) => l.startsWith(`orders_overdue{seller_id="${seller}"}`));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    expect(await overdue()).toBe(0);
    await insertOrder(seller, { shipBy: new Date(Date.now() - 3600_000) });
    await insertOrder(seller, { shipBy: new Date(Date.now() - 60_000), status: 'processed', remoteStatus: 'PROCESSED' });
    await insertOrder(seller, { shipBy: new Date(Date.now() + 3600_000) });
    await insertOrder(seller, { shipBy: new Date(Date.now() - 3600_000), status: 'shipped', remoteStatus: 'SHIPPED' });
    await insertOrder(seller, { shipBy: new Date(Date.now() - 3600_000), status: 'cancelled', remoteStatus: 'CANCELLED' });
    expect(await overdue()).toBe(2);
  });

  it('filters by placement time, an instant given in Vietnam time included', async () => {
    const seller = (await makeSeller(app)).id;
    // 2026-10-31 23:30 in Hồ Chí Minh is 16:30 UTC.
    const t = Date.parse('2026-10-31T16:30:00Z') / 1000;
    const id = await insertOrder(seller, { remoteCreateTime: t });
    const inside = (await app.inject({ url: `/v1/orders?sellerId=${seller}&from=${encodeURIComponent('2026-10-31T00:00:00+07:00')}&to=${encodeURIComponent('2026-11-01T00:00:00+07:00')}`, headers: bearer(admin) })).json();
    expect(inside.items.map((o: { id: string }) => o.id)).toEqual([id]);
    expect(inside.items[0].placedAt).toBe('2026-10-31T23:30:00.000+07:00');
    const after = (await app.inject({ url: `/v1/orders?sellerId=${seller}&from=${encodeURIComponent('2026-11-01T00:00:00+07:00')}`, headers: bearer(admin) })).json();
    expect(after.items).toEqual([]);
  });

  it('refuses clerks (their parcels come with the pickup points) and bad input with 4xx naming the field', async () => {
    expect((await app.inject({ url: '/v1/orders', headers: bearer(clerk) })).statusCode).toBe(403);
    const bad = await app.inject({ url: '/v1/orders?status=lost', headers: { ...bearer(admin), 'accept-language': 'en' } });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).field).toBe('status');
    const cursor = await app.inject({ url: '/v1/orders?cursor=nope', headers: bearer(admin) });
    expect(errorOf(cursor).field).toBe('cursor');
  });
});
