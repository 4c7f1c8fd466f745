import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db.ts';
import { invalid } from '../../errors.ts';
import { addDays, isServiceDate, MAX_YEAR, MIN_YEAR, vnToday } from '../../lib/time.ts';
import type { GroupBy, SalesQueryInput, SalesReportOutput } from '../../schemas/reports.ts';
import { reportScope, type Principal } from '../accounts/access.ts';
import { CATEGORY_LABELS, CERTIFICATION_LABELS, periodOf, periodStarts, pickupPointKeySql } from './reports-labels.ts';
import { refreshSalesRollup } from './reports-rollup.ts';

const MAX_DAYS = 3 * 366;

type Figures = { orders: number; units: number; revenueVnd: number; codRevenueVnd: number; cancelled: number };
const ZERO: Figures = { orders: 0, units: 0, revenueVnd: 0, codRevenueVnd: 0, cancelled: 0 };

const FIGURES = sql`coalesce(sum(r.orders), 0)::int AS orders, coalesce(sum(r.units), 0)::int AS units,
  coalesce(sum(r.revenue_vnd), 0)::bigint AS "revenueVnd", coalesce(sum(r.cod_revenue_vnd), 0)::bigint AS "codRevenueVnd",
  coalesce(sum(r.cancelled), 0)::int AS cancelled`;

/** The rollup slice a grouping reads, how it keys and labels rows, and what it joins for labels. */
function grouping(groupBy: GroupBy): { dim: string; key: SQL; label: SQL; joins: SQL } {
  const none = sql``;
  switch (groupBy) {
    case 'day':
      return { dim: 'post_office', key: sql`r.day::text`, label: sql`''`, joins: none };
    case 'week':
      return { dim: 'post_office', key: sql`date_trunc('week', r.day)::date::text`, label: sql`''`, joins: none };
    case 'month':
      return { dim: 'post_office', key: sql`date_trunc('month', r.day)::date::text`, label: sql`''`, joins: none };
    case 'seller':
      return { dim: 'post_office', key: sql`s.id::text`, label: sql`s.name`, joins: sql`JOIN sellers s ON s.id = r.seller_id` };
    case 'commune':
      return {
        dim: 'post_office',
        key: sql`s.ward_code`,
        label: sql`cm.name`,
        joins: sql`JOIN sellers s ON s.id = r.seller_id JOIN communes cm ON cm.code = s.ward_code`,
      };
    case 'pickupPoint': {
      const { key, label } = pickupPointKeySql(sql`r.key`);
      return { dim: 'post_office', key, label, joins: none };
    }
    case 'category':
      return { dim: 'category', key: sql`r.key`, label: sql`''`, joins: none };
    case 'certification':
      return { dim: 'certification', key: sql`r.key`, label: sql`''`, joins: none };
  }
}

export function checkedRange(q: Pick<SalesQueryInput, 'from' | 'to'>, today: string): { from: string; to: string } {
  for (const field of ['from', 'to'] as const) {
    const v = q[field];
    if (v !== undefined && !isServiceDate(v)) {
      throw invalid(field, { vi: `phải là ngày hợp lệ dạng YYYY-MM-DD, năm ${MIN_YEAR}–${MAX_YEAR}`, en: `must be a real date as YYYY-MM-DD, years ${MIN_YEAR}–${MAX_YEAR}` });
    }
  }
  const to = q.to ?? today;
  const from = q.from ?? addDays(to, -29);
  if (from > to) throw invalid('from', { vi: 'phải trước hoặc bằng ngày «to»', en: "must not be after 'to'" });
  if (Date.parse(to) - Date.parse(from) > MAX_DAYS * 86_400_000) {
    throw invalid('from', { vi: 'khoảng thời gian tối đa là 3 năm', en: 'the range may span at most 3 years' });
  }
  return { from, to };
}

/**
 * Sales between two Vietnam calendar days (both included), grouped by period or by who/what/where.
 * Definitions are in the route's OpenAPI description; the numbers come from the sales rollup,
 * refreshed first so they include every order change committed before the request.
 */
export async function salesReport(db: Db, p: Principal, q: SalesQueryInput, now = new Date()): Promise<SalesReportOutput> {
  const scope = reportScope(p);
  const { from, to } = checkedRange(q, vnToday(now));
  await refreshSalesRollup(db);
  const g = grouping(q.groupBy);
  const where = sql`r.day BETWEEN ${from}::date AND ${to}::date ${scope ? sql`AND r.seller_id = ${scope}` : sql``}`;
  const [grouped, totals] = await Promise.all([
    db.execute<Figures & { key: string; label: string }>(sql`
      SELECT ${g.key} AS key, ${g.label} AS label, ${FIGURES}
      FROM sales_rollup r ${g.joins}
      WHERE r.dim = ${g.dim} AND ${where}
      GROUP BY 1, 2`),
    db.execute<Figures>(sql`SELECT ${FIGURES} FROM sales_rollup r WHERE r.dim = 'post_office' AND ${where}`),
  ]);
  const rows = grouped.rows.map((r) => ({ ...r, label: labelOf(q.groupBy, r.key, r.label) }));
  return { from, to, groupBy: q.groupBy, rows: ordered(q.groupBy, rows, from, to), totals: totals.rows[0] ?? ZERO };
}

function labelOf(groupBy: GroupBy, key: string, label: string): string {
  if (groupBy === 'category') return CATEGORY_LABELS[key] ?? key;
  if (groupBy === 'certification') return CERTIFICATION_LABELS[key] ?? key;
  return label;
}

type Row = Figures & { key: string; label: string };

/** Periods in time order with empty ones as zeros (a chart needs the gaps); other groupings by revenue. */
function ordered(groupBy: GroupBy, rows: Row[], from: string, to: string): Row[] {
  if (groupBy === 'day' || groupBy === 'week' || groupBy === 'month') {
    const byStart = new Map(rows.map((r) => [r.key, r]));
    return periodStarts(groupBy, from, to).map((start) => ({ ...ZERO, ...byStart.get(start), ...periodOf(groupBy, start) }));
  }
  return rows.sort((a, b) => b.revenueVnd - a.revenueVnd || b.orders - a.orders || a.key.localeCompare(b.key));
}
