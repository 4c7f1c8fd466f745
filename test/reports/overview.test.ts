import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderPollState } from '../../db/schema/orders.ts';
import { pickupPoints, shipments } from '../../db/schema/pickup-points.ts';
import { newId } from '../../src/lib/ids.ts';
import { vnToday } from '../../src/lib/time.ts';
import { postmartShops } from '../../db/schema/postmart.ts';
import { webhookEvents } from '../../db/schema/webhooks.ts';
import { bearer } from '../support/http.ts';
import { makePickupPoint, makeUser, type TestUser } from '../support/fixtures.ts';
import { cert, FIXED_NOW, listing, order, product, reportsApp, seller } from '../support/reports.ts';

// The server's today is FIXED_NOW's (Wednesday 11 March 2026 in Vietnam): "this month" is March, "last month" February.
const now = FIXED_NOW;

describe('overview report', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let staff: TestUser, managerA: TestUser, clerk: TestUser;
  let a: { id: string; name: string }, b: typeof a;
  let broken: { id: string; sellerId: string };

  beforeAll(async () => {
    ({ app, close } = await reportsApp({}, { now: () => now }));
    const db = app.db;
    a = await seller(app, 'HTX Quýt hồng Lai Vung', '30226');
    b = await seller(app, 'HTX Hoa Sa Đéc', '30112');
    const mandarin = await product(db, a.id, { name: 'Quýt hồng', category: 'fruit', priceVnd: 60_000, certifications: [cert('OCOP_4_STAR'), cert('OCOP_3_STAR', '2020-01-01')] });
    const oldOcop = await product(db, a.id, { name: 'Mứt quýt', category: 'processed', priceVnd: 35_000, certifications: [cert('OCOP_5_STAR', '2020-01-01')] });
    broken = await product(db, a.id, { name: 'Quýt sấy', category: 'processed', priceVnd: 45_000 });
    const flower = await product(db, b.id, { name: 'Cúc mâm xôi', category: 'flower', priceVnd: 80_000, certifications: [cert('OCOP_3_STAR')] });
    await listing(db, mandarin, 'listed');
    await listing(db, oldOcop, 'listed'); // its only OCOP certificate expired: listed, not counted as OCOP
    await listing(db, flower, 'listed');
    await listing(db, broken, 'error', { code: 'INVALID_IMAGE', message: 'Ảnh sản phẩm không tải được' });

    const line = (p: { id: string; priceVnd: number }, qty: number) => [{ productId: p.id, qty, unitPriceVnd: p.priceVnd }];
    // This month: A sells 2 × 60,000 (COD) and has one order to prepare; B sells 1 × 80,000 (VNPAY).
    await order(db, { sellerId: a.id, placedAt: now, status: 'delivered', postOfficeCode: 'BC870000', lines: line(mandarin, 2) });
    const toShip = await order(db, { sellerId: a.id, placedAt: now, status: 'processed', postOfficeCode: 'BC870000', lines: line(mandarin, 1) });
    // BC870000 is in the registry (its name labels it) and takes A's drop-off today; BC871000 is not.
    const lv = newId();
    await db.insert(pickupPoints).values({ id: lv, code: 'BC870000', name: 'Bưu điện Lai Vung', kind: 'BUU_CUC', wardCode: '30226', address: 'Lai Vung', lat: 10.29, lng: 105.65, dailyCapacity: 12, source: 'local' });
    await db.insert(shipments).values({ orderId: toShip, bookingId: newId(), pickupPointId: lv, day: vnToday(now), state: 'requested', declaredWeightGrams: 1000 });
    await order(db, { sellerId: b.id, placedAt: now, status: 'completed', payment: 'VNPAY', postOfficeCode: 'BC871000', lines: line(flower, 1) });
    // Last month: A sold 1 × 35,000.
    await order(db, { sellerId: a.id, placedAt: '2026-02-15T12:00:00+07:00', status: 'completed', lines: line(oldOcop, 1) });

    await db.insert(postmartShops).values([
      { sellerId: a.id, shopId: 'shop-a', status: 'connected' },
      { sellerId: b.id, shopId: 'shop-b', status: 'connected' },
    ]);
    await db.insert(orderPollState).values([
      { shopId: 'shop-a', highWaterMark: 1, lastSuccessAt: new Date('2026-01-02T03:04:05Z') },
      { shopId: 'shop-b', highWaterMark: 1, lastSuccessAt: null },
    ]);
    await db.insert(webhookEvents).values({ eventId: randomUUID(), type: 'order.status_changed', shopId: 'shop-b', eventTime: now, payload: {}, receivedAt: new Date(now.getTime() - 3600_000) });

    staff = await makeUser(app, 'provincial_staff');
    managerA = await makeUser(app, 'seller_manager', { sellerId: a.id });
    clerk = await makeUser(app, 'post_office_clerk', { pickupPointId: await makePickupPoint(app) });
  });
  afterAll(async () => close());

  const overview = async (user: TestUser) => {
    const res = await app.inject({ method: 'GET', url: '/v1/reports/overview', headers: bearer(user) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('gives provincial staff the whole province at a glance', async () => {
    const o = await overview(staff);
    expect(o.scope).toBeNull();
    expect(o.activeSellers).toBe(2);
    expect(o.listedProducts).toBe(3);
    expect(o.ocopListedProducts).toEqual({ stars3: 1, stars4: 1, stars5: 0, total: 2 });
    expect(o.ordersByStatus).toEqual([
      { status: 'completed', orders: 2 },
      { status: 'delivered', orders: 1 },
      { status: 'processed', orders: 1 },
    ]);
    expect(o.thisMonth).toEqual({ orders: 3, units: 3, revenueVnd: 200_000, codRevenueVnd: 120_000 });
    expect(o.lastMonth).toEqual({ orders: 1, units: 1, revenueVnd: 35_000, codRevenueVnd: 35_000 });
    expect(o.topProducts.map((p: { name: string; revenueVnd: number }) => [p.name, p.revenueVnd])).toEqual([
      ['Quýt hồng', 120_000],
      ['Cúc mâm xôi', 80_000],
    ]);
    expect(o.topSellers.map((s: { name: string; orders: number }) => [s.name, s.orders])).toEqual([
      ['HTX Quýt hồng Lai Vung', 2],
      ['HTX Hoa Sa Đéc', 1],
    ]);
    expect(o.pickupPointLoadToday).toEqual([
      { code: 'BC870000', label: 'Bưu điện Lai Vung (BC870000)', orders: 2, dropoffsBooked: 1, dailyCapacity: 12 },
      { code: 'BC871000', label: 'BC871000', orders: 1, dropoffsBooked: 0, dailyCapacity: null },
    ]);
    expect(o.ordersToPrepare).toBe(1);
    const h = o.syncHealth;
    expect([h.listingsPending, h.listingsInError]).toEqual([0, 1]);
    expect(h.listingErrors).toMatchObject([{ productId: broken.id, productName: 'Quýt sấy', code: 'INVALID_IMAGE', message: 'Ảnh sản phẩm không tải được' }]);
    expect(h.webhookFailures).toBe(1);
    expect(h.queues.map((q: { queue: string }) => q.queue)).toContain('order-actions');
    expect(h.lastPolls).toEqual([
      { shopId: 'shop-b', sellerName: 'HTX Hoa Sa Đéc', lastSuccessAt: null },
      { shopId: 'shop-a', sellerName: 'HTX Quýt hồng Lai Vung', lastSuccessAt: '2026-01-02T10:04:05.000+07:00' },
    ]);
  });

  it('cuts a seller manager’s overview to their seller, without the shared queues and webhooks', async () => {
    const o = await overview(managerA);
    expect(o.scope).toEqual({ sellerId: a.id, sellerName: 'HTX Quýt hồng Lai Vung' });
    expect([o.activeSellers, o.listedProducts]).toEqual([1, 2]);
    expect(o.thisMonth).toEqual({ orders: 2, units: 2, revenueVnd: 120_000, codRevenueVnd: 120_000 });
    expect(o.topSellers.map((s: { sellerId: string }) => s.sellerId)).toEqual([a.id]);
    expect(o.topProducts.map((p: { name: string }) => p.name)).toEqual(['Quýt hồng']);
    expect(o.pickupPointLoadToday).toEqual([{ code: 'BC870000', label: 'Bưu điện Lai Vung (BC870000)', orders: 2, dropoffsBooked: 1, dailyCapacity: 12 }]);
    expect(o.syncHealth.queues).toBeNull();
    expect(o.syncHealth.webhookFailures).toBeNull();
    expect(o.syncHealth.lastPolls.map((p: { shopId: string }) => p.shopId)).toEqual(['shop-a']);
    const csv = await app.inject({ method: 'GET', url: '/v1/reports/overview?format=csv', headers: bearer(managerA) });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.startsWith('\uFEFFMục,Mã,Tên,Giá trị\r\n')).toBe(true);
    expect(csv.body).toContain('Tháng này,thisMonth.revenueVnd,Doanh thu (VND),120000');
    expect(csv.body).not.toContain('Sa Đéc');
    expect(csv.body).not.toContain('Cúc mâm xôi');
  });

  it("answers the sales report for the server's last 30 days when no range is given", async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/reports/sales?groupBy=seller', headers: bearer(staff) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ from: '2026-02-10', to: '2026-03-11' });
    // February's sale falls inside those 30 days too.
    expect(res.json().totals).toMatchObject({ orders: 4, revenueVnd: 235_000 });
  });

  it('refuses post-office clerks', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/reports/overview', headers: bearer(clerk) });
    expect(res.statusCode).toBe(403);
  });
});
