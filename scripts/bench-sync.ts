// npm run bench:sync: the listing sync against the sandbox at 50 requests/s.
// (a) initial sync of 2,000 active products; (b) a price and stock change on all of them.
// Prints wall time against the ideal (Postmart calls ÷ rate limit), 429s and the worker's peak RSS.
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { and, eq, sql } from 'drizzle-orm';
import { request } from 'undici';
import { ensureDatabase, runMigrations } from '../db/migrate.ts';
import { runSandboxMigrations } from '../sandbox/db/migrate.ts';
import { productListings } from '../db/schema/listings.ts';
import { products } from '../db/schema/products.ts';
import { sellers } from '../db/schema/sellers.ts';
import { seedReference } from '../db/seed/reference.ts';
import { loadConfig } from '../src/config.ts';
import { createDb } from '../src/db.ts';
import { newId } from '../src/lib/ids.ts';
import { createPostmart } from '../src/postmart/index.ts';
import { startSandbox } from '../sandbox/server.ts';
import { createRedis } from '../src/redis.ts';
import { insertProduct } from '../src/services/catalog/products.ts';
import { notifyOutbox, OUTBOX_KIND } from '../src/services/outbox/outbox.ts';
import { benchNamespace } from './bench-api-database.ts';
import { BenchRun } from './bench-run.ts';

const COUNT = Number(process.env.BENCH_PRODUCTS ?? 2000);
const RATE = Number(process.env.BENCH_RATE ?? 50);

const ns = benchNamespace();
const run = new BenchRun(ns);

async function main() {
  await ensureDatabase(ns.databaseUrl);
  await runMigrations(ns.databaseUrl);
  await runSandboxMigrations(ns.databaseUrl);
  const { pool, db } = createDb(ns.databaseUrl, 4, 'bench-sync');
  try {
    await seedReference(db);
    const sandbox = (run.sandbox = await startSandbox({ databaseUrl: ns.databaseUrl, port: 0, log: false, config: { rate_limit: { per_second: RATE, burst: RATE }, review_delay_ms: 3_600_000, order_visibility_delay_ms: 0 } }));
    const control = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
      const res = await request(`${sandbox.url}/sandbox${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
      return (await res.body.json()) as T;
    };
    const { partner_id, partner_key } = await control<{ partner_id: string; partner_key: string }>('POST', '/partners', { name: 'bench' });
    const { shop_id } = await control<{ shop_id: string }>('POST', '/shops', { partner_id, name: 'HTX bench' });
    const env = {
      DATABASE_URL: ns.databaseUrl,
      REDIS_URL: ns.redisUrl,
      QUEUE_PREFIX: ns.queuePrefix,
      POSTMART_BASE_URL: `${sandbox.url}/api/v1`,
      POSTMART_PARTNER_ID: partner_id,
      POSTMART_PARTNER_KEY: partner_key,
      // The client's budget sits just under the shop's limit (rate ×0.96, burst 10), as one would
      // configure it for a shop whose bucket is `RATE` per second with a burst of `RATE`.
      POSTMART_RATE_PER_SECOND: String(RATE * 0.96),
      POSTMART_RATE_BURST: '10',
      LOG_LEVEL: 'info',
      MIGRATE_ON_START: 'false',
      ROLES: 'worker',
    };
    const config = loadConfig({ ...process.env, ...env });

    // Connect the shop the way the OAuth callback does.
    const sellerId = newId();
    await db.insert(sellers).values({ id: sellerId, kind: 'cooperative', name: 'HTX bench', phone: '0277385998', wardCode: '30112', address: 'Ấp 1' });
    const redis = createRedis(config.redisUrl, 'worker');
    const pm = (await createPostmart({ config, db, redis }))!;
    const auth = await request(`${pm.client.authorizeUrl('http://127.0.0.1:1/cb', 's')}&shop_id=${shop_id}`);
    await auth.body.dump();
    const code = new URL(String(auth.headers.location)).searchParams.get('code')!;
    await pm.tokens.save(sellerId, shop_id, await pm.client.exchangeCode(code, shop_id));
    await pm.close();
    await redis.quit();

    process.stdout.write(`seeding ${COUNT} active products…\n`);
    for (let i = 0; i < COUNT; i += 200) {
      await db.transaction(async (tx) => {
        for (let j = i; j < Math.min(COUNT, i + 200); j++) {
          await insertProduct(tx, { userId: null }, sellerId, {
            sku: `BENCH-${j}`,
            name: `Xoài cát Hòa Lộc lô ${j}`,
            category: 'fruit',
            unit: 'kg',
            priceVnd: 50_000 + j,
            stock: 100,
            weightGrams: 1000,
            originWardCode: '30112',
            images: ['https://example.org/xoai.jpg'],
            status: 'active',
          }, 'initial');
        }
      });
    }
    const stats = () => control<{ total_calls: number; rate_limited: number; calls_during_retry_after: number; calls: Record<string, Record<string, number>> }>('GET', `/stats?shop_id=${shop_id}`);
    const inStep = async () =>
      Number(
        (
          await db
            .select({ n: sql<number>`count(*)` })
            .from(productListings)
            .innerJoin(products, eq(products.id, productListings.productId))
            .where(and(eq(productListings.sellerId, sellerId), sql`${productListings.syncedVersion} = ${products.version}`, sql`${productListings.syncedPriceVnd} = ${products.priceVnd}`, sql`${productListings.syncedStock} = ${products.stock}`))
        )[0]!.n,
      );
    // Poll the cheap signal (any unsettled outbox note, a partial index) and confirm with the full
    // comparison, so the bench's own polling does not steal the CPU it is measuring.
    const unsettled = async () => (await db.execute(sql`SELECT EXISTS (SELECT 1 FROM outbox WHERE processed_at IS NULL) AS x`)).rows[0]!.x === true;
    const waitInStep = async () => {
      for (;;) {
        if (!(await unsettled()) && (await inStep()) === COUNT) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    // The worker runs in its own process, as deployed; its RSS is sampled from /proc.
    const worker = run.spawnServer(env);
    let peakRss = 0;
    const sampler = setInterval(() => {
      // The read never rejects (a vanished process reads as ''), so nothing is left unhandled.
      void readFile(`/proc/${worker.pid}/status`, 'utf8')
        .catch(() => '')
        .then((status) => {
          const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
          peakRss = Math.max(peakRss, kb * 1024);
        });
    }, 100);
    const lines = createInterface({ input: worker.stdout! });
    await new Promise<void>((resolve, reject) => {
      lines.on('line', (l) => l.includes('workers started') && resolve());
      worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    });

    const phase = async (name: string, run: () => Promise<void>) => {
      const before = await stats();
      const t0 = performance.now();
      await run();
      if (process.env.BENCH_DEBUG) process.stdout.write(`${name}: change committed at ${Date.now()}\n`);
      await waitInStep();
      if (process.env.BENCH_DEBUG) process.stdout.write(`${name}: in step at ${Date.now()}\n`);
      const seconds = (performance.now() - t0) / 1000;
      const after = await stats();
      const calls = after.total_calls - before.total_calls;
      const batchCalls = Object.entries(after.calls).filter(([e]) => e.includes(':batch')).reduce((n, [e, s]) => n + Object.values(s).reduce((a, b) => a + b, 0) - Object.values(before.calls[e] ?? {}).reduce((a, b) => a + b, 0), 0);
      if (process.env.BENCH_DEBUG) process.stdout.write(`${name} calls by endpoint: ${JSON.stringify(after.calls)}\n`);
      return { name, seconds, calls, batchCalls, ideal: calls / RATE, limited: after.rate_limited - before.rate_limited, duringRetryAfter: after.calls_during_retry_after - before.calls_during_retry_after };
    };

    const a = await phase('(a) initial sync', async () => {});
    const b = await phase('(b) price + stock change', async () => {
      // One transaction changing every product, as a CSV import of new prices and stock would.
      await db.transaction(async (tx) => {
        await tx.execute(sql`UPDATE products SET price_vnd = price_vnd + 1000, stock = stock - 1, version = version + 1 WHERE seller_id = ${sellerId}`);
        await tx.execute(sql`INSERT INTO stock_movements (product_id, kind, delta, stock_after, reason) SELECT id, 'adjust', -1, stock, 'bench' FROM products WHERE seller_id = ${sellerId}`);
        // What the catalog services write for a price/stock-only change (see applyProductPatch, setStockLocked).
        await tx.execute(sql`INSERT INTO outbox (product_id, product_version, reason, kind) SELECT id, version, 'bench', ${OUTBOX_KIND.listingPriceStock} FROM products WHERE seller_id = ${sellerId}`);
        await notifyOutbox(tx);
      });
    });
    clearInterval(sampler);
    if (process.env.BENCH_DEBUG) {
      const { Queue } = await import('bullmq');
      const q = new Queue('listing-batch', { connection: { url: ns.redisUrl }, prefix: ns.queuePrefix });
      for (const j of await q.getJobs(['completed'], 0, 20)) process.stdout.write(`batch job ${j.id}: created ${j.timestamp} delay ${j.opts.delay} processed +${(j.processedOn ?? 0) - j.timestamp} ms, took ${(j.finishedOn ?? 0) - (j.processedOn ?? 0)} ms → ${JSON.stringify(j.returnvalue)}\n`);
      await q.close();
    }

    const row = (p: typeof a) =>
      `${p.name.padEnd(26)} ${p.seconds.toFixed(2).padStart(8)} s ${p.ideal.toFixed(2).padStart(8)} s ${(p.seconds / p.ideal).toFixed(3).padStart(7)}× ${String(p.calls).padStart(6)} ${String(p.batchCalls).padStart(6)} ${String(p.limited).padStart(5)} (${((100 * p.limited) / Math.max(1, p.calls)).toFixed(2)}%) ${String(p.duringRetryAfter).padStart(4)}`;
    process.stdout.write(
      [
        '',
        `Listing sync: ${COUNT} products, sandbox limit ${RATE} req/s (burst ${RATE}), client budget ${RATE * 0.96} req/s (burst 10), worker in its own process`,
        `${'phase'.padEnd(26)} ${'wall'.padStart(10)} ${'ideal'.padStart(10)} ${'ratio'.padStart(8)} ${'calls'.padStart(6)} ${'batch'.padStart(6)} ${'429s'.padStart(5)} ${''.padStart(8)} ${'in RA'.padStart(5)}`,
        row(a),
        row(b),
        '',
        `targets: ratio ≤ 1.15× → (a) ${a.seconds / a.ideal <= 1.15 ? 'PASS' : 'FAIL'}, (b) ${b.seconds / b.ideal <= 1.15 ? 'PASS' : 'FAIL'}; 429s < 1% → ${(a.limited + b.limited) / (a.calls + b.calls) < 0.01 ? 'PASS' : 'FAIL'}; (b) ≤ 100 calls, batch endpoints → ${b.calls <= 100 && b.batchCalls === b.calls ? 'PASS' : 'FAIL'}; worker peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB < 300 MB → ${peakRss < 300 * 2 ** 20 ? 'PASS' : 'FAIL'}`,
        '',
      ].join('\n'),
    );
  } finally {
    await pool.end();
  }
}

try {
  await main();
} finally {
  await run.close();
}
