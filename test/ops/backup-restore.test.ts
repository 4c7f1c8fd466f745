import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { asc, eq, max } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseIncarnationKey } from '../../db/incarnation.ts';
import { outbox } from '../../db/schema/outbox.ts';
import { orders } from '../../db/schema/orders.ts';
import { products } from '../../db/schema/products.ts';
import { stockMovements } from '../../db/schema/stock-movements.ts';
import { startWorkers, type Workers } from '../../jobs/worker.ts';
import type { Db } from '../../src/db.ts';
import { buildTestApp, createScratchDatabase, dropDatabase, testConfig } from '../support/app.ts';
import { eventually } from '../support/eventually.ts';
import { productBody } from '../support/fixtures.ts';
import { bearer } from '../support/http.ts';
import { startOrderWorld, type OrderKit, type Seller } from '../support/order-world.ts';
import type { World } from '../support/world.ts';

const run = promisify(execFile);

/** Every row a restore must bring back: orders, products and the stock ledger, by id. */
async function rowsOf(db: Db) {
  return {
    orders: (await db.select({ id: orders.id, sn: orders.orderSn, status: orders.status }).from(orders).orderBy(asc(orders.id))),
    products: (await db.select({ id: products.id, sku: products.sku, stock: products.stock, version: products.version }).from(products).orderBy(asc(products.id))),
    ledger: (await db.select({ id: stockMovements.id, productId: stockMovements.productId, delta: stockMovements.delta }).from(stockMovements).orderBy(asc(stockMovements.id))),
  };
}

/**
 * The README's backup procedure, end to end: pg_dump a database the service has been using,
 * pg_restore it into a new database, and start the service on the copy against the same Redis and
 * queue prefix, which still holds the original's jobs (the usual case: Redis is not restored).
 */
describe('a pg_dump backup restored into a new database', () => {
  let world: World;
  let seller: Seller;
  let kit: OrderKit;
  let dir: string;
  let restoredUrl: string | null = null;
  let restored: FastifyInstance | null = null;
  let restoredWorkers: Workers | null = null;

  beforeAll(async () => {
    ({ world, seller, kit } = await startOrderWorld());
    dir = await mkdtemp(join(tmpdir(), 'dtpc-backup-'));
  });
  afterAll(async () => {
    await restoredWorkers?.close();
    await restored?.close();
    if (restoredUrl) await dropDatabase(restoredUrl);
    // The original's workers and API were stopped by the test; close what is left of its world.
    await world.workers?.close();
    await world.sandbox.close();
    await dropDatabase(world.url);
    await rm(dir, { recursive: true, force: true });
  });

  it('brings back every order, product and ledger row, and a new product on it is synced at once although Redis holds the original jobs', async () => {
    // The original at work: listed products and imported buyer orders, which reserved stock.
    const mango = await kit.createListed({ name: 'Xoài cát chu' });
    const rice = await kit.createListed({ name: 'Gạo Tháp Mười' });
    const sns = [await kit.placeOrder(mango.sku, 1), await kit.placeOrder(rice.sku, 2)];
    await eventually(() => Promise.all(sns.map(kit.orderBySn)), (found) => found.every((o) => o !== null && o.status === 'ready_to_ship'));
    const backedUp = await rowsOf(world.app.db);
    expect(backedUp.orders).toHaveLength(2);
    expect(backedUp.ledger.length).toBeGreaterThanOrEqual(4); // two opening stocks, two reservations
    const originalKey = await databaseIncarnationKey(world.app.db);

    const dump = join(dir, 'backup.dump');
    await run('pg_dump', ['--format=custom', '--file', dump, world.url]);

    // The original goes on after the backup: the outbox ids it uses now are the ones the restored
    // database will hand out again, and their jobs stay in Redis (completed jobs are kept an hour).
    await kit.createListed({ name: 'Sen Tháp Mười' });
    const [{ lastOriginalOutboxId }] = (await world.app.db.select({ lastOriginalOutboxId: max(outbox.id) }).from(outbox)) as [{ lastOriginalOutboxId: number }];
    await world.workers!.close();
    await world.app.close();

    restoredUrl = await createScratchDatabase('restored');
    await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--dbname', restoredUrl, dump]);
    const env = { ...world.env, DATABASE_URL: restoredUrl };
    restored = await buildTestApp(env);
    restoredWorkers = await startWorkers(testConfig(env), pino({ level: 'silent' }));

    expect(await rowsOf(restored.db)).toEqual(backedUp);
    for (const o of backedUp.orders) {
      const res = await restored.inject({ url: `/v1/orders/${o.id}`, headers: bearer(seller.manager) });
      expect(res.statusCode, o.sn).toBe(200);
      expect(res.json()).toMatchObject({ orderSn: o.sn, status: 'ready_to_ship' });
    }
    for (const p of backedUp.products) {
      const res = await restored.inject({ url: `/v1/products/${p.id}`, headers: bearer(seller.manager) });
      expect(res.statusCode, p.sku).toBe(200);
      expect(res.json()).toMatchObject({ sku: p.sku, stock: p.stock });
    }
    // The restored database is another incarnation: its outbox job ids cannot be the original's.
    expect(await databaseIncarnationKey(restored.db)).not.toBe(originalKey);

    const created = await restored.inject({ method: 'POST', url: '/v1/products', headers: bearer(seller.manager), payload: productBody({ status: 'active', images: ['https://example.org/quyt.jpg'], name: 'Quýt hồng Lai Vung' }) });
    expect(created.statusCode).toBe(201);
    const lotus = created.json() as { id: string; sku: string };
    const [note] = await restored.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.productId, lotus.id));
    // The case that used to drop the job: this row's id was already used, and its job kept, by the original.
    expect(note!.id).toBeLessThanOrEqual(lastOriginalOutboxId);
    // Reaches Postmart on the first relay, well before the sweeper would re-drive a lost note (30 s).
    const remote = await eventually(
      async () =>
        (await world.control<{ products: { status: string; skus: { seller_sku: string }[] }[] }>('GET', `/shops/${seller.shopId}/products`)).products.filter((p) =>
          p.skus.some((s) => s.seller_sku === lotus.sku),
        ),
      (r) => r.length === 1,
      20_000,
    );
    expect(remote).toHaveLength(1);
  }, 120_000);
});
