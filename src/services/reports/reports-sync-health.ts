import { sql } from 'drizzle-orm';
import type { Db } from '../../db.ts';
import { toVnIso } from '../../lib/time.ts';
import type { OverviewOutput } from '../../schemas/reports.ts';

/** What the overview needs of the queues: their names and job counts. */
export type QueueCounts = { list: readonly { name: string; getJobCounts: (...types: ('waiting' | 'active' | 'delayed' | 'failed')[]) => Promise<Record<string, number>> }[] };

const iso = (d: Date | string | null) => (d === null ? null : toVnIso(new Date(d)));
const WEBHOOK_GRACE_SECONDS = 60;

/**
 * Is the connector keeping Postmart in step? Listings waiting or failing, the oldest catalog change
 * not yet settled, queue depths, the poller's last success per shop and webhooks left unprocessed.
 * A seller manager sees their own listings and shop; the shared queues and webhooks are the province's.
 */
export async function syncHealth(db: Db, sellerId: string | null, queues: QueueCounts | null): Promise<OverviewOutput['syncHealth']> {
  const bySeller = (col: string) => (sellerId ? sql`AND ${sql.raw(col)} = ${sellerId}` : sql``);
  const [counts, errors, oldest, polls, webhooks, depths] = await Promise.all([
    db.execute<{ pending: number; error: number }>(sql`
      SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status IN ('error', 'rejected'))::int AS error
      FROM product_listings pl WHERE status IN ('pending', 'error', 'rejected') ${bySeller('pl.seller_id')}`),
    db.execute<{ product_id: string; name: string; status: string; code: string | null; message: string | null; at: Date | null }>(sql`
      SELECT pl.product_id, p.name, pl.status, coalesce(pl.last_error_code, CASE WHEN pl.status = 'rejected' THEN 'REJECTED' END) AS code,
             coalesce(pl.last_error_message, pl.reject_reason) AS message, coalesce(pl.last_error_at, pl.updated_at) AS at
      FROM product_listings pl JOIN products p ON p.id = pl.product_id
      WHERE pl.status IN ('error', 'rejected') ${bySeller('pl.seller_id')}
      ORDER BY at DESC NULLS LAST LIMIT 20`),
    db.execute<{ at: Date | null }>(sql`
      SELECT min(x.created_at) AS at FROM outbox x
      ${sellerId ? sql`JOIN products p ON p.id = x.product_id AND p.seller_id = ${sellerId}` : sql``}
      WHERE x.processed_at IS NULL AND x.kind LIKE 'listing.%'`),
    db.execute<{ shop_id: string; seller_name: string | null; last_success_at: Date | null }>(sql`
      SELECT ps.shop_id, s.name AS seller_name, ps.last_success_at
      FROM order_poll_state ps LEFT JOIN postmart_shops sh ON sh.shop_id = ps.shop_id LEFT JOIN sellers s ON s.id = sh.seller_id
      WHERE true ${bySeller('sh.seller_id')} ORDER BY ps.last_success_at ASC NULLS FIRST LIMIT 100`),
    sellerId
      ? null
      : db.execute<{ n: number }>(sql`
          SELECT count(*)::int AS n FROM webhook_events
          WHERE processed_at IS NULL AND received_at < now() - make_interval(secs => ${WEBHOOK_GRACE_SECONDS})`),
    sellerId || !queues
      ? null
      : Promise.all(
          queues.list.map(async (q) => {
            const c = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
            return { queue: q.name, waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
          }),
        ),
  ]);
  return {
    listingsPending: counts.rows[0]?.pending ?? 0,
    listingsInError: counts.rows[0]?.error ?? 0,
    listingErrors: errors.rows.map((e) => ({ productId: e.product_id, productName: e.name, status: e.status as never, code: e.code, message: e.message, at: iso(e.at) })),
    oldestUnsyncedChangeAt: iso(oldest.rows[0]?.at ?? null),
    queues: depths,
    lastPolls: polls.rows.map((r) => ({ shopId: r.shop_id, sellerName: r.seller_name, lastSuccessAt: iso(r.last_success_at) })),
    webhookFailures: webhooks ? (webhooks.rows[0]?.n ?? 0) : null,
  };
}
