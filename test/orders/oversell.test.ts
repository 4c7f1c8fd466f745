import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { TEST_JWT_SECRET } from '../support/app.ts';
import { eventually } from '../support/eventually.ts';
import { startWorld, type World } from '../support/world.ts';
import { orderKit, type OrderKit } from '../support/order-world.ts';

/**
 * The oversell scenario: 50 units in stock, 500 buyers who saw stale stock each order one
 * (`ignore_stock`), the webhooks delivered in parallel batches to two worker processes (the
 * in-process one and a `ROLES=worker` child on the same database, Redis and queue prefix).
 */
const STOCK = 50;
const ORDERS = 500;

let world: World;
let seller: Awaited<ReturnType<World['connectSeller']>>;
let kit: OrderKit;
let child: ChildProcess | null = null;

async function startWorkerProcess(): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env: { ...process.env, ...world.env, REDIS_URL: inject('redisUrl'), ROLES: 'worker', MIGRATE_ON_START: 'false', LOG_LEVEL: 'info', NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout! });
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (l) => l.includes('workers started') && resolve());
    proc.once('exit', (code) => reject(new Error(`worker process exited with ${code}`)));
  });
  return proc;
}

beforeAll(async () => {
  // The poller trails now by an hour: every order here arrives by webhook.
  world = await startWorld({}, { ORDER_POLL_LAG_SECONDS: '3600' });
  seller = await world.connectSeller();
  kit = orderKit(world, seller);
  child = await startWorkerProcess();
});
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  await world?.close();
});

describe('oversell: 500 concurrent one-unit orders for 50 units', () => {
  it('reserves exactly 50, cancels 450 on Postmart as OUT_OF_STOCK, ends at stock 0 with a balanced ledger, and Postmart shows 0', async () => {
    const product = await kit.createListed({ stock: STOCK });
    const sns: string[] = [];
    // Placed 25 at a time: the sandbox serializes orders of one SKU on its row lock anyway.
    for (let i = 0; i < ORDERS; i += 25) sns.push(...(await Promise.all(Array.from({ length: 25 }, () => kit.placeOrder(product.sku, 1, { ignore_stock: true })))));
    expect(new Set(sns).size).toBe(ORDERS);

    const settled = await eventually(
      () => Promise.all(sns.map((sn) => kit.orderBySn(sn))),
      (os) => os.every((o) => o !== null && (o.stockState === 'reserved' || (o.status === 'cancelled' && o.cancelState === 'accepted'))),
      240_000,
    );
    expect(settled.filter((o) => o!.stockState === 'reserved')).toHaveLength(STOCK);
    const cancelled = settled.filter((o) => o!.status === 'cancelled');
    expect(cancelled).toHaveLength(ORDERS - STOCK);
    for (const o of cancelled) expect(o).toMatchObject({ cancelReason: 'OUT_OF_STOCK', stockState: 'none' });

    const remote = (await kit.remoteOrders()).filter((o) => sns.includes(o.order_sn));
    expect(remote.filter((o) => o.status === 'CANCELLED' && o.cancel_reason === 'OUT_OF_STOCK')).toHaveLength(ORDERS - STOCK);
    expect(remote.filter((o) => o.status === 'READY_TO_SHIP')).toHaveLength(STOCK);

    expect(await kit.stockOf(product.id)).toBe(0);
    expect(await kit.ledgerSum(product.id)).toBe(0);
    const ledger = await kit.ledgerOf(product.id);
    expect(ledger.filter((m) => m.kind === 'reserve')).toHaveLength(STOCK);
    expect(ledger.filter((m) => m.kind === 'release')).toHaveLength(0);
    expect(ledger.every((m) => m.stockAfter >= 0)).toBe(true);

    // Postmart gave the 450 cancelled units back to its own stock; the listing sync pushes our 0 over them.
    const listing = await eventually(
      async () => (await world.control<{ products: { skus: { seller_sku: string; stock: number }[] }[] }>('GET', `/shops/${seller.shopId}/products`)).products.flatMap((p) => p.skus).find((s) => s.seller_sku === product.sku),
      (s) => s?.stock === 0,
      30_000,
    );
    expect(listing!.stock).toBe(0);
    expect(child!.exitCode).toBeNull();
  }, 400_000);
});
