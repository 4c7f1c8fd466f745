import { randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orders, type OrderStatus } from '../../db/schema/orders.ts';
import { products } from '../../db/schema/products.ts';
import { refreshSalesRollup } from '../../src/services/reports/reports-rollup.ts';
import { bearer } from '../support/http.ts';
import { makeUser, type TestUser } from '../support/fixtures.ts';
import { order, product, reportsApp, seller } from '../support/reports.ts';

const STATUSES: OrderStatus[] = ['ready_to_ship', 'processed', 'shipped', 'delivered', 'picked_up', 'completed', 'cancelled', 'returned'];
const SOLD = new Set<OrderStatus>(['delivered', 'picked_up', 'completed']);

/**
 * The rollup agrees with the orders after changes racing with refreshes: orders change status
 * while several refreshes run at once, and the report still equals sums kept by the test itself.
 */
describe('sales rollup under concurrent changes', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let staff: TestUser;
  const expected = new Map<string, { status: OrderStatus; value: number; units: number; cod: boolean; category: string }>();
  let pId: string;

  beforeAll(async () => {
    ({ app, close } = await reportsApp({ DATABASE_POOL_SIZE: '5' }));
    const s = await seller(app, 'HTX Kiểm tra', '30226');
    const p = await product(app.db, s.id, { name: 'Sen', category: 'herbal', priceVnd: 10_000 });
    pId = p.id;
    for (let i = 0; i < 120; i++) {
      const qty = 1 + (i % 4);
      const status = STATUSES[i % STATUSES.length]!;
      const cod = i % 3 !== 0;
      // Spread over three days of March 2025, Vietnam time.
      const id = await order(app.db, { sellerId: s.id, placedAt: `2025-03-0${1 + (i % 3)}T${String(i % 24).padStart(2, '0')}:15:00+07:00`, status, payment: cod ? 'COD' : 'VNPAY', lines: [{ productId: p.id, qty, unitPriceVnd: 10_000 }] });
      expected.set(id, { status, value: qty * 10_000, units: qty, cod, category: 'herbal' });
    }
    staff = await makeUser(app, 'provincial_staff');
  });
  afterAll(async () => close());

  const sums = () => {
    const all = [...expected.values()];
    const sold = all.filter((o) => SOLD.has(o.status));
    return {
      orders: all.length,
      units: sold.reduce((s, o) => s + o.units, 0),
      revenueVnd: sold.reduce((s, o) => s + o.value, 0),
      codRevenueVnd: sold.filter((o) => o.cod).reduce((s, o) => s + o.value, 0),
      cancelled: all.filter((o) => o.status === 'cancelled').length,
    };
  };

  it('ends equal to the orders after status changes interleaved with parallel refreshes', async () => {
    const ids = [...expected.keys()];
    const changes = Array.from({ length: 60 }, () => ({ id: ids[randomInt(ids.length)]!, status: STATUSES[randomInt(STATUSES.length)]! }));
    await Promise.all([
      ...changes.map(async (c, i) => {
        if (i % 10 === 0) await refreshSalesRollup(app.db);
        await app.db.update(orders).set({ status: c.status, updatedAt: new Date() }).where(eq(orders.id, c.id));
      }),
      ...Array.from({ length: 4 }, () => refreshSalesRollup(app.db)),
    ]);
    // Two changes to one order may land in either order: take the status the database kept.
    for (const row of await app.db.select({ id: orders.id, status: orders.status }).from(orders)) expected.get(row.id)!.status = row.status;

    const res = await app.inject({ method: 'GET', url: '/v1/reports/sales?from=2025-03-01&to=2025-03-03&groupBy=day', headers: bearer(staff) });
    expect(res.json().totals).toEqual(sums());
  });

  it('re-cuts past sales when a product changes category', async () => {
    await app.db.update(products).set({ category: 'processed' }).where(eq(products.id, pId));
    const res = await app.inject({ method: 'GET', url: '/v1/reports/sales?from=2025-03-01&to=2025-03-03&groupBy=category', headers: bearer(staff) });
    const s = sums();
    expect(res.json().rows).toEqual([{ key: 'processed', label: 'Sản phẩm chế biến', orders: s.orders, units: s.units, revenueVnd: s.revenueVnd, codRevenueVnd: s.codRevenueVnd, cancelled: s.cancelled }]);
  });
});
