import { and, eq, inArray, like } from 'drizzle-orm';
import { v7 } from 'uuid';
import type { Db } from '../../src/db.ts';
import { communes } from '../schema/communes.ts';
import { orderEvents, orderLines, orders, type OrderStatus } from '../schema/orders.ts';
import { products } from '../schema/products.ts';
import { DEMO_PICKUP_POINTS, DEMO_SELLERS } from './demo.ts';

/** Six months of a demo seller's past orders, so the seller home and the provincial dashboard show real numbers. */
export const HISTORY_DAYS = 183;
/** Every history order's number starts so; the shop id says where it came from. */
export const HISTORY_PREFIX = 'DEMO';
const HISTORY_SHOP = 'demo-history';

/** A small seeded generator (mulberry32): the same seller gets the same history on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Võ', 'Phan', 'Trương', 'Đặng', 'Bùi'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Thanh', 'Hoàng', 'Kim'];
const GIVEN = ['An', 'Bình', 'Châu', 'Dũng', 'Hà', 'Hạnh', 'Khoa', 'Lan', 'Mai', 'Nam', 'Phúc', 'Quyên', 'Sơn', 'Thảo', 'Tú', 'Vy'];
const STREETS = ['Nguyễn Huệ', 'Lê Lợi', 'Trần Hưng Đạo', 'Hùng Vương', '30 Tháng 4', 'Nguyễn Trãi', 'Lý Thường Kiệt'];

/** Orders a day for each demo seller, and the months their produce sells best (1 = January). */
const PROFILE: Record<string, { perDay: number; peak: number[] }> = {
  [DEMO_SELLERS[0].id]: { perDay: 3, peak: [3, 4, 5, 6, 7] }, // mangoes: spring and early summer
  [DEMO_SELLERS[1].id]: { perDay: 2, peak: [11, 12, 1, 2] }, // pink mandarins: the run-up to Tết
  [DEMO_SELLERS[2].id]: { perDay: 1.5, peak: [6, 7, 8, 9] }, // lotus: the flowering season
  [DEMO_SELLERS[3].id]: { perDay: 2.5, peak: [] }, // rice sells all year
  [DEMO_SELLERS[4].id]: { perDay: 1, peak: [12, 1, 2] }, // Sa Đéc flowers: Tết
};

type Outcome = { status: OrderStatus; remote: string; path: OrderStatus[] };
const DELIVERED: Outcome = { status: 'delivered', remote: 'DELIVERED', path: ['ready_to_ship', 'processed', 'shipped', 'delivered'] };
const COMPLETED: Outcome = { status: 'completed', remote: 'COMPLETED', path: ['ready_to_ship', 'processed', 'shipped', 'delivered', 'completed'] };
const PICKED_UP: Outcome = { status: 'picked_up', remote: 'PICKED_UP', path: ['ready_to_ship', 'processed', 'shipped', 'ready_for_pickup', 'picked_up'] };
const CANCELLED: Outcome = { status: 'cancelled', remote: 'CANCELLED', path: ['ready_to_ship', 'cancelled'] };
const RETURNED: Outcome = { status: 'returned', remote: 'RETURNED', path: ['ready_to_ship', 'processed', 'shipped', 'failed_delivery', 'to_return', 'returned'] };

/**
 * Past orders for the demo sellers: about nine in ten delivered (COD remitted, so completed, after
 * a week), the rest cancelled before shipping or returned after a failed delivery. They are final:
 * no stock was reserved for them (stock_state none) and no Postmart shop holds them (shop
 * `demo-history`). The sales rollup's triggers mark their days, so reports include them.
 *
 * Idempotent per seller: a seller who already has history orders is skipped, whatever the date.
 * Never in production (also refused here, not only by the caller).
 */
export async function seedDemoHistory(db: Db, env: string, now = new Date()): Promise<{ orders: number }> {
  if (env === 'production') throw new Error('demo history is never seeded in production');
  const wards = await db.select({ code: communes.code, name: communes.fullName }).from(communes).where(eq(communes.provinceCode, '82')).limit(200);
  if (wards.length === 0) return { orders: 0 };
  let total = 0;
  for (const [sellerIndex, seller] of DEMO_SELLERS.entries()) {
    const [done] = await db.select({ id: orders.id }).from(orders).where(and(eq(orders.sellerId, seller.id), like(orders.orderSn, `${HISTORY_PREFIX}-%`))).limit(1);
    if (done) continue;
    const catalog = await db
      .select({ id: products.id, sku: products.sku, name: products.name, priceVnd: products.priceVnd })
      .from(products)
      .where(and(eq(products.sellerId, seller.id), inArray(products.status, ['active', 'archived'])));
    if (catalog.length === 0) continue;
    const r = random(0x5eed + sellerIndex);
    const profile = PROFILE[seller.id]!;
    const pointCode = DEMO_PICKUP_POINTS[sellerIndex]!.code;
    const rows: (typeof orders.$inferInsert)[] = [];
    const lines: (typeof orderLines.$inferInsert)[] = [];
    const events: (typeof orderEvents.$inferInsert)[] = [];
    for (let back = HISTORY_DAYS; back >= 1; back--) {
      const day = new Date(now.getTime() - back * 86_400_000);
      const month = new Date(day.getTime() + 7 * 3600_000).getUTCMonth() + 1;
      const rate = profile.perDay * (profile.peak.includes(month) ? 1.8 : 0.8) * (day.getUTCDay() === 0 ? 1.3 : 1);
      const count = Math.floor(rate * 2 * r());
      for (let n = 1; n <= count; n++) {
        const placed = new Date(day.getTime() - (day.getTime() % 86_400_000) + Math.floor((1 + 14 * r()) * 3600_000));
        const roll = r();
        const outcome = roll < 0.1 ? CANCELLED : roll < 0.15 ? RETURNED : roll < 0.3 ? PICKED_UP : back > 8 ? COMPLETED : DELIVERED;
        const cod = r() < 0.7;
        const items = Array.from({ length: r() < 0.8 ? 1 : 2 }, () => ({ p: pick(r, catalog), qty: 1 + Math.floor(r() * 4) }));
        const goods = items.reduce((s, i) => s + i.p.priceVnd * i.qty, 0);
        const shippingFee = 15_000 + 5_000 * Math.floor(r() * 5);
        const voucher = r() < 0.15 ? 10_000 : 0;
        const totalVnd = goods + shippingFee - voucher;
        const ward = pick(r, wards);
        const id = v7({ msecs: placed.getTime() });
        const placedS = Math.floor(placed.getTime() / 1000);
        // A day a step, squeezed for the last days so that no event lies in the future.
        const stepS = Math.min(86_400, Math.floor((Math.floor(now.getTime() / 1000) - placedS) / outcome.path.length));
        const finalS = placedS + (outcome.path.length - 1) * stepS;
        const ymd = placed.toISOString().slice(2, 10).replace(/-/g, '');
        rows.push({
          id,
          sellerId: seller.id,
          shopId: HISTORY_SHOP,
          orderSn: `${HISTORY_PREFIX}-${sellerIndex + 1}-${ymd}-${n}`,
          status: outcome.status,
          remoteStatus: outcome.remote,
          remoteUpdateTime: finalS,
          remoteCreateTime: placedS,
          paymentMethod: cod ? 'COD' : pick(r, ['VNPAY', 'BANK_TRANSFER']),
          codAmountVnd: cod ? totalVnd : 0,
          shippingFeeVnd: shippingFee,
          voucherAmountVnd: voucher,
          totalAmountVnd: totalVnd,
          recipientName: `${pick(r, FAMILY)} ${pick(r, MIDDLE)} ${pick(r, GIVEN)}`,
          recipientPhone: `09${String(Math.floor(r() * 1e8)).padStart(8, '0')}`,
          recipientAddressLine: `${1 + Math.floor(r() * 200)} Đường ${pick(r, STREETS)}`,
          recipientWardCode: ward.code,
          recipientWardCodeRaw: ward.code,
          recipientWardName: ward.name,
          recipientProvinceCode: '82',
          fulfillmentMode: outcome === PICKED_UP ? 'PICKUP_AT_POST_OFFICE' : 'HOME_DELIVERY',
          postOfficeCode: outcome === PICKED_UP ? pointCode : null,
          note: '',
          cancelReason: outcome === CANCELLED ? pick(r, ['CUSTOMER_REQUEST', 'OUT_OF_STOCK']) : null,
          stockState: 'none',
          createdAt: placed,
          updatedAt: new Date(finalS * 1000),
        });
        items.forEach((i, k) => lines.push({ orderId: id, lineNo: k + 1, productId: i.p.id, sellerSku: i.p.sku, name: i.p.name, qty: i.qty, unitPriceVnd: i.p.priceVnd }));
        let from: OrderStatus | null = null;
        outcome.path.forEach((to, k) => {
          events.push({ orderId: id, at: new Date((placedS + k * stepS) * 1000), fromStatus: from, toStatus: to, source: 'system', note: 'demo history' });
          from = to;
        });
      }
    }
    await db.transaction(async (tx) => {
      for (let i = 0; i < rows.length; i += 500) await tx.insert(orders).values(rows.slice(i, i + 500)).onConflictDoNothing({ target: orders.orderSn });
      for (let i = 0; i < lines.length; i += 1000) await tx.insert(orderLines).values(lines.slice(i, i + 1000)).onConflictDoNothing();
      for (let i = 0; i < events.length; i += 1000) await tx.insert(orderEvents).values(events.slice(i, i + 1000));
    });
    total += rows.length;
  }
  return { orders: total };
}
