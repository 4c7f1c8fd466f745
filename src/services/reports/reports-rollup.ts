import { sql } from 'drizzle-orm';
import type { Db } from '../../db.ts';

/**
 * The statuses in which an order is a sale: the buyer has the goods (delivered at home, picked up
 * at the post office) or the order is closed after that. The same statuses consume the reserved
 * stock (order-states.ts stockEffectOf), so reports and the stock ledger agree on what was sold.
 */
export const SOLD_STATUSES = ['delivered', 'picked_up', 'completed'] as const;

// Serializes refreshers: two recomputing one cell at once would both insert its rows.
const LOCK_KEY = 0x5a1e5;

/**
 * Brings the sales rollup up to date: takes every (day, seller) cell the triggers marked since the
 * last refresh and recomputes it whole from orders and lines. Cheap when nothing changed (one
 * DELETE on an empty table), so every report calls it first and reads numbers as of now.
 * Returns the number of cells recomputed.
 */
export async function refreshSalesRollup(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
    const taken = await tx.execute<{ day: string; seller_id: string }>(sql`
      WITH taken AS (DELETE FROM sales_dirty_cells RETURNING day, seller_id)
      SELECT DISTINCT day::text AS day, seller_id FROM taken`);
    if (taken.rows.length === 0) return 0;
    // One array literal per column (dates and uuids need no quoting); a JS array would become one parameter per element.
    const days = `{${taken.rows.map((r) => r.day).join(',')}}`;
    const sellers = `{${taken.rows.map((r) => r.seller_id).join(',')}}`;
    const cells = sql`SELECT * FROM unnest(${days}::date[], ${sellers}::uuid[]) AS c(day, seller_id)`;
    await tx.execute(sql`DELETE FROM sales_rollup r USING (${cells}) c WHERE r.day = c.day AND r.seller_id = c.seller_id`);
    await tx.execute(sql`
      WITH c AS (${cells}),
      o AS (
        SELECT o.id, c.day, o.seller_id, coalesce(o.post_office_code, '') AS post_office,
               o.status IN ('delivered', 'picked_up', 'completed') AS sold,
               o.status = 'cancelled' AS cancelled,
               o.payment_method = 'COD' AS cod
        FROM c JOIN orders o ON o.seller_id = c.seller_id
         AND o.remote_create_time >= (c.day - date '1970-01-01') * 86400 - 25200
         AND o.remote_create_time < (c.day - date '1970-01-01' + 1) * 86400 - 25200
      ),
      l AS (
        SELECT o.*, coalesce(l.product_id::text, 'unknown') AS product, coalesce(p.category, 'unknown') AS category,
               coalesce(p.certifications, '[]'::jsonb) AS certifications, l.qty, l.qty * l.unit_price_vnd AS value
        FROM o JOIN order_lines l ON l.order_id = o.id LEFT JOIN products p ON p.id = l.product_id
      ),
      per_order AS (
        SELECT o.id, o.day, o.seller_id, o.post_office, o.sold, o.cancelled, o.cod,
               coalesce(sum(l.qty), 0) AS units, coalesce(sum(l.value), 0) AS value
        FROM o LEFT JOIN l ON l.id = o.id
        GROUP BY o.id, o.day, o.seller_id, o.post_office, o.sold, o.cancelled, o.cod
      ),
      cert AS (
        SELECT l.*, coalesce(ct.type, 'none') AS cert
        FROM l LEFT JOIN LATERAL (SELECT DISTINCT e->>'type' AS type FROM jsonb_array_elements(l.certifications) e) ct ON true
      )
      INSERT INTO sales_rollup (dim, day, seller_id, key, orders, cancelled, units, revenue_vnd, cod_revenue_vnd)
      SELECT 'post_office', day, seller_id, post_office, count(*), count(*) FILTER (WHERE cancelled),
             coalesce(sum(units) FILTER (WHERE sold), 0), coalesce(sum(value) FILTER (WHERE sold), 0), coalesce(sum(value) FILTER (WHERE sold AND cod), 0)
      FROM per_order GROUP BY day, seller_id, post_office
      UNION ALL
      SELECT 'category', day, seller_id, category, count(DISTINCT id), count(DISTINCT id) FILTER (WHERE cancelled),
             coalesce(sum(qty) FILTER (WHERE sold), 0), coalesce(sum(value) FILTER (WHERE sold), 0), coalesce(sum(value) FILTER (WHERE sold AND cod), 0)
      FROM l GROUP BY day, seller_id, category
      UNION ALL
      SELECT 'certification', day, seller_id, cert, count(DISTINCT id), count(DISTINCT id) FILTER (WHERE cancelled),
             coalesce(sum(qty) FILTER (WHERE sold), 0), coalesce(sum(value) FILTER (WHERE sold), 0), coalesce(sum(value) FILTER (WHERE sold AND cod), 0)
      FROM cert GROUP BY day, seller_id, cert
      UNION ALL
      SELECT 'product', day, seller_id, product, count(DISTINCT id), count(DISTINCT id) FILTER (WHERE cancelled),
             coalesce(sum(qty) FILTER (WHERE sold), 0), coalesce(sum(value) FILTER (WHERE sold), 0), coalesce(sum(value) FILTER (WHERE sold AND cod), 0)
      FROM l GROUP BY day, seller_id, product`);
    return taken.rows.length;
  });
}

/** Marks every cell that has orders, then refreshes: for a rollup suspected of drift, or after a bulk load. */
export async function rebuildSalesRollup(db: Db): Promise<number> {
  await db.execute(sql`INSERT INTO sales_dirty_cells (day, seller_id) SELECT DISTINCT sales_vn_day(remote_create_time), seller_id FROM orders`);
  return refreshSalesRollup(db);
}
