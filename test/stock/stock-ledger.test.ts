import { eq, inArray, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { products } from '../../db/schema/products.ts';
import { stockMovements } from '../../db/schema/stock-movements.ts';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser, productBody, type TestUser } from '../support/fixtures.ts';

type Product = { id: string; sku: string; stock: number; version: number };

/** Every stock change writes one ledger row in the same transaction, so sum(delta) per product equals its stock. */
describe('stock ledger', () => {
  let app: FastifyInstance;
  let manager: TestUser;
  let sellerId: string;

  beforeAll(async () => {
    app = await buildTestApp();
    sellerId = (await makeSeller(app)).id;
    manager = await makeUser(app, 'seller_manager', { sellerId });
  });
  afterAll(async () => {
    await app.close();
  });

  async function create(over: Record<string, unknown> = {}): Promise<Product> {
    const res = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(manager), payload: productBody(over) });
    expect(res.statusCode).toBe(201);
    return res.json();
  }
  const stock = (id: string, body: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: `/v1/products/${id}/stock`, headers: bearer(manager), payload: body });
  const read = async (id: string): Promise<Product> => (await app.inject({ method: 'GET', url: `/v1/products/${id}`, headers: bearer(manager) })).json();
  const movements = async (id: string) =>
    (await app.inject({ method: 'GET', url: `/v1/products/${id}/stock-movements?limit=500`, headers: bearer(manager) })).json().items as {
      kind: string;
      delta: number;
      stockAfter: number;
      reason: string;
    }[];

  /** products.stock and sum(stock_movements.delta) for each product, read straight from the database. */
  async function ledgerVsStock(ids: string[]) {
    const sums = await app.db
      .select({ productId: stockMovements.productId, total: sql<number>`coalesce(sum(${stockMovements.delta}), 0)::int` })
      .from(stockMovements)
      .where(inArray(stockMovements.productId, ids))
      .groupBy(stockMovements.productId);
    const rows = await app.db.select({ id: products.id, stock: products.stock }).from(products).where(inArray(products.id, ids));
    return rows.map((r) => ({ id: r.id, stock: r.stock, ledger: sums.find((s) => s.productId === r.id)?.total ?? 0 }));
  }

  it('writes the opening stock as an initial movement, and none for a product created without stock', async () => {
    const stocked = await create({ stock: 12 });
    expect(await movements(stocked.id)).toEqual([expect.objectContaining({ kind: 'initial', delta: 12, stockAfter: 12 })]);
    const empty = await create({ stock: 0 });
    expect(await movements(empty.id)).toEqual([]);
  });

  it('records set and ±delta with their reasons, newest first, each with the stock after it', async () => {
    const p = await create({ stock: 10 });
    expect((await stock(p.id, { delta: 5, reason: 'Nhập thêm từ vườn' })).json().stock).toBe(15);
    expect((await stock(p.id, { delta: -3, reason: 'Hư hỏng khi vận chuyển' })).json().stock).toBe(12);
    expect((await stock(p.id, { set: 40, reason: 'Kiểm kê cuối tuần' })).json().stock).toBe(40);
    expect(await movements(p.id)).toEqual([
      expect.objectContaining({ kind: 'set', delta: 28, stockAfter: 40, reason: 'Kiểm kê cuối tuần' }),
      expect.objectContaining({ kind: 'adjust', delta: -3, stockAfter: 12, reason: 'Hư hỏng khi vận chuyển' }),
      expect.objectContaining({ kind: 'adjust', delta: 5, stockAfter: 15, reason: 'Nhập thêm từ vườn' }),
      expect.objectContaining({ kind: 'initial', delta: 10, stockAfter: 10 }),
    ]);
  });

  it('bumps the version on a stock change and writes nothing when set repeats the current stock', async () => {
    const p = await create({ stock: 7 });
    const same = await stock(p.id, { set: 7, reason: 'Kiểm kê' });
    expect(same.statusCode).toBe(200);
    expect(same.json().version).toBe(p.version);
    expect(await movements(p.id)).toHaveLength(1);
    const changed = await stock(p.id, { set: 8, reason: 'Kiểm kê' });
    expect(changed.json().version).toBe(p.version + 1);
  });

  it('refuses to take stock below zero with 409 INSUFFICIENT_STOCK, and stock, version and ledger stay unchanged', async () => {
    const p = await create({ stock: 4 });
    const res = await stock(p.id, { delta: -5, reason: 'Bán lẻ' });
    expect(res.statusCode).toBe(409);
    const err = errorOf(res);
    expect(err).toMatchObject({ code: 'INSUFFICIENT_STOCK', field: 'delta' });
    expect(err.message).toBe('Tồn kho không đủ: hiện có 4, không thể giảm 5');
    const after = await read(p.id);
    expect(after.stock).toBe(4);
    expect(after.version).toBe(p.version);
    expect(await movements(p.id)).toHaveLength(1);
  });

  it('lets many concurrent decrements through only while stock lasts: none oversells', async () => {
    const p = await create({ stock: 10 });
    const results = await Promise.all(Array.from({ length: 16 }, () => stock(p.id, { delta: -1, reason: 'Đơn hàng' })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(10);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(6);
    expect((await read(p.id)).stock).toBe(0);
    const [row] = await ledgerVsStock([p.id]);
    expect(row).toEqual({ id: p.id, stock: 0, ledger: 0 });
  });

  it('keeps sum(delta) equal to stock for every product after a mix of creations, sets, deltas, CSV imports and concurrent changes', async () => {
    const created = await Promise.all([create({ stock: 25 }), create({ stock: 0 }), create({ stock: 3 }), create({ stock: 100 })]);
    const [a, b, c, d] = created as [Product, Product, Product, Product];
    await stock(a.id, { set: 30, reason: 'Kiểm kê' });
    await stock(b.id, { delta: 9, reason: 'Nhập kho' });
    await stock(c.id, { set: 0, reason: 'Hết hàng' });
    // CSV import: sets stock on two existing SKUs and creates one with opening stock.
    const newSku = `LEDGER-NEW-${d.id.slice(-8)}`;
    const csv = [
      'sku,name,category,unit,priceVnd,stock,weightGrams,originWardCode',
      `${a.sku},Xoài cát Hòa Lộc,fruit,kg,65000,18,1000,30112`,
      `${b.sku},Xoài cát Hòa Lộc,fruit,kg,65000,50,1000,30112`,
      `${newSku},Khô cá lóc,processed,goi,120000,33,500,30226`,
    ].join('\n');
    const imp = await app.inject({ method: 'POST', url: '/v1/products/import', headers: { ...bearer(manager), 'content-type': 'text/csv' }, payload: csv });
    expect(imp.statusCode).toBe(200);
    expect(imp.json()).toMatchObject({ created: 1, updated: 2, rejected: [] });
    // Concurrent deltas in both directions on the same products.
    const deltas = [7, -4, 11, -2, -9, 5, 3, -6, 8, -1];
    const burst = await Promise.all(
      deltas.flatMap((delta) => [stock(a.id, { delta, reason: 'Đồng thời' }), stock(d.id, { delta, reason: 'Đồng thời' })]),
    );
    for (const r of burst) expect(r.statusCode).toBe(200);

    const listed = await app.inject({ method: 'GET', url: `/v1/products?limit=100&q=${encodeURIComponent('kho ca loc')}`, headers: bearer(manager) });
    const imported = listed.json().items.find((p: Product) => p.sku === newSku) as Product;
    expect(imported.stock).toBe(33);

    const sum = deltas.reduce((s, x) => s + x, 0);
    expect((await read(a.id)).stock).toBe(18 + sum);
    expect((await read(d.id)).stock).toBe(100 + sum);
    const ids = [...created.map((p) => p.id), imported.id];
    const rows = await ledgerVsStock(ids);
    expect(rows).toHaveLength(ids.length);
    for (const row of rows) expect(row.ledger, row.id).toBe(row.stock);
    // And the ledger's own running balance agrees: the newest stockAfter is the current stock.
    for (const id of ids) {
      const [latest] = await movements(id);
      expect(latest?.stockAfter ?? 0).toBe((await read(id)).stock);
    }
  });

  it('holds the invariant for every product of the seller, whatever the other tests did to them', async () => {
    // One product of its own, moved both ways, so the check never runs over nothing (tests run shuffled).
    const own = await create({ stock: 5 });
    expect((await stock(own.id, { delta: 3, reason: 'Nhập thêm' })).json().stock).toBe(8);
    expect((await stock(own.id, { delta: -2, reason: 'Hư hỏng' })).json().stock).toBe(6);
    const ids = (await app.db.select({ id: products.id }).from(products).where(eq(products.sellerId, sellerId))).map((r) => r.id);
    expect(ids.length).toBeGreaterThan(0);
    for (const row of await ledgerVsStock(ids)) expect(row.ledger, row.id).toBe(row.stock);
  });

  it.each([
    ['both set and delta', { set: 5, delta: 1, reason: 'hai cách' }, 'delta'],
    ['neither set nor delta', { reason: 'không có gì' }, 'set'],
    ['a zero delta', { delta: 0, reason: 'không đổi' }, 'delta'],
    ['a negative set', { set: -1, reason: 'âm' }, 'set'],
    ['no reason', { delta: 1 }, 'reason'],
    ['a one-character reason', { delta: 1, reason: 'x' }, 'reason'],
    ['a fractional delta', { delta: 1.5, reason: 'nửa' }, 'delta'],
    ['an unknown field', { delta: 1, reason: 'thêm', stock: 3 }, 'stock'],
  ])('refuses %s with 400 naming the field, and writes nothing', async (_what, body, field) => {
    const p = await create({ stock: 5 });
    const res = await stock(p.id, body);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_FAILED', field });
    expect((await read(p.id)).stock).toBe(5);
    expect(await movements(p.id)).toHaveLength(1);
  });
});
