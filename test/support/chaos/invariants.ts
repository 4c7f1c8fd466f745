import { sql } from 'drizzle-orm';
import type { Cluster } from './cluster.ts';

/**
 * What must hold once the cluster has settled after a scenario (issue 15, "chaos across processes"):
 * 1. every active product is listed once on Postmart and equals its latest version (name, price,
 *    stock), and no SKU was ever created twice;
 * 2. every Postmart order of the shops is present once locally with Postmart's status;
 * 3. stock never negative (also sampled while the mix ran), the ledger sums to the stock, no order
 *    reserved twice;
 * 4. no Postmart call inside a Retry-After window (the sandbox counts them);
 * 5. no job failed without a recorded reason.
 */
/** `settled`: what was still in flight when the scenario's time to settle ran out. */
export type Violations = Record<'settled' | 'listings' | 'orders' | 'stock' | 'retryAfter' | 'failedJobs', string[]>;

export const count = (v: Violations) => Object.values(v).reduce((n, list) => n + list.length, 0);

/** Snapshot taken before a scenario, so its checks count only what happened during it. */
export type Baseline = { callsDuringRetryAfter: number };

export async function baseline(cluster: Cluster): Promise<Baseline> {
  const stats = await cluster.control<{ calls_during_retry_after: number }>('GET', `/stats?partner_id=${cluster.partnerId}`);
  return { callsDuringRetryAfter: stats.calls_during_retry_after };
}

const shopList = (cluster: Cluster) => sql.join(cluster.shops.map((s) => sql`${s.shopId}`), sql`, `);
const n = async (cluster: Cluster, q: ReturnType<typeof sql>) => Number((await cluster.db.execute<{ n: string }>(q)).rows[0]!.n);

/**
 * What is still in flight: outbox notes not settled, webhooks stored but not processed or not yet
 * delivered by Postmart, jobs waiting, running or delayed (the maintenance schedulers' next runs
 * aside), Postmart orders not imported or at another status, listings behind their product.
 * Empty once the cluster has settled.
 */
export async function unsettled(cluster: Cluster): Promise<string[]> {
  const shops = shopList(cluster);
  const r = (
    await cluster.db.execute<Record<string, string>>(sql`SELECT
      (SELECT count(*) FROM outbox WHERE processed_at IS NULL) AS "outbox notes",
      (SELECT count(*) FROM webhook_events WHERE processed_at IS NULL) AS "webhooks unprocessed",
      (SELECT count(*) FROM postmart_sandbox.webhook_deliveries WHERE status = 'pending' AND shop_id IN (${shops})) AS "webhooks undelivered",
      (SELECT count(*) FROM postmart_sandbox.orders r WHERE r.shop_id IN (${shops}) AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_sn = r.order_sn)) AS "orders not imported",
      (SELECT count(*) FROM postmart_sandbox.orders r JOIN orders o ON o.order_sn = r.order_sn WHERE o.remote_status <> r.status) AS "orders at another status",
      (SELECT count(*) FROM products p LEFT JOIN product_listings l ON l.product_id = p.id
        WHERE p.status = 'active' AND (l.synced_version IS DISTINCT FROM p.version OR l.synced_stock IS DISTINCT FROM p.stock OR l.synced_price_vnd IS DISTINCT FROM p.price_vnd)) AS "listings behind"`)
  ).rows[0]!;
  const out = Object.entries(r).filter(([, v]) => Number(v) > 0).map(([k, v]) => `${v} ${k}`);
  for (const q of cluster.queues) {
    const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children').catch(() => null);
    if (!c) {
      out.push(`queue ${q.name} unreadable`);
      continue;
    }
    // The maintenance queue always holds its schedulers' next runs as delayed jobs.
    const busy = c.waiting! + c.active! + c.prioritized! + c['waiting-children']! + (q.name === 'maintenance' ? 0 : c.delayed!);
    if (busy > 0) out.push(`${busy} jobs in ${q.name}`);
  }
  return out;
}

/** Polls until nothing is in flight (every 500 ms); returns what was still unsettled at the deadline, or []. */
export async function awaitQuiescence(cluster: Cluster, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await unsettled(cluster).catch((err: Error) => [`unreadable: ${err.message}`]);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function checkInvariants(cluster: Cluster, since: Baseline, lowestStockSeen: number): Promise<Violations> {
  const shops = shopList(cluster);
  const v: Violations = { settled: [], listings: [], orders: [], stock: [], retryAfter: [], failedJobs: [] };

  const listings = (
    await cluster.db.execute<{ sku: string; name: string; price: string; stock: number; version: number; synced: number | null; live: string; remote: { name: string; price: number; stock: number }[] | null }>(sql`
      SELECT p.sku, p.name, p.price_vnd AS price, p.stock, p.version, l.synced_version AS synced,
        (SELECT count(*) FROM postmart_sandbox.skus s JOIN postmart_sandbox.products rp ON rp.id = s.product_id
          WHERE s.shop_id = ps.shop_id AND s.seller_sku = p.sku AND NOT s.deleted AND rp.status <> 'DELETED') AS live,
        (SELECT json_agg(json_build_object('name', rp.name, 'price', s.price, 'stock', s.stock)) FROM postmart_sandbox.skus s JOIN postmart_sandbox.products rp ON rp.id = s.product_id
          WHERE s.shop_id = ps.shop_id AND s.seller_sku = p.sku AND NOT s.deleted AND rp.status <> 'DELETED') AS remote
      FROM products p JOIN postmart_shops ps ON ps.seller_id = p.seller_id LEFT JOIN product_listings l ON l.product_id = p.id
      WHERE p.status = 'active' AND ps.shop_id IN (${shops})`)
  ).rows;
  for (const p of listings) {
    const r = p.remote?.[0];
    if (Number(p.live) !== 1) v.listings.push(`${p.sku}: ${p.live} live listings`);
    else if (r!.name !== p.name || Number(r!.price) !== Number(p.price) || r!.stock !== p.stock) v.listings.push(`${p.sku}: Postmart has ${JSON.stringify(r)}, latest is ${JSON.stringify({ name: p.name, price: Number(p.price), stock: p.stock })}`);
    else if (p.synced !== p.version) v.listings.push(`${p.sku}: synced version ${p.synced}, latest ${p.version}`);
  }
  const stats = await cluster.control<{ calls_during_retry_after: number; objects_created: { per_seller_sku: { shop_id: string; seller_sku: string; count: number }[] } }>('GET', `/stats?partner_id=${cluster.partnerId}`);
  for (const s of stats.objects_created.per_seller_sku) if (s.count > 1) v.listings.push(`${s.seller_sku}: created ${s.count} times on Postmart`);

  const orders = (
    await cluster.db.execute<{ order_sn: string; status: string; copies: string; local: string | null }>(sql`
      SELECT r.order_sn, r.status, count(o.id) AS copies, min(o.remote_status) AS local
      FROM postmart_sandbox.orders r LEFT JOIN orders o ON o.order_sn = r.order_sn
      WHERE r.shop_id IN (${shops}) GROUP BY r.order_sn, r.status
      HAVING count(o.id) <> 1 OR min(o.remote_status) <> r.status OR max(o.remote_status) <> r.status`)
  ).rows;
  for (const o of orders) v.orders.push(Number(o.copies) === 1 ? `${o.order_sn}: ${o.local} here, ${o.status} on Postmart` : `${o.order_sn}: ${o.copies} local copies`);

  if (lowestStockSeen < 0) v.stock.push(`stock went down to ${lowestStockSeen} while the mix ran`);
  const stock = (
    await cluster.db.execute<{ sku: string; stock: number; ledger: string }>(sql`
      SELECT p.sku, p.stock, (SELECT coalesce(sum(delta), 0) FROM stock_movements m WHERE m.product_id = p.id) AS ledger
      FROM products p WHERE p.stock < 0 OR p.stock <> (SELECT coalesce(sum(delta), 0) FROM stock_movements m WHERE m.product_id = p.id)`)
  ).rows;
  for (const s of stock) v.stock.push(`${s.sku}: stock ${s.stock}, ledger sums to ${s.ledger}`);
  const twice = await n(cluster, sql`SELECT count(*) AS n FROM (SELECT reason, product_id FROM stock_movements WHERE kind = 'reserve' GROUP BY 1, 2 HAVING count(*) > 1) x`);
  if (twice > 0) v.stock.push(`${twice} order lines reserved twice`);

  const during = stats.calls_during_retry_after - since.callsDuringRetryAfter;
  if (during > 0) v.retryAfter.push(`${during} Postmart calls inside a Retry-After window`);

  for (const q of cluster.queues) {
    const failed = await q.getFailed(0, 5000);
    for (const job of failed) if (!job.failedReason?.trim()) v.failedJobs.push(`${q.name} job ${job.id} failed without a reason`);
  }
  return v;
}
