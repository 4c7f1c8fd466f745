import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, dropDatabase } from '../support/app.ts';
import { runSandboxMigrations } from '../../sandbox/db/migrate.ts';
import { startSandbox } from '../../sandbox/server.ts';
import { call, connectShop, control, plain, productBody, TEST_CONFIG, uniqueSku } from '../support/sandbox.ts';

/**
 * Reset empties every sandbox table, so this file runs on a database of its own: the other test
 * files share the per-run database and must not see their data vanish. That database has none of
 * the connector's tables, which also proves the sandbox needs none of them.
 */
let url: string;

beforeAll(async () => {
  url = await createScratchDatabase(`sbx_${randomBytes(3).toString('hex')}`);
  await runSandboxMigrations(url);
});

afterAll(async () => {
  if (url) await dropDatabase(url);
});

const start = () => startSandbox({ databaseUrl: url, port: 0, log: false, allowReset: true, pollIntervalMs: 50, config: TEST_CONFIG });

describe('state in PostgreSQL; POST /sandbox/reset', () => {
  it('keeps partners, shops, tokens and products across a restart, then reset empties everything', async () => {
    let sb = await start();
    const shop = await connectShop(sb.url);
    const sku = uniqueSku('RESTART');
    const created = await call(sb.url, shop, 'POST', '/products', { body: productBody([{ seller_sku: sku }]) });
    expect(created.status).toBe(200);
    await sb.close();

    sb = await start();
    try {
      // Same token, same product: nothing lived only in memory.
      const got = await call(sb.url, shop, 'GET', `/products/${created.body.data.product_id}`);
      expect(got.status).toBe(200);
      expect(got.body.data.skus[0].seller_sku).toBe(sku);
      // No commune table here: the offices come from the sandbox's own reference file.
      const offices = await call(sb.url, shop, 'GET', '/logistics/post-offices');
      expect(offices.body.data.map((p: { name: string }) => p.name)).toContain('Bưu cục trung tâm Cao Lãnh (demo)');
      expect(offices.body.data).toHaveLength(102 + 6);

      const reset = await plain(sb.url, 'POST', '/sandbox/reset');
      expect(reset.status).toBe(204);
      const after = await call(sb.url, shop, 'GET', `/products/${created.body.data.product_id}`);
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('INVALID_SIGNATURE'); // the partner is gone
      expect((await plain(sb.url, 'POST', '/sandbox/shops', { partner_id: shop.partnerId, name: 'x' })).status).toBe(404);
      const stats = await control(sb.url, 'GET', '/stats');
      expect(stats.total_calls).toBeLessThanOrEqual(1);
      // Post offices come back after a reset.
      const fresh = await connectShop(sb.url);
      expect((await call(sb.url, fresh, 'GET', '/logistics/post-offices')).body.data).toHaveLength(102 + 6);
    } finally {
      await sb.close();
    }
  });
});
