import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { call, connectShop, control, productBody, startTestSandbox, uniqueSku, type Shop } from '../support/sandbox.ts';

let sb: RunningSandbox;
let shop: Shop;

beforeAll(async () => {
  sb = await startTestSandbox();
  shop = await connectShop(sb.url);
});
afterAll(async () => {
  await sb?.close();
});

/** A call whose connection was reset throws; this turns that into a status of 'reset'. */
async function attempt(fn: () => ReturnType<typeof call>): Promise<number | 'reset'> {
  try {
    return (await fn()).status;
  } catch (err) {
    const e = err as { code?: string; name?: string };
    if (e.code === 'UND_ERR_SOCKET' || e.code === 'ECONNRESET' || e.name === 'SocketError') return 'reset';
    throw err;
  }
}

describe('fault injection (PUT /sandbox/config faults)', () => {
  it('answers error_rate of calls with 500/503 INTERNAL and resets reset_rate of connections, roughly', async () => {
    // Other tests in this file share the shop and may have reset its connections already (in any order).
    const before = await control(sb.url, 'GET', `/stats?shop_id=${shop.shopId}`);
    const callsBefore = before.calls['GET /api/v1/logistics/post-offices'] ?? {};
    await control(sb.url, 'PUT', '/config', { faults: { error_rate: 0.3, reset_rate: 0.2 } });
    const n = 200;
    const outcomes: (number | 'reset')[] = [];
    let sample5xx: { body: any } | null = null;
    try {
      for (let i = 0; i < n; i++) {
        outcomes.push(
          await attempt(async () => {
            const res = await call(sb.url, shop, 'GET', '/logistics/post-offices', { query: { ward_code: '29869' } });
            if (res.status >= 500) sample5xx ??= res;
            return res;
          }),
        );
      }
    } finally {
      await control(sb.url, 'PUT', '/config', { faults: { error_rate: 0, reset_rate: 0 } });
    }
    const errors = outcomes.filter((o) => o === 500 || o === 503).length;
    const resets = outcomes.filter((o) => o === 'reset').length;
    const fine = outcomes.filter((o) => o === 200).length;
    expect(errors + resets + fine).toBe(n);
    expect(errors / n).toBeGreaterThan(0.18);
    expect(errors / n).toBeLessThan(0.42);
    expect(resets / n).toBeGreaterThan(0.1);
    expect(resets / n).toBeLessThan(0.3);
    expect(sample5xx!.body.error).toMatchObject({ code: 'INTERNAL', retryable: true });

    const stats = await control(sb.url, 'GET', `/stats?shop_id=${shop.shopId}`);
    const byStatus = stats.calls['GET /api/v1/logistics/post-offices'];
    expect(byStatus.reset - (callsBefore.reset ?? 0)).toBe(resets);
    expect((byStatus['500'] ?? 0) + (byStatus['503'] ?? 0) - (callsBefore['500'] ?? 0) - (callsBefore['503'] ?? 0)).toBe(errors);
    expect(stats.connection_resets - before.connection_resets).toBe(resets);
  });

  it('a reset write may or may not have happened, and retrying with its Idempotency-Key settles it exactly once', async () => {
    const sku = uniqueSku('RESET');
    const key = randomUUID();
    const body = productBody([{ seller_sku: sku }]);
    await control(sb.url, 'PUT', '/config', { faults: { reset_rate: 1 } });
    try {
      expect(await attempt(() => call(sb.url, shop, 'POST', '/products', { body, idempotencyKey: key }))).toBe('reset');
    } finally {
      await control(sb.url, 'PUT', '/config', { faults: { reset_rate: 0 } });
    }
    const retry = await call(sb.url, shop, 'POST', '/products', { body, idempotencyKey: key });
    expect(retry.status).toBe(200);
    const { products } = await control(sb.url, 'GET', `/shops/${shop.shopId}/products`);
    expect(products.filter((p: { skus: { seller_sku: string }[] }) => p.skus[0]?.seller_sku === sku)).toHaveLength(1);
  });

  it('adds latency_ms to every call', async () => {
    await control(sb.url, 'PUT', '/config', { faults: { latency_ms: 150 } });
    try {
      const t0 = performance.now();
      expect((await call(sb.url, shop, 'GET', '/products')).status).toBe(200);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
    } finally {
      await control(sb.url, 'PUT', '/config', { faults: { latency_ms: 0 } });
    }
  });

  it('an injected 5xx on a write frees its Idempotency-Key, so the retry runs', async () => {
    const key = randomUUID();
    const body = productBody([{ seller_sku: uniqueSku('ERR') }]);
    await control(sb.url, 'PUT', '/config', { faults: { error_rate: 1 } });
    let failed;
    try {
      failed = await call(sb.url, shop, 'POST', '/products', { body, idempotencyKey: key });
    } finally {
      await control(sb.url, 'PUT', '/config', { faults: { error_rate: 0 } });
    }
    expect(failed.status).toBeGreaterThanOrEqual(500);
    const retry = await call(sb.url, shop, 'POST', '/products', { body, idempotencyKey: key });
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
  });
});
