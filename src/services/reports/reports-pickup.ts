import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db.ts';
import { addDays, vnDayStart, vnToday } from '../../lib/time.ts';
import { pickupPointKeySql } from './reports-labels.ts';

/**
 * Cash on delivery taken at each post office's counter between two Vietnam days (both included),
 * from the clerks' day sheets (counter_cash). A seller manager sees only their own parcels' cash.
 */
export async function counterCashByPoint(db: DbOrTx, sellerId: string | null, from: string, to: string) {
  const seller = sellerId ? sql`AND o.seller_id = ${sellerId}` : sql``;
  const res = await db.execute<{ pickupPointId: string; code: string; name: string; parcels: number; cashVnd: number }>(sql`
    SELECT p.id AS "pickupPointId", p.code, p.name, count(*)::int AS parcels, sum(c.taken_vnd)::bigint AS "cashVnd"
    FROM counter_cash c JOIN pickup_points p ON p.id = c.pickup_point_id JOIN orders o ON o.id = c.order_id
    WHERE c.day BETWEEN ${from}::date AND ${to}::date ${seller}
    GROUP BY p.id, p.code, p.name ORDER BY 5 DESC, p.code`);
  return res.rows.map((r) => ({ ...r, cashVnd: Number(r.cashVnd) }));
}

/**
 * Each post office's work today (Vietnam day): orders placed today that buyers will collect there,
 * drop-offs booked there for today (the slots of src/services/pickup-capacity.ts) against its daily
 * capacity. A seller manager sees only their own orders' share.
 */
export async function pickupPointLoadToday(db: DbOrTx, sellerId: string | null, now = new Date()) {
  const { key, label } = pickupPointKeySql(sql`t.code`);
  const today = vnToday(now);
  const [start, end] = [today, addDays(today, 1)].map((d) => vnDayStart(d).getTime() / 1000);
  const seller = (col: string) => (sellerId ? sql`AND ${sql.raw(col)} = ${sellerId}` : sql``);
  const res = await db.execute<{ code: string; label: string; orders: number; dropoffsBooked: number; dailyCapacity: number | null }>(sql`
    WITH ordered AS (
      SELECT coalesce(o.post_office_code, '') AS code, count(*)::int AS n FROM orders o
      WHERE o.remote_create_time >= ${start} AND o.remote_create_time < ${end} ${seller('o.seller_id')}
      GROUP BY 1
    ), booked AS (
      SELECT p.code, count(*)::int AS n FROM shipments s
      JOIN pickup_points p ON p.id = s.pickup_point_id JOIN orders o ON o.id = s.order_id
      WHERE s.day = ${today}::date AND s.state IN ('requested', 'accepted') ${seller('o.seller_id')}
      GROUP BY 1
    ), t AS (
      SELECT coalesce(ordered.code, booked.code) AS code, coalesce(ordered.n, 0) AS orders, coalesce(booked.n, 0) AS dropoffs
      FROM ordered FULL JOIN booked ON booked.code = ordered.code
    )
    SELECT ${key} AS code, ${label} AS label, t.orders, t.dropoffs AS "dropoffsBooked",
      (SELECT pp.daily_capacity FROM pickup_points pp WHERE pp.code = t.code) AS "dailyCapacity"
    FROM t ORDER BY t.orders + t.dropoffs DESC, 1 LIMIT 50`);
  return res.rows;
}
