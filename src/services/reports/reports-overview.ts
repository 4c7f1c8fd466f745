import { sql } from 'drizzle-orm';
import type { Db } from '../../db.ts';
import { notFound } from '../../errors.ts';
import { addDays, toVnIso, vnToday } from '../../lib/time.ts';
import type { OverviewOutput } from '../../schemas/reports.ts';
import { reportScope, type Principal } from '../accounts/access.ts';
import { counterCashByPoint, pickupPointLoadToday } from './reports-pickup.ts';
import { refreshSalesRollup } from './reports-rollup.ts';
import { syncHealth, type QueueCounts } from './reports-sync-health.ts';
import { TO_SHIP } from '../orders/orders.ts';

const TOP = 10;

/** First day of this month and of the previous one, Vietnam time. */
function months(today: string) {
  const thisStart = `${today.slice(0, 7)}-01`;
  const lastStart = `${addDays(thisStart, -1).slice(0, 7)}-01`;
  return { thisStart, lastStart, lastEnd: addDays(thisStart, -1), today };
}

/** The programme at a glance: sellers, listings, orders, revenue, top sellers and products, post offices, sync health. */
export async function overviewReport(db: Db, p: Principal, queues: QueueCounts | null, now = new Date()): Promise<OverviewOutput> {
  const scope = reportScope(p);
  await refreshSalesRollup(db);
  const m = months(vnToday(now));
  const seller = (col: string) => (scope ? sql`AND ${sql.raw(col)} = ${scope}` : sql``);
  const money = (from: string, to: string) =>
    db.execute<OverviewOutput['thisMonth']>(sql`
      SELECT coalesce(sum(orders), 0)::int AS orders, coalesce(sum(units), 0)::int AS units,
             coalesce(sum(revenue_vnd), 0)::bigint AS "revenueVnd", coalesce(sum(cod_revenue_vnd), 0)::bigint AS "codRevenueVnd"
      FROM sales_rollup r WHERE dim = 'post_office' AND day BETWEEN ${from}::date AND ${to}::date ${seller('r.seller_id')}`);

  const [scopeRow, listed, byStatus, thisMonth, lastMonth, topProducts, topSellers, load, toPrepare, health, cash] = await Promise.all([
    scope ? db.execute<{ name: string }>(sql`SELECT name FROM sellers WHERE id = ${scope}`) : null,
    db.execute<{ sellers: number; listed: number; s3: number; s4: number; s5: number }>(sql`
      WITH l AS (
        SELECT pl.seller_id,
               (SELECT max(substr(c->>'type', 6, 1)::int) FROM jsonb_array_elements(p.certifications) c
                 WHERE c->>'type' LIKE 'OCOP\\_%' AND (c->>'expiresAt')::date >= ${m.today}::date) AS stars
        FROM product_listings pl JOIN products p ON p.id = pl.product_id
        WHERE pl.status = 'listed' ${seller('pl.seller_id')})
      SELECT count(DISTINCT seller_id)::int AS sellers, count(*)::int AS listed,
             count(*) FILTER (WHERE stars = 3)::int AS s3, count(*) FILTER (WHERE stars = 4)::int AS s4, count(*) FILTER (WHERE stars = 5)::int AS s5
      FROM l`),
    db.execute<{ status: string; orders: number }>(sql`
      SELECT status, count(*)::int AS orders FROM orders o WHERE true ${seller('o.seller_id')} GROUP BY status ORDER BY status`),
    money(m.thisStart, m.today),
    money(m.lastStart, m.lastEnd),
    // Aggregated by key first, so only the ten winners are cast to uuid and joined ('unknown' never is).
    db.execute<{ product_id: string; name: string; seller_name: string; units: number; revenue: number }>(sql`
      SELECT t.key AS product_id, p.name, s.name AS seller_name, t.units, t.revenue
      FROM (SELECT r.key, sum(r.units)::int AS units, sum(r.revenue_vnd)::bigint AS revenue
            FROM sales_rollup r
            WHERE r.dim = 'product' AND r.key <> 'unknown' AND r.day BETWEEN ${m.thisStart}::date AND ${m.today}::date ${seller('r.seller_id')}
            GROUP BY r.key HAVING sum(r.revenue_vnd) > 0 ORDER BY revenue DESC, units DESC, r.key LIMIT ${TOP}) t
      JOIN products p ON p.id = t.key::uuid JOIN sellers s ON s.id = p.seller_id
      ORDER BY t.revenue DESC, t.units DESC, t.key`),
    db.execute<{ seller_id: string; name: string; orders: number; revenue: number }>(sql`
      SELECT r.seller_id, s.name, sum(r.orders)::int AS orders, sum(r.revenue_vnd)::bigint AS revenue
      FROM sales_rollup r JOIN sellers s ON s.id = r.seller_id
      WHERE r.dim = 'post_office' AND r.day BETWEEN ${m.thisStart}::date AND ${m.today}::date ${seller('r.seller_id')}
      GROUP BY r.seller_id, s.name ORDER BY revenue DESC, orders DESC LIMIT ${TOP}`),
    pickupPointLoadToday(db, scope, now),
    db.execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM orders o WHERE o.status IN (${sql.join(TO_SHIP.map((s) => sql`${s}`), sql`, `)}) ${seller('o.seller_id')}`),
    syncHealth(db, scope, queues),
    counterCashByPoint(db, scope, m.thisStart, m.today),
  ]);
  if (scopeRow && scopeRow.rows.length === 0) throw notFound('seller');
  const l = listed.rows[0]!;
  return {
    asOf: toVnIso(now),
    scope: scope ? { sellerId: scope, sellerName: scopeRow!.rows[0]!.name } : null,
    activeSellers: l.sellers,
    listedProducts: l.listed,
    ocopListedProducts: { stars3: l.s3, stars4: l.s4, stars5: l.s5, total: l.s3 + l.s4 + l.s5 },
    ordersByStatus: byStatus.rows as OverviewOutput['ordersByStatus'],
    thisMonth: thisMonth.rows[0]!,
    lastMonth: lastMonth.rows[0]!,
    topProducts: topProducts.rows.map((r) => ({ productId: r.product_id, name: r.name, sellerName: r.seller_name, units: r.units, revenueVnd: r.revenue })),
    topSellers: topSellers.rows.map((r) => ({ sellerId: r.seller_id, name: r.name, orders: r.orders, revenueVnd: r.revenue })),
    pickupPointLoadToday: load,
    counterCash: cash,
    ordersToPrepare: toPrepare.rows[0]!.n,
    syncHealth: health,
  };
}
