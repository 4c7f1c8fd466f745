import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db.ts';
import { reportScope, type Principal } from '../accounts/access.ts';
import { CATEGORY_LABELS } from '../reports/reports-labels.ts';
import { salesReport } from '../reports/reports-sales.ts';

/**
 * Counter sales next to Postmart sales, by post office, commune or category, for the provincial
 * dashboard: two separate sets of figures per row, never added together (a counter sale is not a
 * Postmart order). Postmart's come from the sales report itself, so both views agree; a counter
 * sale counts on its Vietnam day unless voided. With the consigned stock each office holds now.
 */

export const OUTLET_GROUP_BYS = ['pickupPoint', 'commune', 'category'] as const;
export type OutletGroupBy = (typeof OUTLET_GROUP_BYS)[number];

type Postmart = { orders: number; units: number; revenueVnd: number };
type Counter = { sales: number; units: number; revenueVnd: number };
const NO_POSTMART: Postmart = { orders: 0, units: 0, revenueVnd: 0 };
const NO_COUNTER: Counter = { sales: 0, units: 0, revenueVnd: 0 };

function counterGrouping(groupBy: OutletGroupBy): { key: SQL; label: SQL } {
  switch (groupBy) {
    case 'pickupPoint':
      // The same key as the sales report's pickupPoint rows: the office's code.
      return { key: sql`pp.code`, label: sql`pp.name || ' (' || pp.code || ')'` };
    case 'commune':
      // The seller's commune, as the sales report keys Postmart sales.
      return { key: sql`se.ward_code`, label: sql`cm.name` };
    case 'category':
      return { key: sql`p.category`, label: sql`''` };
  }
}

export async function outletSalesReport(db: Db, p: Principal, q: { from?: string | undefined; to?: string | undefined; groupBy: OutletGroupBy }) {
  const scope = reportScope(p);
  const postmart = await salesReport(db, p, { from: q.from, to: q.to, groupBy: q.groupBy });
  const { from, to } = postmart;
  const g = counterGrouping(q.groupBy);
  const counter = await db.execute<Counter & { key: string; label: string }>(sql`
    SELECT ${g.key} AS key, ${g.label} AS label, count(DISTINCT s.id)::int AS sales, sum(l.qty)::int AS units, sum(l.amount_vnd)::bigint AS "revenueVnd"
    FROM counter_sale_lines l
    JOIN counter_sales s ON s.id = l.sale_id
    JOIN pickup_points pp ON pp.id = s.pickup_point_id
    JOIN products p ON p.id = l.product_id
    JOIN sellers se ON se.id = l.seller_id
    JOIN communes cm ON cm.code = se.ward_code
    WHERE s.state = 'completed' AND s.vn_day BETWEEN ${from}::date AND ${to}::date ${scope ? sql`AND l.seller_id = ${scope}` : sql``}
    GROUP BY 1, 2`);
  const rows = new Map<string, { key: string; label: string; postmart: Postmart; counter: Counter }>();
  for (const r of postmart.rows) rows.set(r.key, { key: r.key, label: r.label, postmart: { orders: r.orders, units: r.units, revenueVnd: r.revenueVnd }, counter: NO_COUNTER });
  for (const r of counter.rows) {
    const label = q.groupBy === 'category' ? (CATEGORY_LABELS[r.key] ?? r.key) : r.label;
    const c = { sales: Number(r.sales), units: Number(r.units), revenueVnd: Number(r.revenueVnd) };
    rows.set(r.key, { key: r.key, label: rows.get(r.key)?.label || label, postmart: rows.get(r.key)?.postmart ?? NO_POSTMART, counter: c });
  }
  const sum = <K extends 'postmart' | 'counter'>(k: K) =>
    [...rows.values()].reduce((t, r) => Object.fromEntries(Object.entries(t).map(([f, v]) => [f, v + (r[k] as Record<string, number>)[f]!])) as typeof t, k === 'postmart' ? { ...NO_POSTMART } : { ...NO_COUNTER });
  const stock = await db.execute<{ pickupPointId: string; code: string; name: string; units: number; valueVnd: number }>(sql`
    SELECT pp.id AS "pickupPointId", pp.code, pp.name, sum(ls.stock)::int AS units, sum(ls.stock * p.price_vnd)::bigint AS "valueVnd"
    FROM location_stock ls JOIN pickup_points pp ON pp.id = ls.pickup_point_id JOIN products p ON p.id = ls.product_id
    WHERE ls.stock > 0 ${scope ? sql`AND ls.seller_id = ${scope}` : sql``}
    GROUP BY pp.id, pp.code, pp.name ORDER BY pp.code`);
  return {
    from, to, groupBy: q.groupBy,
    rows: [...rows.values()].sort((a, b) => b.postmart.revenueVnd + b.counter.revenueVnd - (a.postmart.revenueVnd + a.counter.revenueVnd) || a.key.localeCompare(b.key)),
    totals: { postmart: sum('postmart') as Postmart, counter: sum('counter') as Counter },
    consignedStock: stock.rows.map((r) => ({ ...r, units: Number(r.units), valueVnd: Number(r.valueVnd) })),
  };
}
