import { sql } from 'drizzle-orm';
import type { Db } from '../../db.ts';
import { vnToday } from '../../lib/time.ts';
import type { AssistedQueryInput, AssistedReportOutput } from '../../schemas/reports.ts';
import { reportScope, type Principal } from '../accounts/access.ts';
import { refreshSalesRollup } from './reports-rollup.ts';
import { checkedRange } from './reports-sales.ts';

/**
 * GET /v1/reports/assisted-sellers: the sellers the post offices serve under an authorization
 * (ủy quyền), and their sales in the period (as the sales report counts them), per authorized post
 * office or per seller's commune. A seller authorizing two offices counts under each office, once
 * per commune. A manager sees only their own seller's row(s).
 */
export async function assistedSellersReport(db: Db, p: Principal, q: AssistedQueryInput, now = new Date()): Promise<AssistedReportOutput> {
  const scope = reportScope(p);
  const { from, to } = checkedRange(q, vnToday(now));
  await refreshSalesRollup(db);
  const bySeller = q.groupBy === 'commune';
  const res = await db.execute<{ key: string; label: string; assistedSellers: number; liveAuthorizations: number; orders: number; units: number; revenueVnd: number }>(sql`
    WITH assisted AS (
      SELECT a.seller_id, ${bySeller ? sql`s.ward_code` : sql`a.pickup_point_id::text`} AS grp,
             count(*) FILTER (WHERE a.revoked_at IS NULL AND a.valid_from <= ${now} AND a.valid_until > ${now})::int AS live
      FROM authorizations a JOIN sellers s ON s.id = a.seller_id
      WHERE true ${scope ? sql`AND a.seller_id = ${scope}` : sql``}
      GROUP BY 1, 2
    ), sales AS (
      SELECT r.seller_id, sum(r.orders)::int AS orders, sum(r.units)::int AS units, sum(r.revenue_vnd)::bigint AS revenue
      FROM sales_rollup r WHERE r.dim = 'post_office' AND r.day BETWEEN ${from}::date AND ${to}::date
        AND r.seller_id IN (SELECT seller_id FROM assisted)
      GROUP BY r.seller_id
    )
    SELECT ${bySeller ? sql`x.grp` : sql`pp.code`} AS key, ${bySeller ? sql`coalesce(cm.name, x.grp)` : sql`pp.name`} AS label,
           count(*)::int AS "assistedSellers", sum(x.live)::int AS "liveAuthorizations",
           coalesce(sum(sa.orders), 0)::int AS orders, coalesce(sum(sa.units), 0)::int AS units, coalesce(sum(sa.revenue), 0)::bigint AS "revenueVnd"
    FROM assisted x LEFT JOIN sales sa ON sa.seller_id = x.seller_id
    ${bySeller ? sql`LEFT JOIN communes cm ON cm.code = x.grp` : sql`JOIN pickup_points pp ON pp.id = x.grp::uuid`}
    GROUP BY 1, 2 ORDER BY "assistedSellers" DESC, key`);
  return { from, to, groupBy: q.groupBy, rows: res.rows.map((r) => ({ ...r, revenueVnd: Number(r.revenueVnd) })) };
}
