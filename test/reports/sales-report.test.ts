import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { communes } from '../../db/schema/communes.ts';
import { orders } from '../../db/schema/orders.ts';
import { bearer, errorOf } from '../support/http.ts';
import { makePickupPoint, makeUser, type TestUser } from '../support/fixtures.ts';
import { cert, order, product, reportsApp, seller } from '../support/reports.ts';

type Row = { key: string; label: string; orders: number; units: number; revenueVnd: number; codRevenueVnd: number; cancelled: number };
type Report = { rows: Row[]; totals: Omit<Row, 'key' | 'label'> };

/**
 * Nine orders of two sellers around the October/November 2025 boundary, with every total below
 * computed by hand from them (the comments show the sums). Vietnam time throughout: order 2 is
 * placed on 1 November in Vietnam while it is still 31 October in UTC.
 */
describe('sales report', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let staff: TestUser, managerA: TestUser, managerB: TestUser, clerk: TestUser;
  let a: { id: string; name: string; wardCode: string }, b: typeof a;
  let order7: string;

  beforeAll(async () => {
    ({ app, close } = await reportsApp());
    const db = app.db;
    a = await seller(app, 'HTX Xoài Mỹ Xương', '30226');
    b = await seller(app, 'HTX Sen, Tháp Mười', '30112');
    const mango = await product(db, a.id, { name: 'Xoài cát', category: 'fruit', priceVnd: 50_000, certifications: [cert('OCOP_4_STAR'), cert('VIETGAP')] });
    const rice = await product(db, a.id, { name: 'Gạo ST25', category: 'rice', priceVnd: 30_000 });
    const lotus = await product(db, b.id, { name: 'Trà sen', category: 'processed', priceVnd: 40_000, certifications: [cert('OCOP_3_STAR')] });
    const line = (p: { id: string; priceVnd: number }, qty: number) => ({ productId: p.id, qty, unitPriceVnd: p.priceVnd });
    const at = (local: string) => `${local}+07:00`;
    // 1: 23:30 on 31 Oct, delivered, COD: 2 × 50,000 + 1 × 30,000 = 130,000, 3 units
    await order(db, { sellerId: a.id, placedAt: at('2025-10-31T23:30:00'), status: 'delivered', postOfficeCode: 'BC870000', lines: [line(mango, 2), line(rice, 1)] });
    // 2: 00:10 on 1 Nov (17:10 UTC on 31 Oct), completed, VNPAY: 50,000
    await order(db, { sellerId: a.id, placedAt: at('2025-11-01T00:10:00'), status: 'completed', payment: 'VNPAY', postOfficeCode: 'BC870000', lines: [line(mango, 1)] });
    // 3: cancelled, 4 × 30,000 never sold
    await order(db, { sellerId: a.id, placedAt: at('2025-11-01T09:00:00'), status: 'cancelled', postOfficeCode: 'BC871000', lines: [line(rice, 4)] });
    // 4: returned: neither sold nor cancelled
    await order(db, { sellerId: a.id, placedAt: at('2025-11-03T10:00:00'), status: 'returned', lines: [line(mango, 1)] });
    // 5: picked up at the post office, COD: 2 × 30,000 = 60,000
    await order(db, { sellerId: a.id, placedAt: at('2025-11-03T11:00:00'), status: 'picked_up', postOfficeCode: 'BC871000', lines: [line(rice, 2)] });
    // 6: seller B, delivered, COD: 3 × 40,000 = 120,000
    await order(db, { sellerId: b.id, placedAt: at('2025-11-01T12:00:00'), status: 'delivered', postOfficeCode: 'BC870000', lines: [line(lotus, 3)] });
    // 7: seller B, still shipping, VNPAY: an order, not yet a sale
    order7 = await order(db, { sellerId: b.id, placedAt: at('2025-11-02T08:00:00'), status: 'shipped', payment: 'VNPAY', lines: [line(lotus, 1)] });
    // 8: 23:30 on 30 Nov, delivered, VNPAY: 50,000
    await order(db, { sellerId: a.id, placedAt: at('2025-11-30T23:30:00'), status: 'delivered', payment: 'VNPAY', postOfficeCode: 'BC870000', lines: [line(mango, 1)] });
    // 9: midnight on 1 Dec: outside every range below
    await order(db, { sellerId: a.id, placedAt: at('2025-12-01T00:00:00'), status: 'delivered', lines: [line(rice, 1)] });

    staff = await makeUser(app, 'provincial_staff');
    managerA = await makeUser(app, 'seller_manager', { sellerId: a.id });
    managerB = await makeUser(app, 'seller_manager', { sellerId: b.id });
    clerk = await makeUser(app, 'post_office_clerk', { pickupPointId: await makePickupPoint(app) });
  });
  afterAll(async () => close());

  const get = (user: TestUser, query: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url: `/v1/reports/sales?${query}`, headers: { ...bearer(user), ...headers } });
  const report = async (user: TestUser, query: string): Promise<Report> => {
    const res = await get(user, query);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const row = (r: Report, key: string) => r.rows.find((x) => x.key === key);
  const NOVEMBER = 'from=2025-10-31&to=2025-11-30';
  // Orders 1–8; sold: 1, 2, 5, 6, 8; units 3 + 1 + 2 + 3 + 1; revenue 130 + 50 + 60 + 120 + 50 thousand; COD 130 + 60 + 120.
  const TOTALS = { orders: 8, units: 10, revenueVnd: 410_000, codRevenueVnd: 310_000, cancelled: 1 };

  it('counts days in Vietnam time: 23:30 on the 31st belongs to the 31st, 00:10 on the 1st to the 1st', async () => {
    const r = await report(staff, `${NOVEMBER}&groupBy=day`);
    expect(r.totals).toEqual(TOTALS);
    expect(r.rows).toHaveLength(31);
    expect(row(r, '2025-10-31')).toEqual({ key: '2025-10-31', label: '31/10/2025', orders: 1, units: 3, revenueVnd: 130_000, codRevenueVnd: 130_000, cancelled: 0 });
    // orders 2, 3, 6: sold 50,000 (VNPAY) + 120,000 (COD); order 3 cancelled
    expect(row(r, '2025-11-01')).toMatchObject({ orders: 3, units: 4, revenueVnd: 170_000, codRevenueVnd: 120_000, cancelled: 1 });
    expect(row(r, '2025-11-30')).toMatchObject({ orders: 1, revenueVnd: 50_000, codRevenueVnd: 0 });
    expect(row(r, '2025-11-15')).toMatchObject({ orders: 0, revenueVnd: 0 });
  });

  it('cuts months and ISO weeks (Monday to Sunday) in Vietnam time', async () => {
    const months = await report(staff, `${NOVEMBER}&groupBy=month`);
    expect(months.rows.map((x) => [x.key, x.label, x.orders, x.revenueVnd])).toEqual([
      ['2025-10', 'Tháng 10/2025', 1, 130_000],
      ['2025-11', 'Tháng 11/2025', 7, 280_000],
    ]);
    const weeks = await report(staff, `${NOVEMBER}&groupBy=week`);
    // Week of Monday 27 Oct: orders 1, 2, 3, 6, 7; week of 3 Nov: orders 4 and 5.
    expect(weeks.rows[0]).toMatchObject({ key: '2025-W44', orders: 5, revenueVnd: 300_000, cancelled: 1 });
    expect(weeks.rows[1]).toMatchObject({ key: '2025-W45', label: 'Tuần 45/2025 (03/11/2025 – 09/11/2025)', orders: 2, units: 2, revenueVnd: 60_000 });
    expect(weeks.totals).toEqual(TOTALS);
  });

  it('groups by seller, by the seller’s commune and by post office, each order once', async () => {
    const sellers = await report(staff, `${NOVEMBER}&groupBy=seller`);
    // A: orders 1, 2, 3, 4, 5, 8; B: orders 6, 7.
    expect(sellers.rows).toEqual([
      { key: a.id, label: 'HTX Xoài Mỹ Xương', orders: 6, units: 7, revenueVnd: 290_000, codRevenueVnd: 190_000, cancelled: 1 },
      { key: b.id, label: 'HTX Sen, Tháp Mười', orders: 2, units: 3, revenueVnd: 120_000, codRevenueVnd: 120_000, cancelled: 0 },
    ]);
    const [communeA] = await app.db.select().from(communes).where(eq(communes.code, '30226'));
    const byCommune = await report(staff, `${NOVEMBER}&groupBy=commune`);
    expect(row(byCommune, '30226')).toMatchObject({ label: communeA!.name, orders: 6, revenueVnd: 290_000 });
    const offices = await report(staff, `${NOVEMBER}&groupBy=pickupPoint`);
    expect(offices.rows).toEqual([
      { key: 'BC870000', label: 'BC870000', orders: 4, units: 8, revenueVnd: 350_000, codRevenueVnd: 250_000, cancelled: 0 },
      { key: 'BC871000', label: 'BC871000', orders: 2, units: 2, revenueVnd: 60_000, codRevenueVnd: 60_000, cancelled: 1 },
      { key: 'none', label: 'Không qua bưu cục', orders: 2, units: 0, revenueVnd: 0, codRevenueVnd: 0, cancelled: 0 },
    ]);
  });

  it('groups by category and certificate, an order counting under each one its lines carry', async () => {
    const categories = await report(staff, `${NOVEMBER}&groupBy=category`);
    expect(categories.rows).toEqual([
      { key: 'fruit', label: 'Trái cây', orders: 4, units: 4, revenueVnd: 200_000, codRevenueVnd: 100_000, cancelled: 0 },
      { key: 'processed', label: 'Sản phẩm chế biến', orders: 2, units: 3, revenueVnd: 120_000, codRevenueVnd: 120_000, cancelled: 0 },
      { key: 'rice', label: 'Gạo', orders: 3, units: 3, revenueVnd: 90_000, codRevenueVnd: 90_000, cancelled: 1 },
    ]);
    expect(categories.totals).toEqual(TOTALS);
    const certs = await report(staff, `${NOVEMBER}&groupBy=certification`);
    expect(Object.fromEntries(certs.rows.map((x) => [x.key, [x.orders, x.revenueVnd]]))).toEqual({
      OCOP_4_STAR: [4, 200_000],
      VIETGAP: [4, 200_000],
      OCOP_3_STAR: [2, 120_000],
      none: [3, 90_000],
    });
  });

  it('follows a status change made after an earlier report', async () => {
    const before = await report(managerB, `${NOVEMBER}&groupBy=seller`);
    await app.db.update(orders).set({ status: 'delivered', updatedAt: new Date() }).where(eq(orders.id, order7));
    const after = await report(managerB, `${NOVEMBER}&groupBy=seller`);
    expect(after.totals.revenueVnd - before.totals.revenueVnd).toBe(40_000);
    await app.db.update(orders).set({ status: 'shipped', updatedAt: new Date() }).where(eq(orders.id, order7));
    expect((await report(managerB, `${NOVEMBER}&groupBy=seller`)).totals).toEqual(before.totals);
  });

  it('shows a seller manager only their own seller’s numbers, in JSON and in CSV', async () => {
    const r = await report(managerA, `${NOVEMBER}&groupBy=seller`);
    expect(r.rows.map((x) => x.key)).toEqual([a.id]);
    expect(r.totals).toEqual({ orders: 6, units: 7, revenueVnd: 290_000, codRevenueVnd: 190_000, cancelled: 1 });
    const offices = await report(managerA, `${NOVEMBER}&groupBy=pickupPoint`);
    expect(row(offices, 'BC870000')).toMatchObject({ orders: 3, revenueVnd: 230_000 }); // orders 1, 2, 8
    for (const [query, headers] of [['', { accept: 'text/csv' }], ['&format=csv', {}]] as const) {
      const res = await get(managerA, `${NOVEMBER}&groupBy=seller${query}`, headers);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('Tháp Mười');
      expect(res.body).not.toContain(b.id);
      expect(res.body).toContain('TONG,Tổng cộng,6,7,290000,190000,1');
    }
  });

  it('downloads as CSV: UTF-8 with BOM, Vietnamese headers, fields quoted by the library', async () => {
    const res = await get(staff, `${NOVEMBER}&groupBy=seller&format=csv`);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('attachment; filename="doanh-thu_seller_2025-10-31_2025-11-30.csv"');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Mã,Nhóm,Số đơn,Số lượng bán,Doanh thu (VND),Doanh thu COD (VND),Đơn hủy');
    expect(lines).toContain(`${b.id},"HTX Sen, Tháp Mười",2,3,120000,120000,0`);
    expect(lines).toContain('TONG,Tổng cộng,8,10,410000,310000,1');
  });

  it('refuses bad input with 400 naming the field, and clerks with 403', async () => {
    const cases: [string, string][] = [
      ['from=2025-11-30&to=2025-11-01', 'from'],
      ['groupBy=district', 'groupBy'],
      ['from=2025-02-30', 'from'],
      ['to=yesterday', 'to'],
      ['format=xlsx', 'format'],
    ];
    for (const [query, field] of cases) {
      const res = await get(staff, query);
      expect(res.statusCode, query).toBe(400);
      expect(errorOf(res).field, query).toBe(field);
    }
    const forbidden = await get(clerk, NOVEMBER);
    expect(forbidden.statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: `/v1/reports/sales?${NOVEMBER}` })).statusCode).toBe(401);
  });
});
