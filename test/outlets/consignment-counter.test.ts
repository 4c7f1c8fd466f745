import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counterSales } from '../../db/schema/outlets.ts';
import { addDays, vnToday } from '../../src/lib/time.ts';
import { crc16CcittFalse } from '../../src/services/outlets/vietqr.ts';
import { reserveStock } from '../../src/services/stock/ledger.ts';
import { buildTestApp } from '../support/app.ts';
import { makePickupPoint, makeUser } from '../support/fixtures.ts';
import { bearer, errorOf } from '../support/http.ts';
import { ledgerByLocation, outletWorld } from '../support/outlets.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

describe('consignment', () => {
  it('takes the goods from the farm when sent, puts the clerk’s count on the shelf and records the difference', async () => {
    const w = await outletWorld(app, { rateBp: 1000 });
    const mango = await w.createProduct({ stock: 20, shelfLifeDays: 5 });
    const sent = await w.consign([{ productId: mango.id, qty: 12, lot: 'L-0311', harvestDate: vnToday() }]);
    expect(sent.statusCode, sent.body).toBe(201);
    const c = sent.json();
    expect(c).toMatchObject({ state: 'sent', lines: [{ qtySent: 12, qtyReceived: null, difference: null, lot: 'L-0311', shelfLifeDays: 5, bestBefore: addDays(vnToday(), 5), remaining: 0 }] });
    expect(await ledgerByLocation(app, mango.id, w.pointId)).toEqual({ farm: { stock: 8, ledger: 8 }, office: { stock: 0, ledger: 0 }, negativeRows: 0 });

    // One crate arrived crushed: the clerk counts 11.
    const got = await w.receive(c, [11]);
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json()).toMatchObject({ state: 'received', receivedBy: w.clerk.id, lines: [{ qtySent: 12, qtyReceived: 11, difference: -1, remaining: 11 }] });
    expect(await ledgerByLocation(app, mango.id, w.pointId)).toEqual({ farm: { stock: 8, ledger: 8 }, office: { stock: 11, ledger: 11 }, negativeRows: 0 });

    const where = await app.inject({ method: 'GET', url: `/v1/products/${mango.id}/stock-by-location`, headers: bearer(w.manager) });
    expect(where.json()).toMatchObject({ farm: 8, total: 19, postOffices: [{ pickupPointId: w.pointId, stock: 11 }] });
    // What Postmart sells stays the farm's stock.
    expect((await app.inject({ method: 'GET', url: `/v1/products/${mango.id}`, headers: bearer(w.manager) })).json().stock).toBe(8);

    const again = await w.receive(c, [12]);
    expect(again.statusCode).toBe(409);
    expect(errorOf(again).code).toBe('CONSIGNMENT_ALREADY_RECEIVED');
  });

  it('refuses a transfer larger than the farm’s stock and takes nothing', async () => {
    const w = await outletWorld(app, { rateBp: 1000 });
    const a = await w.createProduct({ stock: 5 });
    const b = await w.createProduct({ stock: 5 });
    const res = await w.consign([{ productId: a.id, qty: 2 }, { productId: b.id, qty: 6 }]);
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('INSUFFICIENT_STOCK');
    expect((await ledgerByLocation(app, a.id, w.pointId)).farm).toEqual({ stock: 5, ledger: 5 });
  });

  it('needs an agreed commission before goods are consigned', async () => {
    const w = await outletWorld(app);
    const a = await w.createProduct({ stock: 5 });
    const res = await w.consign([{ productId: a.id, qty: 1 }]);
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('NO_COMMISSION_RATE');
  });

  it('lets only the office’s clerks receive: a clerk elsewhere gets 404, the seller 403', async () => {
    const w = await outletWorld(app, { rateBp: 1000 });
    const a = await w.createProduct({ stock: 5 });
    const c = (await w.consign([{ productId: a.id, qty: 1 }])).json();
    const elsewhere = await makeUser(app, 'post_office_clerk', { pickupPointId: await makePickupPoint(app) });
    expect((await w.receive(c, [1], elsewhere)).statusCode).toBe(404);
    expect((await w.receive(c, [1], w.manager)).statusCode).toBe(403);
  });

  it('lists the shelf with perishables nearest their best-before first and goods that keep last', async () => {
    const w = await outletWorld(app, { rateBp: 1000 });
    const rice = await w.createProduct({ stock: 50, name: 'Gạo Tháp Mười', category: 'rice' });
    const mango = await w.createProduct({ stock: 50, name: 'Xoài cát', shelfLifeDays: 7 });
    const lotus = await w.createProduct({ stock: 50, name: 'Sen tươi', category: 'flower' });
    await w.stockOffice([
      { productId: rice.id, qty: 10 },
      { productId: mango.id, qty: 10, harvestDate: addDays(vnToday(), -4) },
      { productId: lotus.id, qty: 10, shelfLifeDays: 2 },
    ]);
    const res = await app.inject({ method: 'GET', url: `/v1/pickup-points/${w.pointId}/shelf`, headers: bearer(w.clerk) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().lots.map((l: { name: string; daysLeft: number | null; nearExpiry: boolean }) => [l.name, l.daysLeft, l.nearExpiry])).toEqual([
      ['Sen tươi', 2, true],
      ['Xoài cát', 3, false],
      ['Gạo Tháp Mười', null, false],
    ]);
  });

  it('returns unsold goods to the farm’s stock and expiring ones off the shelf only', async () => {
    const w = await outletWorld(app, { rateBp: 1000 });
    const a = await w.createProduct({ stock: 10, shelfLifeDays: 3 });
    const c = await w.stockOffice([{ productId: a.id, qty: 6 }]);
    const ret = (body: Record<string, unknown>) => app.inject({ method: 'POST', url: '/v1/consignment-returns', headers: bearer(w.clerk), payload: body });
    const unsold = await ret({ lineId: c.lines[0]!.id, qty: 2, reason: 'unsold' });
    expect(unsold.statusCode, unsold.body).toBe(201);
    expect(unsold.json()).toMatchObject({ restocked: true, remaining: 4 });
    const expiring = await ret({ lineId: c.lines[0]!.id, qty: 1, reason: 'expiring', note: 'Sắp hết hạn' });
    expect(expiring.json()).toMatchObject({ restocked: false, remaining: 3 });
    expect(await ledgerByLocation(app, a.id, w.pointId)).toEqual({ farm: { stock: 6, ledger: 6 }, office: { stock: 3, ledger: 3 }, negativeRows: 0 });
    const tooMany = await ret({ lineId: c.lines[0]!.id, qty: 4, reason: 'unsold' });
    expect(tooMany.statusCode).toBe(409);
    expect(errorOf(tooMany).code).toBe('INSUFFICIENT_OUTLET_STOCK');
  });
});

describe('counter sales', () => {
  it('sells a cash basket off the shelf, nearest best-before lot first, with change and a printable receipt', async () => {
    const w = await outletWorld(app, { rateBp: 1000 });
    const mango = await w.createProduct({ stock: 30, priceVnd: 65000, shelfLifeDays: 10, name: 'Xoài cát Hòa Lộc' });
    const rice = await w.createProduct({ stock: 30, priceVnd: 120000, name: 'Gạo ST25', unit: 'tui' });
    const fresh = await w.stockOffice([{ productId: mango.id, qty: 5, harvestDate: vnToday() }]);
    const older = await w.stockOffice([{ productId: mango.id, qty: 3, harvestDate: addDays(vnToday(), -5) }, { productId: rice.id, qty: 4 }]);

    const res = await w.sell([{ productId: mango.id, qty: 4 }, { productId: rice.id, qty: 1 }], 'cash', w.clerk, { cashReceivedVnd: 400000 });
    expect(res.statusCode, res.body).toBe(201);
    const sale = res.json();
    expect(sale).toMatchObject({ payment: 'cash', totalVnd: 380000, cashReceivedVnd: 400000, changeVnd: 20000, state: 'completed', vnDay: vnToday(), vietqrPayload: null });
    expect(sale.receiptNo).toMatch(/^BD-\d{6,}$/);
    expect(sale.lines).toEqual(expect.arrayContaining([expect.objectContaining({ productId: mango.id, qty: 4, amountVnd: 260000, commissionBp: 1000, commissionVnd: 26000 })]));

    // The older lot (3) went first, then one from the fresh lot.
    const consignment = (id: string) => app.inject({ method: 'GET', url: `/v1/consignments/${id}`, headers: bearer(w.clerk) }).then((r) => r.json());
    expect((await consignment(older.id)).lines.find((l: { productId: string }) => l.productId === mango.id).remaining).toBe(0);
    expect((await consignment(fresh.id)).lines[0].remaining).toBe(4);
    expect(await ledgerByLocation(app, mango.id, w.pointId)).toEqual({ farm: { stock: 22, ledger: 22 }, office: { stock: 4, ledger: 4 }, negativeRows: 0 });

    const receipt = await app.inject({ method: 'GET', url: `/v1/counter-sales/${sale.id}/receipt`, headers: bearer(w.clerk) });
    expect(receipt.statusCode).toBe(200);
    expect(receipt.headers['content-type']).toMatch(/^text\/html/);
    expect(receipt.body).toContain(sale.receiptNo);
    expect(receipt.body).toContain('Xoài cát Hòa Lộc');
    expect(receipt.body).toContain('380.000 đ');
    expect(receipt.body).toContain('Tiền thừa: 20.000 đ');
  });

  it('answers a VietQR payload to the office’s account for a bank transfer, and refuses one where the office has no account', async () => {
    const w = await outletWorld(app, { rateBp: 500, outlet: { bankBin: '970405', bankAccount: '5100205123456', bankAccountName: 'BUU DIEN LAI VUNG' } });
    const a = await w.createProduct({ stock: 10, priceVnd: 45000 });
    await w.stockOffice([{ productId: a.id, qty: 5 }]);
    const res = await w.sell([{ productId: a.id, qty: 2 }], 'bank_transfer');
    expect(res.statusCode, res.body).toBe(201);
    const { vietqrPayload, receiptNo, cashReceivedVnd } = res.json();
    expect(cashReceivedVnd).toBeNull();
    expect(vietqrPayload).toContain('0010A000000727');
    expect(vietqrPayload).toContain('00069704050113' + '5100205123456');
    expect(vietqrPayload).toContain('540590000');
    expect(vietqrPayload).toContain(receiptNo);
    expect(crc16CcittFalse(vietqrPayload.slice(0, -4))).toBe(vietqrPayload.slice(-4));

    const bare = await outletWorld(app, { rateBp: 500 });
    const b = await bare.createProduct({ stock: 10 });
    await bare.stockOffice([{ productId: b.id, qty: 5 }]);
    const refused = await bare.sell([{ productId: b.id, qty: 1 }], 'bank_transfer');
    expect(refused.statusCode).toBe(409);
    expect(errorOf(refused)).toMatchObject({ code: 'OUTLET_NO_BANK_ACCOUNT', field: 'payment' });
  });

  it('refuses a basket the shelf cannot fill, in Vietnamese or English, and sells nothing of it', async () => {
    const w = await outletWorld(app, { rateBp: 1000 });
    const a = await w.createProduct({ stock: 10, name: 'Khô cá lóc' });
    const b = await w.createProduct({ stock: 10 });
    await w.stockOffice([{ productId: a.id, qty: 2 }, { productId: b.id, qty: 2 }]);
    const res = await w.sell([{ productId: b.id, qty: 1 }, { productId: a.id, qty: 3 }]);
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).message).toBe('Trường «lines»: bưu cục chỉ còn 2 Khô cá lóc, không đủ 3');
    const en = await app.inject({ method: 'POST', url: '/v1/counter-sales', headers: { ...bearer(w.clerk), 'accept-language': 'en' }, payload: { lines: [{ productId: a.id, qty: 3 }], payment: 'cash' } });
    expect(errorOf(en).message).toBe("Field 'lines': the post office holds only 2 of Khô cá lóc, not 3");
    expect((await ledgerByLocation(app, b.id, w.pointId)).office).toEqual({ stock: 2, ledger: 2 });
  });

  it('answers the sale already made when the same request comes again with its Idempotency-Key, even once the shelf is empty, and sells once', async () => {
    const w = await outletWorld(app, { rateBp: 1000 });
    const a = await w.createProduct({ stock: 10, priceVnd: 30000 });
    await w.stockOffice([{ productId: a.id, qty: 2 }]);
    const key = `sale-${randomUUID()}`;
    const send = (lines: { productId: string; qty: number }[], by = w.clerk, extra: Record<string, unknown> = {}, lang = 'vi') =>
      app.inject({ method: 'POST', url: '/v1/counter-sales', headers: { ...bearer(by), 'idempotency-key': key, 'accept-language': lang }, payload: { lines, payment: 'cash', ...extra } });

    // Two copies at once (a double tap that got past the page), then one more after the shelf is empty.
    const [first, second] = await Promise.all([send([{ productId: a.id, qty: 2 }]), send([{ productId: a.id, qty: 2 }])]);
    const third = await send([{ productId: a.id, qty: 2 }]);
    for (const r of [first, second, third]) expect(r.statusCode, r.body).toBe(201);
    const ids = new Set([first, second, third].map((r) => r.json().id));
    expect(ids.size).toBe(1);
    expect([first, second, third].filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(2);
    expect(await ledgerByLocation(app, a.id, w.pointId)).toMatchObject({ office: { stock: 0, ledger: 0 } });
    expect(await app.db.select().from(counterSales).where(eq(counterSales.pickupPointId, w.pointId))).toHaveLength(1);

    // The key reused for another basket is refused, naming the header, in either language; another clerk's key is their own.
    const other = await send([{ productId: a.id, qty: 1 }]);
    expect(other.statusCode).toBe(422);
    expect(errorOf(other)).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'Idempotency-Key' });
    expect(errorOf(other).message).toContain(first.json().receiptNo);
    expect(errorOf(await send([{ productId: a.id, qty: 1 }], w.clerk, {}, 'en')).message).toMatch(/^Field 'Idempotency-Key': this key was used for sale BD-/);
    const elsewhere = await send([{ productId: a.id, qty: 1 }], w.otherClerk);
    expect(elsewhere.statusCode).toBe(409); // a sale of its own, refused only because the shelf is empty
    expect(errorOf(elsewhere).code).toBe('INSUFFICIENT_OUTLET_STOCK');

    const malformed = await app.inject({ method: 'POST', url: '/v1/counter-sales', headers: { ...bearer(w.clerk), 'idempotency-key': 'ngắn' }, payload: { lines: [{ productId: a.id, qty: 1 }], payment: 'cash' } });
    expect(malformed.statusCode).toBe(400);
    expect(errorOf(malformed).field).toBe('idempotency-key');
  });

  it('voids only by the clerk who sold, the same Vietnam day, with a reason, and puts the goods back', async () => {
    const w = await outletWorld(app, { rateBp: 1000 });
    const a = await w.createProduct({ stock: 10 });
    const c = await w.stockOffice([{ productId: a.id, qty: 5 }]);
    const sale = (await w.sell([{ productId: a.id, qty: 3 }])).json();
    const voidAs = (by: typeof w.clerk, reason = 'Khách đổi ý') => app.inject({ method: 'POST', url: `/v1/counter-sales/${sale.id}/void`, headers: bearer(by), payload: { reason } });

    const other = await voidAs(w.otherClerk);
    expect(other.statusCode).toBe(409);
    expect(errorOf(other).code).toBe('SALE_VOID_REFUSED');
    expect((await voidAs(w.clerk, '  ')).statusCode).toBe(400);

    const ok = await voidAs(w.clerk);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ state: 'voided', voidReason: 'Khách đổi ý' });
    expect(await ledgerByLocation(app, a.id, w.pointId)).toEqual({ farm: { stock: 5, ledger: 5 }, office: { stock: 5, ledger: 5 }, negativeRows: 0 });
    const lot = (await app.inject({ method: 'GET', url: `/v1/consignments/${c.id}`, headers: bearer(w.clerk) })).json().lines[0];
    expect(lot.remaining).toBe(5);
    expect((await voidAs(w.clerk)).statusCode).toBe(409);
    const receipt = await app.inject({ method: 'GET', url: `/v1/counter-sales/${sale.id}/receipt`, headers: bearer(w.clerk) });
    expect(receipt.body).toContain('ĐÃ HỦY: Khách đổi ý');

    // Yesterday's sale: the day of the sale is what counts (set in the database, no clock games).
    const late = (await w.sell([{ productId: a.id, qty: 1 }])).json();
    await app.db.update(counterSales).set({ vnDay: addDays(vnToday(), -1) }).where(eq(counterSales.id, late.id));
    const tooLate = await app.inject({ method: 'POST', url: `/v1/counter-sales/${late.id}/void`, headers: bearer(w.clerk), payload: { reason: 'Nhầm giá' } });
    expect(tooLate.statusCode).toBe(409);
    expect(errorOf(tooLate).message).toContain('chỉ hủy được trong ngày bán');
  });

  it('never takes a location below zero under concurrent counter sales and Postmart orders on the same product', async () => {
    const w = await outletWorld(app, { rateBp: 1000 });
    const a = await w.createProduct({ stock: 20 });
    await w.stockOffice([{ productId: a.id, qty: 10 }]);
    const sales = Array.from({ length: 16 }, (_, i) => w.sell([{ productId: a.id, qty: 1 }], 'cash', i % 2 ? w.clerk : w.otherClerk));
    // Postmart orders go through the ledger's reservation, as the order import does.
    const orders = Array.from({ length: 16 }, (_, i) => app.db.transaction((tx) => reserveStock(tx, `CONC-${a.id.slice(-6)}-${i}`, [{ productId: a.id, qty: 1 }])));
    const [sold, reserved] = await Promise.all([Promise.all(sales), Promise.all(orders)]);
    expect(sold.filter((r) => r.statusCode === 201)).toHaveLength(10);
    expect(sold.filter((r) => r.statusCode === 409).map((r) => errorOf(r).code)).toEqual(Array(6).fill('INSUFFICIENT_OUTLET_STOCK'));
    expect(reserved.filter(Boolean)).toHaveLength(10);
    expect(await ledgerByLocation(app, a.id, w.pointId)).toEqual({ farm: { stock: 0, ledger: 0 }, office: { stock: 0, ledger: 0 }, negativeRows: 0 });
  });
});
