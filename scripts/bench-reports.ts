/**
 * npm run bench:reports — every report over a year of orders (200,000 by default), against a plain
 * `SELECT count(*)` over the same orders, side by side in one run on one throwaway database.
 *
 * Each report is requested through the app (app.inject: routing, auth, validation, the service,
 * serialization), one request at a time, after a short warm-up; the table prints p50 and p95.
 * For scale it also times the day report computed straight from orders and lines (what the sales
 * rollup saves) and the rollup's full build. Target (issue 7): every report < 300 ms p95.
 *
 * Environment: BENCH_ORDERS (200000), BENCH_REQUESTS (per report, 30), BENCH_DATABASE_URL, BENCH_REDIS_URL.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { runMigrations, ensureDatabase } from '../db/migrate.ts';
import { seedReference } from '../db/seed/reference.ts';
import { buildServer } from '../src/build.ts';
import { loadConfig } from '../src/config.ts';
import { createDb } from '../src/db.ts';
import { GROUP_BYS } from '../src/schemas/reports.ts';
import { rebuildSalesRollup } from '../src/services/reports/reports-rollup.ts';
import { createUser } from '../src/services/accounts/users.ts';
import { benchNamespace, dropBenchNamespace } from './bench-api-database.ts';
import { seedReportOrders } from './bench-reports-seed.ts';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 200_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30);
const WARMUP = 3;
const TARGET_MS = 300;
const log = (msg: string) => process.stderr.write(`[bench:reports] ${msg}\n`);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function timeIt(fn: () => Promise<unknown>, n = REQUESTS): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: pct(ms, 50), p95: pct(ms, 95) };
}

async function main() {
  const ns = benchNamespace();
  log(`database ${ns.databaseName}: seeding ${ORDERS.toLocaleString('en')} orders over 12 months…`);
  await ensureDatabase(ns.databaseUrl);
  try {
    await runMigrations(ns.databaseUrl);
    const { pool, db } = createDb(ns.databaseUrl, 4, 'dtpc-bench-reports');
    const seedStart = performance.now();
    await seedReference(db);
    await seedReportOrders(pool, ORDERS, new Date());
    log(`seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
    const buildStart = performance.now();
    await rebuildSalesRollup(db);
    const buildMs = performance.now() - buildStart;
    await pool.query('VACUUM ANALYZE');
    const counts = (await pool.query<{ orders: number; lines: number; rollup: number }>(
      'SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM order_lines)::int AS lines, (SELECT count(*) FROM sales_rollup)::int AS rollup',
    )).rows[0]!;
    log(`${counts.orders} orders, ${counts.lines} lines, ${counts.rollup} rollup rows (full build ${(buildMs / 1000).toFixed(1)} s)`);

    const admin = { phone: '0900099101', password: `bench-${randomBytes(6).toString('hex')}` };
    await createUser(db, null, { userId: null }, { ...admin, role: 'provincial_staff', name: 'Cán bộ tỉnh (benchmark)' });
    const app = await buildServer(
      loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET: randomBytes(32).toString('hex'),
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        DATABASE_URL: ns.databaseUrl,
        REDIS_URL: ns.redisUrl,
        QUEUE_PREFIX: ns.queuePrefix,
        LOG_LEVEL: 'warn',
        SEED_DEMO: 'false',
        MIGRATE_ON_START: 'false',
        // The benchmark is one user asking for reports back to back; the per-user limit would answer 429.
        REPORTS_PER_MINUTE: '1000000000',
      }),
      { logger: false },
    );
    await app.ready();
    const token = (await app.inject({ method: 'POST', url: '/v1/auth/login', payload: admin })).json().token as string;
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const yearAgo = new Date(Date.now() + 7 * 3600_000 - 364 * 86_400_000).toISOString().slice(0, 10);
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    };

    const rows: [string, { p50: number; p95: number }][] = [];
    rows.push(['SELECT count(*) FROM orders', await timeIt(() => pool.query('SELECT count(*) FROM orders'))]);
    for (const g of GROUP_BYS) rows.push([`sales groupBy=${g} (12 months)`, await timeIt(() => get(`/v1/reports/sales?from=${yearAgo}&to=${today}&groupBy=${g}`))]);
    rows.push(['sales groupBy=day, CSV', await timeIt(() => get(`/v1/reports/sales?from=${yearAgo}&to=${today}&groupBy=day&format=csv`))]);
    rows.push(['overview', await timeIt(() => get('/v1/reports/overview'))]);
    rows.push([
      'reference: day report straight from orders+lines',
      await timeIt(
        () =>
          pool.query(`SELECT sales_vn_day(o.remote_create_time) d, count(DISTINCT o.id), sum(l.qty) FILTER (WHERE o.status IN ('delivered','picked_up','completed')),
                             sum(l.qty * l.unit_price_vnd) FILTER (WHERE o.status IN ('delivered','picked_up','completed'))
                      FROM orders o JOIN order_lines l ON l.order_id = o.id GROUP BY 1`),
        5,
      ),
    ]);
    await app.close();
    await pool.end();

    const w = Math.max(...rows.map(([n]) => n.length));
    const out = [
      `bench:reports — ${counts.orders.toLocaleString('en')} orders, ${counts.lines.toLocaleString('en')} lines, ${counts.rollup.toLocaleString('en')} rollup rows; ${REQUESTS} sequential requests each after ${WARMUP} warm-up`,
      `${'what'.padEnd(w)}   p50 ms   p95 ms   < ${TARGET_MS} ms p95`,
      ...rows.map(([n, r]) => `${n.padEnd(w)}  ${r.p50.toFixed(1).padStart(7)}  ${r.p95.toFixed(1).padStart(7)}   ${n.startsWith('reference') || n.startsWith('SELECT') ? '' : r.p95 < TARGET_MS ? 'yes' : 'NO'}`),
      `rollup full build (every cell): ${(buildMs / 1000).toFixed(1)} s`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await dropBenchNamespace(ns);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
