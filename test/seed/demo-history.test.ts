import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inArray, sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orders } from '../../db/schema/orders.ts';
import { products } from '../../db/schema/products.ts';
import { sellers } from '../../db/schema/sellers.ts';
import { HISTORY_DAYS, seedDemoHistory } from '../../db/seed/demo-history.ts';
import { DEMO_SELLERS } from '../../db/seed/demo.ts';
import { prepareDatabase } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { createDb } from '../../src/db.ts';
import { refreshSalesRollup } from '../../src/services/reports/reports-rollup.ts';
import { createScratchDatabase, dropDatabase } from '../support/app.ts';

const silent = pino({ level: 'silent' });
const DEMO_IDS = DEMO_SELLERS.map((s) => s.id);

describe('demo history at start-up', () => {
  let devUrl: string;
  let prodUrl: string;
  let mediaDir: string;
  let dev: ReturnType<typeof createDb>;

  beforeAll(async () => {
    [devUrl, prodUrl] = await Promise.all([createScratchDatabase(`hist_${process.pid}`), createScratchDatabase(`histprod_${process.pid}`)]);
    mediaDir = await mkdtemp(join(tmpdir(), 'dtpc-demo-media-'));
    dev = createDb(devUrl, 2);
  });
  afterAll(async () => {
    await dev?.pool.end();
    await Promise.all([dropDatabase(devUrl), dropDatabase(prodUrl)]);
    await rm(mediaDir, { recursive: true, force: true });
  });

  const devConfig = () => loadConfig({ NODE_ENV: 'development', DATABASE_URL: devUrl, MEDIA_DIR: mediaDir, PUBLIC_URL: 'http://demo.test', LOG_LEVEL: 'silent' });
  const census = async () =>
    (
      await dev.db.execute<{ orders: number; lines: number; events: number; images: number }>(sql`
        SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM order_lines) AS lines,
               (SELECT count(*)::int FROM order_events) AS events, (SELECT count(*)::int FROM product_images) AS images`)
    ).rows[0]!;

  it('seeds six months of delivered, cancelled and returned orders for every demo seller, once', async () => {
    await prepareDatabase(devConfig(), silent);
    const first = await census();
    expect(first.orders).toBeGreaterThan(500);

    const perSeller = await dev.db.execute<{ seller_id: string; n: number; first_day: string; last_day: string; statuses: string[] }>(sql`
      SELECT seller_id, count(*)::int AS n, min(to_timestamp(remote_create_time))::date::text AS first_day,
             max(to_timestamp(remote_create_time))::date::text AS last_day, array_agg(DISTINCT status) AS statuses
      FROM orders GROUP BY seller_id`);
    expect(perSeller.rows.map((r) => r.seller_id).sort()).toEqual([...DEMO_IDS].sort());
    const days = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;
    for (const row of perSeller.rows) {
      expect(row.n).toBeGreaterThan(50);
      // Spread over the half year, ending before today (today's work comes from the live sandbox).
      expect(days(row.first_day, row.last_day)).toBeGreaterThan(HISTORY_DAYS - 10);
      expect(Date.parse(row.last_day)).toBeLessThan(Date.now());
      expect(row.statuses).toEqual(expect.arrayContaining(['cancelled', 'returned']));
      expect(row.statuses.some((s) => ['delivered', 'completed', 'picked_up'].includes(s))).toBe(true);
    }
    // Nothing happens in the future: the last update and every event are in the past.
    const future = await dev.db.execute(sql`
      SELECT 1 FROM orders WHERE remote_update_time > extract(epoch FROM now()) OR updated_at > now()
      UNION ALL SELECT 1 FROM order_events WHERE at > now()`);
    expect(future.rows).toEqual([]);
    // Amounts hold together: total = lines + shipping − voucher, COD collects the total or nothing.
    const bad = await dev.db.execute(sql`
      SELECT o.id FROM orders o JOIN order_lines l ON l.order_id = o.id GROUP BY o.id
      HAVING o.total_amount_vnd <> sum(l.qty * l.unit_price_vnd) + o.shipping_fee_vnd - o.voucher_amount_vnd
          OR (o.payment_method = 'COD') <> (o.cod_amount_vnd = o.total_amount_vnd) OR o.cod_amount_vnd < 0`);
    expect(bad.rows).toEqual([]);

    // A second start changes nothing, and neither does a run on a later day.
    await prepareDatabase(devConfig(), silent);
    expect(await census()).toEqual(first);
    expect(await seedDemoHistory(dev.db, 'development', new Date(Date.now() + 40 * 86_400_000))).toEqual({ orders: 0 });
    expect(await census()).toEqual(first);
  });

  it('feeds the sales rollup, so the seller home and the provincial dashboard show real numbers', async () => {
    await prepareDatabase(devConfig(), silent); // idempotent: this test stands alone in any order
    await refreshSalesRollup(dev.db);
    const rollup = await dev.db.execute<{ seller_id: string; revenue: string; orders: string; cancelled: string }>(sql`
      SELECT seller_id, sum(revenue_vnd)::text AS revenue, sum(orders)::text AS orders, sum(cancelled)::text AS cancelled
      FROM sales_rollup WHERE dim = 'post_office' GROUP BY seller_id`);
    const direct = await dev.db.execute<{ seller_id: string; revenue: string; orders: string; cancelled: string }>(sql`
      SELECT o.seller_id, coalesce(sum(l.qty * l.unit_price_vnd) FILTER (WHERE o.status IN ('delivered', 'picked_up', 'completed')), 0)::text AS revenue,
             count(DISTINCT o.id)::text AS orders, count(DISTINCT o.id) FILTER (WHERE o.status = 'cancelled')::text AS cancelled
      FROM orders o JOIN order_lines l ON l.order_id = o.id GROUP BY o.seller_id`);
    const bySeller = (rows: { seller_id: string }[]) => [...rows].sort((a, b) => a.seller_id.localeCompare(b.seller_id));
    expect(bySeller(rollup.rows)).toEqual(bySeller(direct.rows));
    for (const r of rollup.rows) expect(Number(r.revenue)).toBeGreaterThan(1_000_000);
  });

  it('gives the demo products real photos served by the API, so their listings pass Postmart review', async () => {
    await prepareDatabase(devConfig(), silent); // idempotent: this test stands alone in any order
    const rows = await dev.db.select({ images: products.images }).from(products).where(inArray(products.sellerId, DEMO_IDS));
    expect(rows.length).toBeGreaterThan(0);
    for (const p of rows) {
      expect(p.images).toHaveLength(1);
      expect(p.images[0]).toMatch(/^http:\/\/demo\.test\/media\/[0-9a-f]{64}\.jpg$/);
      expect(existsSync(join(mediaDir, p.images[0]!.split('/').pop()!))).toBe(true);
    }
  });

  it('never seeds demo data or history in production', async () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: prodUrl,
      SEED_DEMO: 'true',
      JWT_SECRET: 'prod-secret-0123456789-0123456789-abcdef',
      TOKEN_ENCRYPTION_KEY: 'prod-token-key-0123456789-0123456789-abc',
      POSTMART_BASE_URL: 'https://partner.postmart.example/api/v1',
      MEDIA_DIR: mediaDir,
      LOG_LEVEL: 'silent',
    });
    await prepareDatabase(config, silent);
    const prod = createDb(prodUrl, 1);
    try {
      expect(await prod.db.select({ id: orders.id }).from(orders)).toEqual([]);
      expect(await prod.db.select({ id: sellers.id }).from(sellers).where(inArray(sellers.id, DEMO_IDS))).toEqual([]);
      await expect(seedDemoHistory(prod.db, 'production')).rejects.toThrow(/never seeded in production/);
      expect(await prod.db.select({ id: orders.id }).from(orders)).toEqual([]);
    } finally {
      await prod.pool.end();
    }
  });
});
