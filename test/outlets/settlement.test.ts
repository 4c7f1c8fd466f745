import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counterSales, settlementStatements } from '../../db/schema/outlets.ts';
import { addDays, vnToday } from '../../src/lib/time.ts';
import { commissionOf } from '../../src/services/outlets/commission.ts';
import { buildTestApp } from '../support/app.ts';
import { bearer, errorOf } from '../support/http.ts';
import { outletWorld } from '../support/outlets.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

describe('commission', () => {
  it('rounds each line’s commission to the đồng, half up', () => {
    expect(commissionOf(130000, 1000)).toBe(13000);
    expect(commissionOf(10001, 333)).toBe(333); // 333.03
    expect(commissionOf(15, 3333)).toBe(5); // 4.9995
    expect(commissionOf(3, 5000)).toBe(2); // 1.5
    expect(commissionOf(0, 1000)).toBe(0);
  });
});

describe('monthly settlement', () => {
  it('totals the month’s counter sales per seller and office, each at the rate in force when sold: a mid-month change applies only forward', async () => {
    const w = await outletWorld(app, { rateBp: 1000 });
    const month = vnToday().slice(0, 7);
    const mango = await w.createProduct({ stock: 50, priceVnd: 65000, name: 'Xoài cát' });
    const rice = await w.createProduct({ stock: 50, priceVnd: 120000, name: 'Gạo ST25' });
    await w.stockOffice([{ productId: mango.id, qty: 20 }, { productId: rice.id, qty: 10 }]);
    const rate = (body: Record<string, unknown>) => app.inject({ method: 'POST', url: `/v1/sellers/${w.seller.id}/commission-rates`, headers: bearer(w.admin), payload: body });

    // At 10 %: 2 mangoes.
    expect((await w.sell([{ productId: mango.id, qty: 2 }])).statusCode).toBe(201);
    // The rate changes to 8 % mid-month; a change dated back is refused.
    const backdated = await rate({ rateBp: 500, effectiveFrom: new Date(Date.now() - 86_400_000).toISOString() });
    expect(backdated.statusCode).toBe(400);
    expect(errorOf(backdated).field).toBe('effectiveFrom');
    expect((await rate({ rateBp: 800, note: 'Thỏa thuận mới' })).statusCode).toBe(201);
    // A rate agreed for next week does not touch today's sales.
    expect((await rate({ rateBp: 5000, effectiveFrom: new Date(Date.now() + 7 * 86_400_000).toISOString() })).statusCode).toBe(201);
    // At 8 %: 3 mangoes and 1 rice; a voided sale and last month's sale do not count.
    expect((await w.sell([{ productId: mango.id, qty: 3 }, { productId: rice.id, qty: 1 }])).statusCode).toBe(201);
    const voided = (await w.sell([{ productId: mango.id, qty: 1 }])).json();
    expect((await app.inject({ method: 'POST', url: `/v1/counter-sales/${voided.id}/void`, headers: bearer(w.clerk), payload: { reason: 'Nhập nhầm' } })).statusCode).toBe(200);
    const lastMonth = (await w.sell([{ productId: rice.id, qty: 2 }])).json();
    await app.db.update(counterSales).set({ vnDay: addDays(`${month}-01`, -1) }).where(eq(counterSales.id, lastMonth.id));

    const gen = await app.inject({ method: 'POST', url: '/v1/settlements', headers: bearer(w.admin), payload: { sellerId: w.seller.id, pickupPointId: w.pointId, month } });
    expect(gen.statusCode, gen.body).toBe(200);
    // By hand: 2 × 65 000 = 130 000 at 10 % → 13 000; 3 × 65 000 = 195 000 at 8 % → 15 600; 120 000 at 8 % → 9 600.
    expect(gen.json()).toMatchObject({
      month, state: 'draft', units: 6, salesVnd: 445000, commissionVnd: 38200, owedVnd: 406800,
      lines: [
        { name: 'Gạo ST25', units: 1, salesVnd: 120000, commissionBp: 800, commissionVnd: 9600 },
        { name: 'Xoài cát', units: 2, salesVnd: 130000, commissionBp: 1000, commissionVnd: 13000 },
        { name: 'Xoài cát', units: 3, salesVnd: 195000, commissionBp: 800, commissionVnd: 15600 },
      ],
    });
    const id = gen.json().id;

    const csv = await app.inject({ method: 'GET', url: `/v1/settlements/${id}?format=csv`, headers: bearer(w.manager) });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(rows).toHaveLength(5);
    expect(rows[4]).toMatch(/,TONG,Tổng cộng,6,445000,,38200,406800$/);
    const html = await app.inject({ method: 'GET', url: `/v1/settlements/${id}?format=html`, headers: bearer(w.manager) });
    expect(html.body).toContain('406.800 đ');

    // The clerk sees the office's statements but cannot accept; the seller accepts.
    expect((await app.inject({ method: 'GET', url: '/v1/settlements', headers: bearer(w.clerk) })).json().items.map((s: { id: string }) => s.id)).toContain(id);
    expect((await app.inject({ method: 'POST', url: `/v1/settlements/${id}/accept`, headers: bearer(w.clerk) })).statusCode).toBe(403);
    const accepted = await app.inject({ method: 'POST', url: `/v1/settlements/${id}/accept`, headers: bearer(w.manager) });
    expect(accepted.json()).toMatchObject({ state: 'accepted', acceptedBy: w.manager.id });
  });

  it('keeps an accepted statement immutable: no regeneration, no second accept, and the database refuses any change', async () => {
    const w = await outletWorld(app, { rateBp: 1000 });
    const month = vnToday().slice(0, 7);
    const a = await w.createProduct({ stock: 10, priceVnd: 50000 });
    await w.stockOffice([{ productId: a.id, qty: 5 }]);
    await w.sell([{ productId: a.id, qty: 1 }]);
    const body = { sellerId: w.seller.id, pickupPointId: w.pointId, month };
    const first = (await app.inject({ method: 'POST', url: '/v1/settlements', headers: bearer(w.admin), payload: body })).json();
    // A draft follows later sales when generated again.
    await w.sell([{ productId: a.id, qty: 1 }]);
    const again = (await app.inject({ method: 'POST', url: '/v1/settlements', headers: bearer(w.admin), payload: body })).json();
    expect(again).toMatchObject({ id: first.id, units: 2, salesVnd: 100000 });
    await app.inject({ method: 'POST', url: `/v1/settlements/${first.id}/accept`, headers: bearer(w.admin) });

    await w.sell([{ productId: a.id, qty: 1 }]);
    const regen = await app.inject({ method: 'POST', url: '/v1/settlements', headers: bearer(w.admin), payload: body });
    expect(regen.statusCode).toBe(409);
    expect(errorOf(regen).code).toBe('STATEMENT_ACCEPTED');
    expect((await app.inject({ method: 'POST', url: `/v1/settlements/${first.id}/accept`, headers: bearer(w.manager) })).statusCode).toBe(409);
    // Whatever writes to the table: the trigger refuses (drizzle wraps the database's error as its cause).
    const frozen = { cause: expect.objectContaining({ message: expect.stringMatching(/is accepted and cannot change/) }) };
    await expect(app.db.update(settlementStatements).set({ salesVnd: 1, commissionVnd: 0, owedVnd: 1 }).where(eq(settlementStatements.id, first.id))).rejects.toMatchObject(frozen);
    await expect(app.db.delete(settlementStatements).where(eq(settlementStatements.id, first.id))).rejects.toMatchObject(frozen);
    expect((await app.inject({ method: 'GET', url: `/v1/settlements/${first.id}`, headers: bearer(w.manager) })).json()).toMatchObject({ units: 2, salesVnd: 100000, state: 'accepted' });
  });

  it('reports counter sales next to Postmart sales per post office, separately, with the consigned stock', async () => {
    const w = await outletWorld(app, { rateBp: 1000 });
    const a = await w.createProduct({ stock: 10, priceVnd: 30000 });
    await w.stockOffice([{ productId: a.id, qty: 6 }]);
    await w.sell([{ productId: a.id, qty: 2 }]);
    const res = await app.inject({ method: 'GET', url: '/v1/reports/outlets?groupBy=pickupPoint', headers: bearer(w.manager) });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    // The seller manager's report is cut to their seller: only this office's sale and stock.
    expect(r.totals.counter).toEqual({ sales: 1, units: 2, revenueVnd: 60000 });
    expect(r.totals.postmart).toEqual({ orders: 0, units: 0, revenueVnd: 0 });
    expect(r.rows).toEqual([expect.objectContaining({ counter: { sales: 1, units: 2, revenueVnd: 60000 }, postmart: { orders: 0, units: 0, revenueVnd: 0 } })]);
    expect(r.consignedStock).toEqual([expect.objectContaining({ pickupPointId: w.pointId, units: 4, valueVnd: 120000 })]);
    expect((await app.inject({ method: 'GET', url: '/v1/reports/outlets', headers: bearer(w.clerk) })).statusCode).toBe(403);
  });
});
