// npm run test:scale: the connector scaled out on a Redis Cluster, against the single-process run.
// Run 1 ("single"): API + workers in one process on the machine's Redis. Run 2 ("scaled"): a local
// 3-master Redis Cluster (from redis-server, on loopback ports), two API processes behind a
// round-robin webhook proxy and three worker processes. Each run has its own database and queue
// prefix, the sandbox in this process, and the same two scenarios:
//   listing sync: SCALE_SHOPS shops × 5 products listed, then every product renamed once;
//   orders: the sandbox's buyer generator places SCALE_ORDERS orders at SCALE_PLACE_RATE/s.
// Checks the invariants after each (zero lost, duplicated or oversold orders; one listing per
// product, equal to its latest version) and prints a table; exits 1 when an invariant fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { request } from 'undici';
import { ensureDatabase, runMigrations } from '../db/migrate.ts';
import { products } from '../db/schema/products.ts';
import { sellers } from '../db/schema/sellers.ts';
import { seedReference } from '../db/seed/reference.ts';
import { runSandboxMigrations } from '../sandbox/db/migrate.ts';
import { startSandbox } from '../sandbox/server.ts';
import { ImageServer } from '../test/support/image-server.ts';
import { loadConfig } from '../src/config.ts';
import { createDb } from '../src/db.ts';
import { newId } from '../src/lib/ids.ts';
import { createPostmart } from '../src/postmart/index.ts';
import { WEBHOOK_PATH } from '../src/postmart/paths.ts';
import { createRedis } from '../src/redis.ts';
import { applyProductPatch, insertProduct } from '../src/services/catalog/products.ts';
import { startLocalCluster } from '../test/support/redis-cluster.ts';
import { benchNamespace, dropBenchNamespace } from './bench-api-database.ts';

const SHOPS = Number(process.env.SCALE_SHOPS ?? 10);
const PER_SHOP = 5;
const ORDERS = Number(process.env.SCALE_ORDERS ?? 600);
const PLACE_RATE = Number(process.env.SCALE_PLACE_RATE ?? 60);
const say = (line: string) => process.stdout.write(`[scale] ${line}\n`);

async function freePort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Spreads the sandbox's webhooks over the API processes, as a load balancer would. */
async function roundRobin(ports: number[]): Promise<{ port: number; close: () => Promise<void> }> {
  let next = 0;
  const server = createServer((req, res) => {
    const target = ports[next++ % ports.length]!;
    const upstream = httpRequest({ host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

/** The share of SCALE_ORDERS a run must place for its invariants to mean something. */
const MIN_PLACED_SHARE = 0.8;

type Topology = { name: 'single' | 'scaled'; apis: number; workers: number; cluster: boolean };
type Result = { topology: Topology; listSeconds: number; editSeconds: number; absorbed: number; placedPerSecond: number; placed: number; imported: number; lost: number; duplicated: number; doubleReserved: number; oversold: number; listingsOff: number; remoteOff: number; webhooksRefused: number };

async function runOnce(topology: Topology): Promise<Result> {
  const cluster = topology.cluster ? await startLocalCluster(3) : null;
  const ns = benchNamespace(cluster ? { ...process.env, BENCH_REDIS_URL: cluster.url } : process.env);
  const children: ChildProcess[] = [];
  let proxy: Awaited<ReturnType<typeof roundRobin>> | null = null;
  let sandbox: Awaited<ReturnType<typeof startSandbox>> | null = null;
  await ensureDatabase(ns.databaseUrl);
  await runMigrations(ns.databaseUrl);
  await runSandboxMigrations(ns.databaseUrl);
  const { pool, db } = createDb(ns.databaseUrl, 4, 'test-scale');
  // The sandbox's review downloads every listing photo (there is no internet here): serve a real one,
  // or every product is rejected and the buyers find nothing on sale.
  const photos = await new ImageServer().start();
  try {
    await seedReference(db);
    sandbox = await startSandbox({ databaseUrl: ns.databaseUrl, port: 0, log: false, // A webhook that times out on this busy machine is retried in about a second, not Postmart's
    // minute, so the table measures the connector rather than the retry schedule.
    config: { review_delay_ms: 0, order_visibility_delay_ms: 0, webhook_retry_factor: 0.02 } });
    const control = async <T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> => {
      const res = await request(`${sandbox!.url}/sandbox${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
      const text = await res.body.text();
      return (text ? JSON.parse(text) : null) as T;
    };
    const { partner_id, partner_key } = await control<{ partner_id: string; partner_key: string }>('POST', '/partners', { name: `scale-${topology.name}` });
    const apiPorts = await Promise.all(Array.from({ length: topology.apis }, freePort));
    // The load balancer in front of the APIs: Postmart signs each webhook over the URL it calls,
    // so the connector's PUBLIC_URL is this address, as it would be behind a real one.
    proxy = await roundRobin(apiPorts);
    const env = {
      DATABASE_URL: ns.databaseUrl,
      REDIS_URL: ns.redisUrl,
      QUEUE_PREFIX: ns.queuePrefix,
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${proxy.port}`,
      POSTMART_BASE_URL: `${sandbox.url}/api/v1`,
      POSTMART_PARTNER_ID: partner_id,
      POSTMART_PARTNER_KEY: partner_key,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      MIGRATE_ON_START: 'false',
      SEED_DEMO: 'false',
    };
    const config = loadConfig({ ...process.env, ...env });

    const redis = createRedis(config.redisUrl, 'worker');
    const pm = (await createPostmart({ config, db, redis }))!;
    const shopIds: string[] = [];
    for (let s = 0; s < SHOPS; s++) {
      const { shop_id } = await control<{ shop_id: string }>('POST', '/shops', { partner_id, name: `HTX scale ${s}` });
      const sellerId = newId();
      await db.insert(sellers).values({ id: sellerId, kind: 'cooperative', name: `HTX scale ${s}`, phone: `02774${String(s).padStart(5, '0')}`, wardCode: '30112', address: 'Ấp 1' });
      const auth = await request(`${pm.client.authorizeUrl('http://127.0.0.1:1/cb', 's')}&shop_id=${shop_id}`);
      await auth.body.dump();
      const code = new URL(String(auth.headers.location)).searchParams.get('code')!;
      await pm.tokens.save(sellerId, shop_id, await pm.client.exchangeCode(code, shop_id));
      await db.transaction(async (tx) => {
        for (let j = 0; j < PER_SHOP; j++) {
          await insertProduct(tx, { userId: null }, sellerId, {
            sku: `SCALE-${s}-${j}`, name: `Xoài cát Hòa Lộc lô ${j}`, category: 'fruit', unit: 'kg', priceVnd: 50_000 + 1000 * j,
            // Little stock, so that a double reservation would show as oversold.
            stock: Math.ceil((ORDERS / (SHOPS * PER_SHOP)) * 3), weightGrams: 1000, originWardCode: '30112', images: [photos.photoUrl('xoai')], status: 'active',
          }, 'initial');
        }
      });
      shopIds.push(shop_id);
    }
    await pm.close();
    await redis.quit();

    const spawnRole = (roles: string, extra: Record<string, string>) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { env: { ...process.env, ...env, ROLES: roles, ...extra }, stdio: ['ignore', 'ignore', 'inherit'] });
      children.push(child);
      return child;
    };
    if (topology.name === 'single') {
      spawnRole('api,worker', { PORT: String(apiPorts[0]) });
    } else {
      for (const port of apiPorts) spawnRole('api', { PORT: String(port) });
      for (let w = 0; w < topology.workers; w++) spawnRole('worker', { WORKER_HTTP_PORT: String(await freePort()) });
    }
    await control('PUT', `/partners/${partner_id}/webhook`, { url: `http://127.0.0.1:${proxy.port}${WEBHOOK_PATH}` });
    const t0 = Date.now();
    for (const port of apiPorts) await waitFor(`API :${port}`, async () => (await request(`http://127.0.0.1:${port}/ready`).then(async (r) => (await r.body.dump(), r.statusCode), () => 0)) === 200);

    const shopList = sql.join(shopIds.map((id) => sql`${id}`), sql`, `);
    const inStep = async () =>
      Number((await db.execute<{ n: string }>(sql`SELECT count(*) AS n FROM products p JOIN product_listings l ON l.product_id = p.id WHERE l.synced_version = p.version AND l.postmart_product_id IS NOT NULL`)).rows[0]!.n) === SHOPS * PER_SHOP;
    await waitFor('the initial listing', inStep);
    const listSeconds = (Date.now() - t0) / 1000;
    // Approved and on sale, so the buyers have something to order.
    const onSale = async () =>
      Number((await db.execute<{ n: string }>(sql`SELECT count(*) AS n FROM postmart_sandbox.skus s JOIN postmart_sandbox.products p ON p.id = s.product_id WHERE s.shop_id IN (${shopList}) AND p.status = 'ACTIVE' AND s.stock > 0 AND NOT s.deleted`)).rows[0]!.n) === SHOPS * PER_SHOP;
    await waitFor('the products on sale', onSale);
    say(`${topology.name}: ${SHOPS * PER_SHOP} products listed in ${listSeconds.toFixed(1)} s (from process start)`);

    const t1 = Date.now();
    const all = await db.select().from(products);
    for (const row of all) await db.transaction((tx) => applyProductPatch(tx, { userId: null }, row, { name: `${row.name} (vụ mới)` }, 'scale-edit'));
    await waitFor('the renames', inStep);
    const editSeconds = (Date.now() - t1) / 1000;
    say(`${topology.name}: renames in step in ${editSeconds.toFixed(1)} s`);

    const localCount = async () => Number((await db.execute<{ n: string }>(sql`SELECT count(*) AS n FROM orders`)).rows[0]!.n);
    const t2 = Date.now();
    await control('POST', '/generator', { shop_ids: shopIds, orders_per_second: PLACE_RATE, total: ORDERS });
    let gen: { running: boolean; created: number; refused: number };
    let placingSeconds = 0;
    for (;;) {
      gen = await control('GET', '/generator');
      if (!gen.running && !placingSeconds) placingSeconds = (Date.now() - t2) / 1000;
      if (!gen.running && (await localCount()) >= gen.created) break;
      if (Date.now() - t2 > 600_000) throw new Error(`orders not absorbed within 10 min: ${JSON.stringify(gen)}, local ${await localCount()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const absorbSeconds = (Date.now() - t2) / 1000;
    say(`${topology.name}: generator placed ${gen!.created} (refused ${gen!.refused}, out of stock) in ${placingSeconds.toFixed(1)} s; all imported after ${absorbSeconds.toFixed(1)} s`);
    // The orders' stock changes reach Postmart by batch pushes a moment later; the listing
    // invariant is about the settled state.
    await waitFor('the order stock pushes', inStep, 120_000).catch(() => {});
    const n = async (q: ReturnType<typeof sql>) => Number((await db.execute<{ n: string }>(q)).rows[0]!.n);
    const placed = await n(sql`SELECT count(*) AS n FROM postmart_sandbox.orders WHERE shop_id IN (${shopList})`);
    const result: Result = {
      topology,
      listSeconds,
      editSeconds,
      absorbed: (await localCount()) / absorbSeconds,
      placedPerSecond: gen!.created / Math.max(0.001, placingSeconds),
      placed,
      imported: await localCount(),
      lost: await n(sql`SELECT count(*) AS n FROM postmart_sandbox.orders r WHERE r.shop_id IN (${shopList}) AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_sn = r.order_sn)`),
      duplicated: await n(sql`SELECT count(*) AS n FROM (SELECT order_sn FROM orders GROUP BY 1 HAVING count(*) > 1) x`),
      doubleReserved: await n(sql`SELECT count(*) AS n FROM (SELECT reason, product_id FROM stock_movements WHERE kind = 'reserve' GROUP BY 1, 2 HAVING count(*) > 1) x`),
      // Oversold: stock below zero, or a ledger that does not add up to the stock.
      oversold: await n(sql`SELECT count(*) AS n FROM products p WHERE p.stock < 0 OR p.stock <> (SELECT coalesce(sum(delta), 0) FROM stock_movements m WHERE m.product_id = p.id)`),
      // A webhook the connector refused (a wrong PUBLIC_URL fails every signature) leaves the orders to the poller.
      webhooksRefused: await n(sql`SELECT count(*) AS n FROM postmart_sandbox.webhook_deliveries WHERE last_status_code BETWEEN 400 AND 499`),
      listingsOff: SHOPS * PER_SHOP - (await n(sql`SELECT count(*) AS n FROM products p JOIN product_listings l ON l.product_id = p.id WHERE l.synced_version = p.version`)),
      // One live Postmart product per SKU, carrying the latest name.
      remoteOff: await n(sql`
        SELECT count(*) AS n FROM products p
        WHERE (SELECT count(*) FROM postmart_sandbox.skus s JOIN postmart_sandbox.products rp ON rp.id = s.product_id
               WHERE s.seller_sku = p.sku AND NOT s.deleted AND rp.status <> 'DELETED' AND rp.name = p.name) <> 1`),
    };
    say(`${topology.name}: ${result.imported} orders absorbed at ${result.absorbed.toFixed(1)}/s`);
    return result;
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => once(c, 'exit')));
    await proxy?.close();
    await sandbox?.close();
    await photos.close();
    await pool.end();
    // The cluster is thrown away whole; on the shared Redis only this run's prefix is deleted.
    await dropBenchNamespace(cluster ? { ...ns, redisUrl: 'redis://127.0.0.1:6379' } : ns);
    await cluster?.stop();
  }
}

const results: Result[] = [];
results.push(await runOnce({ name: 'single', apis: 1, workers: 1, cluster: false }));
results.push(await runOnce({ name: 'scaled', apis: 2, workers: 3, cluster: true }));

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const [single, scaled] = results as [Result, Result];
process.stdout.write(
  [
    '',
    `test:scale: ${SHOPS} shops × ${PER_SHOP} products; ${ORDERS} orders placed at ${PLACE_RATE}/s; ${process.env.SCALE_NOTE ?? ''}`,
    row(['run', 'processes', 'Redis', 'initial listing s', 'rename all s', 'orders/s placed', 'orders/s absorbed', 'placed', 'imported', 'lost', 'duplicated', 'reserved twice', 'oversold', 'listings behind', 'remote not 1:1', 'webhooks refused']),
    row(['---', '---', '---', '---', '---', '---', '---', '---', '---', '---', '---', '---', '---', '---', '---', '---']),
    ...results.map((r) =>
      row([r.topology.name, r.topology.name === 'single' ? '1 (api+worker)' : `${r.topology.apis} api + ${r.topology.workers} worker`, r.topology.cluster ? '3-master cluster' : 'single',
        r.listSeconds.toFixed(1), r.editSeconds.toFixed(1), r.placedPerSecond.toFixed(1), r.absorbed.toFixed(1), r.placed, r.imported, r.lost, r.duplicated, r.doubleReserved, r.oversold, r.listingsOff, r.remoteOff, r.webhooksRefused]),
    ),
    `scaled / single: orders/s ×${(scaled.absorbed / single.absorbed).toFixed(2)}, rename time ×${(scaled.editSeconds / single.editSeconds).toFixed(2)} (one 2-core machine: more processes share the same cores)`,
    '',
  ].join('\n'),
);
const broken = results.filter((r) => r.lost || r.duplicated || r.doubleReserved || r.oversold || r.listingsOff || r.remoteOff || r.webhooksRefused || r.imported !== r.placed);
if (broken.length) {
  process.stdout.write(`FAIL: invariants broken in ${broken.map((r) => r.topology.name).join(', ')}\n`);
  process.exit(1);
}
// Invariants over a handful of orders prove nothing: most of the orders asked for must be placed
// (the little stock refuses some at the end, as the marketplace would).
const starved = results.filter((r) => r.placed < MIN_PLACED_SHARE * ORDERS);
if (starved.length) {
  process.stdout.write(`FAIL: fewer than ${MIN_PLACED_SHARE * 100}% of ${ORDERS} orders placed in ${starved.map((r) => `${r.topology.name} (${r.placed})`).join(', ')}\n`);
  process.exit(1);
}
process.stdout.write('PASS: zero lost, duplicated or oversold orders; one listing per product at its latest version; every webhook accepted, in both runs\n');
