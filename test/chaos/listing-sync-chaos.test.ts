import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productListings } from '../../db/schema/listings.ts';
import { products } from '../../db/schema/products.ts';
import { insertProduct } from '../../src/services/catalog/products.ts';
import { productBody } from '../support/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { startWorld, type World } from '../support/world.ts';

/**
 * The listing sync under everything at once: 20% injected 5xx, 5% connection resets, a tight rate
 * limit, and the worker process SIGKILLed at random points of a 500-product initial sync and
 * restarted. The sandbox must end with exactly one listing per product, each equal to its product's
 * latest version, one object per idempotency key and no call inside a Retry-After window.
 */
const PRODUCTS = 500;
const KILLS = 5;

let world: World;
let seller: Awaited<ReturnType<World['connectSeller']>>;
let worker: ChildProcess | null = null;

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env: { ...process.env, ...world.env, ROLES: 'worker', MIGRATE_ON_START: 'false', LOG_LEVEL: process.env.TEST_WORKER_LOG ?? 'silent', NODE_ENV: 'test', JWT_SECRET: 'test-secret-0123456789-0123456789-abcdef' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

beforeAll(async () => {
  world = await startWorld(
    { faults: { error_rate: 0.2, reset_rate: 0.05, latency_ms: 0 }, rate_limit: { per_second: 40, burst: 20 } },
    { POSTMART_RATE_PER_SECOND: '36', POSTMART_RATE_BURST: '10' },
    { inProcessWorkers: false },
  );
  seller = await world.connectSeller();
});
afterAll(async () => {
  if (worker) await kill(worker);
  await world?.close();
});

describe('listing sync chaos', () => {
  it('ends with exactly one correct listing per product after faults and SIGKILLed workers', async () => {
    const { db } = world.app;
    for (let i = 0; i < PRODUCTS; i += 50) {
      await db.transaction(async (tx) => {
        for (let j = i; j < Math.min(PRODUCTS, i + 50); j++) {
          await insertProduct(tx, { userId: null }, seller.sellerId, productBody({ sku: `CHAOS-${j}`, name: `Sản phẩm ${j}`, status: 'active', images: ['https://example.org/c.jpg'], priceVnd: 10_000 + j, stock: j }) as never, 'initial');
        }
      });
    }
    const listed = async () =>
      Number((await db.select({ n: sql<number>`count(*)` }).from(productListings).innerJoin(products, eq(products.id, productListings.productId)).where(and(eq(productListings.sellerId, seller.sellerId), sql`${productListings.syncedVersion} = ${products.version}`, sql`${productListings.syncedPriceVnd} = ${products.priceVnd}`, sql`${productListings.syncedStock} = ${products.stock}`)))[0]!.n);

    for (let k = 0; k < KILLS; k++) {
      worker = startWorker();
      // Let it work for a random while, then kill it mid-flight.
      await new Promise((r) => setTimeout(r, 1500 + Math.random() * 2500));
      await kill(worker);
      if (k === 2) {
        // Sellers keep editing during the chaos: the last version must win.
        await db.execute(sql`UPDATE products SET price_vnd = price_vnd + 1, version = version + 1 WHERE seller_id = ${seller.sellerId} AND sku LIKE 'CHAOS-1%'`);
        await db.execute(sql`INSERT INTO outbox (kind, product_id, product_version, reason) SELECT 'listing.full', id, version, 'chaos-edit' FROM products WHERE seller_id = ${seller.sellerId} AND sku LIKE 'CHAOS-1%'`);
      }
    }
    worker = startWorker();
    await eventually(listed, (n) => n === PRODUCTS, 300_000);
    await kill(worker);
    worker = null;

    await world.control('PUT', '/config', { faults: { error_rate: 0, reset_rate: 0 } });
    const stats = await world.control('GET', `/stats?shop_id=${seller.shopId}`);
    const perSku: { seller_sku: string; count: number }[] = stats.objects_created.per_seller_sku;
    expect(perSku.filter((s) => s.seller_sku.startsWith('CHAOS-'))).toHaveLength(PRODUCTS);
    expect(perSku.every((s) => s.count === 1)).toBe(true);
    expect((stats.objects_created.per_idempotency_key as { count: number }[]).every((k) => k.count === 1)).toBe(true);
    expect(stats.calls_during_retry_after).toBe(0);

    const remote = (await world.control<{ products: { status: string; name: string; skus: { seller_sku: string; price: number; stock: number }[] }[] }>('GET', `/shops/${seller.shopId}/products`)).products;
    const catalog = await db.select().from(products).where(eq(products.sellerId, seller.sellerId));
    const bySku = new Map(remote.map((r) => [r.skus[0]!.seller_sku, r]));
    for (const p of catalog) {
      const r = bySku.get(p.sku);
      expect(r, p.sku).toBeDefined();
      expect({ name: r!.name, price: r!.skus[0]!.price, stock: r!.skus[0]!.stock }).toEqual({ name: p.name, price: p.priceVnd, stock: p.stock });
    }
  });
});
