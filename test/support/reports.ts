import { randomBytes, randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { runMigrations } from '../../db/migrate.ts';
import { productListings } from '../../db/schema/listings.ts';
import { orderLines, orders, type OrderStatus } from '../../db/schema/orders.ts';
import { products, type Certification } from '../../db/schema/products.ts';
import { seedReference } from '../../db/seed/reference.ts';
import { createDb, type Db } from '../../src/db.ts';
import { newId } from '../../src/lib/ids.ts';
import { buildTestApp, createScratchDatabase, dropDatabase } from './app.ts';
import { makeSeller } from './fixtures.ts';

/**
 * An app on a database of its own: province-wide reports must see only the orders the test built,
 * not those of order tests running beside it on the run's shared database. A file that seeds data
 * "today" passes `now`, the instant it seeded at, as the server's clock (see FIXED_NOW).
 */
export async function reportsApp(overrides: Record<string, string> = {}, opts: { now?: () => Date } = {}): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const run = randomBytes(3).toString('hex');
  const url = await createScratchDatabase(`rp_${run}`);
  await runMigrations(url);
  const ref = createDb(url, 1);
  await seedReference(ref.db);
  await ref.pool.end();
  // A small pool: these files run beside the rest of the suite (and other runs) under max_connections.
  const app = await buildTestApp({ DATABASE_URL: url, DATABASE_POOL_SIZE: '3', QUEUE_PREFIX: inject('queuePrefix').replace(/\}$/, `-rp${run}}`), ...overrides }, opts);
  return {
    app,
    close: async () => {
      await app.close();
      await dropDatabase(url);
    },
  };
}

/**
 * "Now" for files whose data is "today" or "this month": a fixed instant, mid-day and mid-month in
 * Vietnam, given to both the seed and the server, so the run never straddles Vietnam midnight or a
 * month change between seeding and asking. In the past, so the database's own now() (webhook grace)
 * still sees data seeded at it as old enough.
 */
export const FIXED_NOW = new Date('2026-03-11T12:00:00+07:00');

export const seller = (app: FastifyInstance, name: string, wardCode: string) => makeSeller(app, { name, wardCode });

export async function product(
  db: Db,
  sellerId: string,
  over: { name: string; category: (typeof products.$inferInsert)['category']; priceVnd: number; certifications?: Certification[] },
) {
  const [row] = await db
    .insert(products)
    .values({ id: newId(), sellerId, sku: `R-${randomInt(1e9)}`, unit: 'kg', weightGrams: 1000, originWardCode: '30226', status: 'active', stock: 0, certifications: [], ...over })
    .returning();
  return row!;
}

export const cert = (type: Certification['type'], expiresAt = '2099-12-31'): Certification => ({ type, number: `${type}-1`, issuedAt: '2024-01-01', expiresAt });

type Line = { productId: string; qty: number; unitPriceVnd: number };

/** An order as the import would store it, placed at an ISO instant (give the +07:00 offset to mean Vietnam time). */
export async function order(
  db: Db,
  o: { sellerId: string; placedAt: string | Date; status: OrderStatus; payment?: 'COD' | 'VNPAY'; postOfficeCode?: string | null; lines: Line[] },
) {
  const id = newId();
  const goods = o.lines.reduce((s, l) => s + l.qty * l.unitPriceVnd, 0);
  const placed = Math.floor(new Date(o.placedAt).getTime() / 1000);
  const payment = o.payment ?? 'COD';
  await db.insert(orders).values({
    id,
    sellerId: o.sellerId,
    shopId: `shop-${o.sellerId.slice(-6)}`,
    orderSn: `RP${randomBytes(6).toString('hex').toUpperCase()}`,
    status: o.status,
    remoteStatus: o.status.toUpperCase(),
    remoteUpdateTime: placed,
    remoteCreateTime: placed,
    paymentMethod: payment,
    codAmountVnd: payment === 'COD' ? goods + 20_000 : 0,
    shippingFeeVnd: 20_000,
    voucherAmountVnd: 0,
    totalAmountVnd: goods + 20_000,
    recipientName: 'Nguyễn Văn A',
    recipientPhone: '0912345678',
    recipientAddressLine: 'Ấp 2',
    recipientWardCodeRaw: '30226',
    fulfillmentMode: o.postOfficeCode ? 'PICKUP_AT_POST_OFFICE' : 'HOME_DELIVERY',
    postOfficeCode: o.postOfficeCode ?? null,
  });
  await db.insert(orderLines).values(o.lines.map((l, i) => ({ orderId: id, lineNo: i + 1, productId: l.productId, sellerSku: 'SKU', name: 'Hàng', qty: l.qty, unitPriceVnd: l.unitPriceVnd })));
  return id;
}

export async function listing(db: Db, p: { id: string; sellerId: string }, status: (typeof productListings.$inferInsert)['status'], error?: { code: string; message: string }) {
  await db.insert(productListings).values({
    productId: p.id,
    sellerId: p.sellerId,
    status,
    ...(error ? { lastErrorCode: error.code, lastErrorMessage: error.message, lastErrorAt: new Date() } : {}),
  });
}
