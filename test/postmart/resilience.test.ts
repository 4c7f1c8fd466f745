import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { RateLimiter } from '../../src/postmart/client/rate-limiter.ts';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { buildTestApp } from '../support/app.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { connectShop, control, productPayload } from '../support/postmart.ts';
import { Redis } from 'ioredis';

let app: FastifyInstance;
let sandbox: RunningSandbox;
let redis: Redis;

beforeAll(async () => {
  app = await buildTestApp();
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  await redis?.quit();
  await app?.close();
});

/** Runs `fn` over `items` with at most `width` in flight. */
async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: width }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  }));
}

describe('Postmart client under injected faults', () => {
  beforeAll(async () => {
    sandbox = await startTestSandbox({ faults: { error_rate: 0.2, reset_rate: 0.05, latency_ms: 0 } });
  });
  afterAll(() => sandbox?.close());

  it('creates exactly 500 products through 20% 5xx and 5% connection resets, one per idempotency key', async () => {
    const shop = await connectShop(app, sandbox, { retry: { maxAttempts: 12, baseDelayMs: 10, maxDelayMs: 200 } });
    const skus = Array.from({ length: 500 }, (_, i) => `FAULT-${i}`);
    await pool(skus, 16, (sku) => shop.client.createProduct(shop.shopId, productPayload(sku), `create:${sku}`));

    await control(sandbox, 'PUT', '/config', { faults: { error_rate: 0, reset_rate: 0 } });
    const stats = await control(sandbox, 'GET', `/stats?shop_id=${shop.shopId}`);
    const perKey: { idempotency_key: string; count: number }[] = stats.objects_created.per_idempotency_key;
    const perSku: { seller_sku: string; count: number }[] = stats.objects_created.per_seller_sku;
    expect(perKey).toHaveLength(500);
    expect(perKey.every((k) => k.count === 1)).toBe(true);
    expect(perSku).toHaveLength(500);
    expect(perSku.every((s) => s.count === 1)).toBe(true);
    const remote = await control<{ products: unknown[] }>(sandbox, 'GET', `/shops/${shop.shopId}/products`);
    expect(remote.products).toHaveLength(500);
    // The faults really happened: the run went through errors and resets, not around them.
    const statuses = Object.values(stats.calls as Record<string, Record<string, number>>).flatMap((byStatus) => Object.keys(byStatus));
    expect(statuses).toEqual(expect.arrayContaining(['reset']));
    expect(statuses.some((s) => s.startsWith('5'))).toBe(true);
    await shop.close();
  });
});

describe('Postmart client and rate limits', () => {
  beforeAll(async () => {
    sandbox = await startTestSandbox({ rate_limit: { per_second: 5, burst: 5 } });
  });
  afterAll(() => sandbox?.close());

  it('waits out Retry-After after a 429 and never calls during the window', async () => {
    // A client budget far above the shop's limit, so the sandbox has to say 429; one call at a time,
    // so every call after a 429 is one the client chose to make (calls already in flight when the
    // first 429 is sent cannot know about it; the shared bucket below is what prevents those).
    const shop = await connectShop(app, sandbox);
    await pool(Array.from({ length: 12 }, (_, i) => i), 1, () => shop.client.listProducts(shop.shopId, { page_size: 1 }));
    const stats = await control(sandbox, 'GET', `/stats?shop_id=${shop.shopId}`);
    expect(stats.rate_limited).toBeGreaterThan(0);
    expect(stats.calls_during_retry_after).toBe(0);
    await shop.close();
  });

  it('keeps two workers sharing the Redis token bucket under the limit, so no call is refused', async () => {
    const shop = await connectShop(app, sandbox);
    const prefix = `${inject('queuePrefix')}:shared-${Date.now()}`;
    const shared = () => new RateLimiter(redis, { perSecond: 4, burst: 4, prefix });
    const w1 = shop.makeClient({ limiter: shared() });
    const w2 = shop.makeClient({ limiter: shared() });
    await Promise.all([
      pool(Array.from({ length: 8 }, (_, i) => i), 4, () => w1.client.listProducts(shop.shopId, { page_size: 1 })),
      pool(Array.from({ length: 8 }, (_, i) => i), 4, () => w2.client.listProducts(shop.shopId, { page_size: 1 })),
    ]);
    const stats = await control(sandbox, 'GET', `/stats?shop_id=${shop.shopId}`);
    expect(stats.rate_limited).toBe(0);
    expect(stats.by_shop.find((s: { shop_id: string }) => s.shop_id === shop.shopId).calls).toBe(16);
    await shop.close();
  });
});

describe('Postmart rate limiter: a pause after a 429', () => {
  const limiterFor = (perSecond = 5, burst = 5) => {
    const prefix = `${inject('queuePrefix')}:pause-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    return { prefix, limiter: new RateLimiter(redis, { perSecond, burst, prefix }) };
  };

  it('is still honoured by this process when Redis restarts without its data', async () => {
    const { prefix, limiter } = limiterFor();
    await limiter.pause('ptn:shop', 60_000);
    // What a redis-server restarted empty holds: nothing.
    await redis.del(`${prefix}:pm:pause:ptn:shop`, `${prefix}:pm:bucket:ptn:shop`);
    expect(await limiter.pausedFor('ptn:shop')).toBeGreaterThan(50_000);
  });

  it('does not fail when Redis cannot take it, so the 429 is what the caller sees and retries on', async () => {
    const prefix = `${inject('queuePrefix')}:pause-down-${Date.now()}`;
    const down = new Redis(inject('redisUrl'), { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    down.on('error', () => undefined); // never connected: each command fails at once, which is the point
    const limiter = new RateLimiter(down, { perSecond: 5, burst: 5, prefix });
    await expect(limiter.pause('ptn:shop', 60_000)).resolves.toBeUndefined();
    // Redis really did not take it (another process cannot know); this one waits it out from memory (the test above).
    expect(await new RateLimiter(redis, { perSecond: 5, burst: 5, prefix }).pausedFor('ptn:shop')).toBe(0);
    down.disconnect();
  });

  it('holds back a call whose token came back from Redis after this process received a 429', async () => {
    const prefix = `${inject('queuePrefix')}:pause-late-${Date.now()}`;
    // Redis answers the token late (slow, restarting, or the command queued while it was down).
    let letThrough!: () => void;
    const gate = new Promise<void>((r) => (letThrough = r));
    let first = true;
    const slow = new Proxy(redis, {
      get(target, prop, receiver) {
        if (prop !== 'evalsha') return Reflect.get(target, prop, receiver);
        return async (...args: Parameters<Redis['evalsha']>) => {
          const answer = await target.evalsha(...args);
          if (first) {
            first = false;
            await gate;
          }
          return answer;
        };
      },
    });
    const limiter = new RateLimiter(slow, { perSecond: 5, burst: 5, prefix });
    let left = false;
    const call = limiter.acquire('ptn:shop').then(() => (left = true));
    await new Promise((r) => setImmediate(r));
    await limiter.pause('ptn:shop', 400); // another call's 429 arrives meanwhile
    letThrough();
    await redis.ping(); // the token's answer has been handled by now
    await new Promise((r) => setImmediate(r));
    expect(left).toBe(false);
    await call;
    expect(left).toBe(true);
  });

  it('empties the shared bucket, so the calls that waited the window out leave one by one rather than in a burst', async () => {
    const { prefix, limiter } = limiterFor(5, 5);
    await limiter.acquire('ptn:shop'); // the bucket exists, four tokens left
    await limiter.pause('ptn:shop', 100);
    expect(await redis.hget(`${prefix}:pm:bucket:ptn:shop`, 'tokens')).toBe('0');
  });
});

describe('Postmart client when calls wait for a connection', () => {
  beforeAll(async () => {
    sandbox = await startTestSandbox({ rate_limit: { per_second: 1, burst: 1 }, faults: { latency_ms: 150 } });
  });
  afterAll(() => sandbox?.close());

  it('a call that waited for a connection while another got a 429 waits out the Retry-After window before it leaves', async () => {
    // One connection and a client budget far above the shop's limit: the calls queue for the
    // connection, each holding a token taken before the 429 that the call ahead of it receives.
    const shop = await connectShop(app, sandbox, { connections: 1 });
    await Promise.all(Array.from({ length: 4 }, () => shop.client.listProducts(shop.shopId, { page_size: 1 })));
    const stats = await control(sandbox, 'GET', `/stats?shop_id=${shop.shopId}`);
    expect(stats.rate_limited).toBeGreaterThan(0);
    expect(stats.calls_during_retry_after).toBe(0);
    await shop.close();
  });
});
