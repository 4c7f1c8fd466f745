import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db.ts';
import { pickupPointKeySql } from './reports-labels.ts';

const DAY = 86_400;
const VN_OFFSET = 7 * 3600;

/** Unix seconds of the start of today, Asia/Ho_Chi_Minh. */
export function vnDayStartEpoch(now: Date): number {
  const s = Math.floor(now.getTime() / 1000);
  return Math.floor((s + VN_OFFSET) / DAY) * DAY - VN_OFFSET;
}

/**
 * How many of today's orders (placed since local midnight) each post office is asked to handle.
 * Today that is read from the orders' requested post office; when the pickup-point registry lands
 * with its booked capacity, this is the function to point at it (load against dailyCapacity).
 */
export async function pickupPointLoadToday(db: DbOrTx, sellerId: string | null, now = new Date()) {
  const { key, label } = pickupPointKeySql(sql`o.post_office_code`);
  const start = vnDayStartEpoch(now);
  const res = await db.execute<{ code: string; label: string; orders: number }>(sql`
    SELECT ${key} AS code, ${label} AS label, count(*)::int AS orders
    FROM orders o
    WHERE o.remote_create_time >= ${start} AND o.remote_create_time < ${start + DAY}
      ${sellerId ? sql`AND o.seller_id = ${sellerId}` : sql``}
    GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 50`);
  return res.rows;
}
