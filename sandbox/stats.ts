import { and, eq, sql, type SQL } from 'drizzle-orm';
import { counters, products, shops, skus, webhookDeliveries } from './db/schema.ts';
import { num, type SandboxDb } from './db.ts';

/**
 * Counters behind GET /sandbox/stats (postmart-api.md#the-sandbox). Counting happens on every
 * call, so increments gather in memory and are flushed to PostgreSQL every second (and before
 * stats are read, and at close): the numbers survive restarts without a write per call.
 */
export const COUNTER_KINDS = ['call', 'rate_limited', 'during_retry_after', 'idempotent_replay'] as const;
export type CounterKind = (typeof COUNTER_KINDS)[number];

/** Status recorded for a call whose connection the sandbox reset on purpose. */
export const RESET_STATUS = 0;

export class StatsRecorder {
  private pending = new Map<string, number>();

  constructor(private readonly db: SandboxDb) {}

  count(kind: CounterKind, endpoint: string, status: number, partnerId = '', shopId = ''): void {
    const key = JSON.stringify([kind, endpoint, status, partnerId, shopId]);
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const values = [...batch].map(([key, count]) => {
      const [kind, endpoint, status, partnerId, shopId] = JSON.parse(key) as [string, string, number, string, string];
      return { kind, endpoint, status, partnerId, shopId, count };
    });
    try {
      await this.db
        .insert(counters)
        .values(values)
        .onConflictDoUpdate({
          target: [counters.kind, counters.endpoint, counters.status, counters.partnerId, counters.shopId],
          set: { count: sql`${counters.count} + excluded.count` },
        });
    } catch (err) {
      for (const [key, count] of batch) this.pending.set(key, (this.pending.get(key) ?? 0) + count);
      throw err;
    }
  }

  /** Forget what is not flushed yet (POST /sandbox/reset). */
  discard(): void {
    this.pending.clear();
  }
}

export type StatsFilter = { partner_id?: string | undefined; shop_id?: string | undefined };

export type Stats = {
  calls: Record<string, Record<string, number>>;
  total_calls: number;
  rate_limited: number;
  calls_during_retry_after: number;
  idempotent_replays: number;
  connection_resets: number;
  by_shop: { partner_id: string; shop_id: string; calls: number; rate_limited: number; calls_during_retry_after: number; idempotent_replays: number }[];
  objects_created: {
    per_idempotency_key: { shop_id: string; idempotency_key: string; count: number }[];
    per_seller_sku: { shop_id: string; seller_sku: string; count: number }[];
  };
  webhooks: { sent: number; acknowledged: number; failed: number; pending: number; dropped: number; suppressed: number; no_endpoint: number; duplicates: number };
};

/** Reads everything GET /sandbox/stats shows, optionally for one partner or shop. */
export async function readStats(db: SandboxDb, filter: StatsFilter): Promise<Stats> {
  const counterWhere: SQL[] = [];
  if (filter.partner_id) counterWhere.push(eq(counters.partnerId, filter.partner_id));
  if (filter.shop_id) counterWhere.push(eq(counters.shopId, filter.shop_id));
  const rows = await db.select().from(counters).where(and(...counterWhere));

  const stats: Stats = {
    calls: {},
    total_calls: 0,
    rate_limited: 0,
    calls_during_retry_after: 0,
    idempotent_replays: 0,
    connection_resets: 0,
    by_shop: [],
    objects_created: { per_idempotency_key: [], per_seller_sku: [] },
    webhooks: { sent: 0, acknowledged: 0, failed: 0, pending: 0, dropped: 0, suppressed: 0, no_endpoint: 0, duplicates: 0 },
  };
  const byShop = new Map<string, Stats['by_shop'][number]>();
  for (const r of rows) {
    const count = num(r.count);
    let shop: Stats['by_shop'][number] | undefined;
    if (r.shopId !== '') {
      const k = `${r.partnerId}\n${r.shopId}`;
      shop = byShop.get(k);
      if (!shop) {
        shop = { partner_id: r.partnerId, shop_id: r.shopId, calls: 0, rate_limited: 0, calls_during_retry_after: 0, idempotent_replays: 0 };
        byShop.set(k, shop);
      }
    }
    if (r.kind === 'call') {
      const status = r.status === RESET_STATUS ? 'reset' : String(r.status);
      const perEndpoint = (stats.calls[r.endpoint] ??= {});
      perEndpoint[status] = (perEndpoint[status] ?? 0) + count;
      stats.total_calls += count;
      if (r.status === RESET_STATUS) stats.connection_resets += count;
      if (shop) shop.calls += count;
    } else if (r.kind === 'rate_limited') {
      stats.rate_limited += count;
      if (shop) shop.rate_limited += count;
    } else if (r.kind === 'during_retry_after') {
      stats.calls_during_retry_after += count;
      if (shop) shop.calls_during_retry_after += count;
    } else if (r.kind === 'idempotent_replay') {
      stats.idempotent_replays += count;
      if (shop) shop.idempotent_replays += count;
    }
  }
  stats.by_shop = [...byShop.values()];

  const ofShop = filter.shop_id ? sql`shop_id = ${filter.shop_id}` : sql`true`;
  const partnerShops = filter.partner_id
    ? sql`shop_id IN (SELECT id FROM ${shops} WHERE partner_id = ${filter.partner_id})`
    : sql`true`;

  const perKey = await db.execute<{ shop_id: string; idempotency_key: string; count: string }>(sql`
    SELECT shop_id, created_idempotency_key AS idempotency_key, count(*) AS count FROM ${products}
    WHERE created_idempotency_key IS NOT NULL AND ${ofShop} AND ${partnerShops}
    GROUP BY shop_id, created_idempotency_key ORDER BY shop_id, created_idempotency_key`);
  stats.objects_created.per_idempotency_key = perKey.rows.map((r) => ({ ...r, count: num(r.count) }));
  const perSku = await db.execute<{ shop_id: string; seller_sku: string; count: string }>(sql`
    SELECT shop_id, seller_sku, count(DISTINCT product_id) AS count FROM ${skus}
    WHERE ${ofShop} AND ${partnerShops}
    GROUP BY shop_id, seller_sku ORDER BY shop_id, seller_sku`);
  stats.objects_created.per_seller_sku = perSku.rows.map((r) => ({ ...r, count: num(r.count) }));

  const wh = await db.execute<Record<string, string>>(sql`
    SELECT coalesce(sum(attempts), 0) AS sent,
           count(*) FILTER (WHERE status = 'delivered') AS acknowledged,
           count(*) FILTER (WHERE status = 'failed') AS failed,
           count(*) FILTER (WHERE status = 'pending') AS pending,
           count(*) FILTER (WHERE status = 'dropped') AS dropped,
           count(*) FILTER (WHERE status = 'suppressed') AS suppressed,
           count(*) FILTER (WHERE status = 'no_endpoint') AS no_endpoint,
           count(*) FILTER (WHERE duplicate) AS duplicates
    FROM ${webhookDeliveries}
    WHERE ${filter.partner_id ? sql`partner_id = ${filter.partner_id}` : sql`true`} AND ${ofShop}`);
  const w = wh.rows[0] ?? {};
  for (const k of Object.keys(stats.webhooks) as (keyof Stats['webhooks'])[]) stats.webhooks[k] = num(w[k]);
  return stats;
}
