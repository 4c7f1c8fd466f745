import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../sandbox/rate-limit.ts';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { call, connectShop, control, startTestSandbox, type Shop } from '../support/sandbox.ts';

let sb: RunningSandbox;

beforeAll(async () => {
  sb = await startTestSandbox({ rate_limit: { per_second: 2, burst: 3 } });
});
afterAll(async () => {
  await sb?.close();
});

describe('rate limits (postmart-api.md#rate-limits)', () => {
  it('a token bucket per partner+shop: burst, then 429 RATE_LIMITED with Retry-After; calls in the window are counted', async () => {
    const shop: Shop = await connectShop(sb.url);
    const other: Shop = await connectShop(sb.url, 'HTX bên cạnh');
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await call(sb.url, shop, 'GET', '/products'));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.headers['x-ratelimit-limit'])).toEqual(['3', '3', '3']);
    expect(answers[2]!.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(answers[2]!.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));

    const limited = await call(sb.url, shop, 'GET', '/products');
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');

    // Another shop has its own bucket.
    expect((await call(sb.url, other, 'GET', '/products')).status).toBe(200);

    // Calling again inside the Retry-After window is abusive, whatever the answer.
    await call(sb.url, shop, 'GET', '/products');
    await call(sb.url, shop, 'GET', '/products');
    const stats = await control(sb.url, 'GET', `/stats?shop_id=${shop.shopId}`);
    expect(stats.calls_during_retry_after).toBe(2);
    expect(stats.rate_limited).toBeGreaterThanOrEqual(1);
    expect(stats.calls['GET /api/v1/products']['429']).toBeGreaterThanOrEqual(1);
    expect(stats.by_shop).toEqual([expect.objectContaining({ shop_id: shop.shopId, calls_during_retry_after: 2 })]);

    // A client that waits Retry-After is served again and not counted.
    await sleep(retryAfter * 1000 + 50);
    expect((await call(sb.url, shop, 'GET', '/products')).status).toBe(200);
    expect((await control(sb.url, 'GET', `/stats?shop_id=${shop.shopId}`)).calls_during_retry_after).toBe(2);
  });

  it('PUT /sandbox/config changes the bucket at run time', async () => {
    const config = await control(sb.url, 'PUT', '/config', { rate_limit: { burst: 50 } });
    try {
      expect(config.rate_limit).toEqual({ per_second: 2, burst: 50 });
      const shop = await connectShop(sb.url, 'HTX nhanh');
      const res = await call(sb.url, shop, 'GET', '/products');
      expect(res.headers['x-ratelimit-limit']).toBe('50');
    } finally {
      // Back to the file's bucket, so the other test sees it whichever runs first.
      await control(sb.url, 'PUT', '/config', { rate_limit: { burst: 3 } });
    }
  });

  it('counts a call in the Retry-After window only if it reached the sandbox after the 429 was given, not one already waiting out the injected latency', () => {
    const limiter = new RateLimiter(() => ({ per_second: 1, burst: 1 }));
    const t = 1_000_000;
    expect(limiter.take('p|s', t).allowed).toBe(true);
    // Refused at t+10: a window until t+1010.
    expect(limiter.take('p|s', t + 10)).toMatchObject({ allowed: false, retryAfterS: 1, duringRetryAfter: false });
    // Arrived at t+5, before the 429, and decided at t+305 after 300 ms of latency: the client could not know.
    expect(limiter.take('p|s', t + 305, undefined, t + 5).duringRetryAfter).toBe(false);
    // Arrived at t+20, after the 429: made inside the window.
    expect(limiter.take('p|s', t + 320, undefined, t + 20).duringRetryAfter).toBe(true);
  });

  it('spares calls arriving within retry_after_grace_ms of the 429, and counts the later ones', () => {
    const limiter = new RateLimiter(() => ({ per_second: 1, burst: 1 }), () => 100);
    const t = 2_000_000;
    limiter.take('p|s', t);
    expect(limiter.take('p|s', t + 10).allowed).toBe(false);
    expect(limiter.take('p|s', t + 60).duringRetryAfter).toBe(false);
    expect(limiter.take('p|s', t + 200).duringRetryAfter).toBe(true);
  });

  it('judges each 429 of a run on its own: a call sent as the first window ended is not counted against the next 429', () => {
    const limiter = new RateLimiter(() => ({ per_second: 1, burst: 1 }), () => 100);
    const t = 3_000_000;
    limiter.take('p|s', t);
    expect(limiter.take('p|s', t + 10).allowed).toBe(false); // window until t+1010
    expect(limiter.take('p|s', t + 1010).allowed).toBe(true);
    expect(limiter.take('p|s', t + 1015).allowed).toBe(false); // a new 429 at t+1015
    // Arrived 5 ms after that 429, long after the first: in flight, not made inside the window.
    expect(limiter.take('p|s', t + 1020).duringRetryAfter).toBe(false);
    expect(limiter.take('p|s', t + 1200)).toMatchObject({ duringRetryAfter: true, windowAgeMs: 185 });
  });
});
