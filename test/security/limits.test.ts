import { randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser, uniquePhone, type TestUser } from '../support/fixtures.ts';

// Finding 11: per-user limits on reports, search and imports, one import at a time per seller,
// and a per-address login limit, all counted in Redis. Then load shedding.
let app: FastifyInstance;
let a: TestUser, b: TestUser, admin: TestUser, searcher: TestUser, importer: TestUser;
let importSeller: string;
beforeAll(async () => {
  // A Redis prefix of its own: every other test file of the run logs in from 127.0.0.1 too, and the
  // per-address counter lives under the prefix.
  const prefix = inject('queuePrefix').replace(/\}$/, `-limits${randomInt(1e6)}}`);
  app = await buildTestApp({ QUEUE_PREFIX: prefix, REPORTS_PER_MINUTE: '3', SEARCHES_PER_MINUTE: '3', IMPORTS_PER_MINUTE: '2', LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE: '5' });
  // Five logins from 127.0.0.1: exactly this app's per-address budget; the spray test uses other addresses.
  [a, b, admin] = [await makeUser(app, 'provincial_staff'), await makeUser(app, 'provincial_staff'), await makeUser(app, 'admin')];
  searcher = await makeUser(app, 'seller_manager', { sellerId: (await makeSeller(app)).id });
  importSeller = (await makeSeller(app)).id;
  importer = await makeUser(app, 'seller_manager', { sellerId: importSeller });
});
afterAll(() => app?.close());

const expect429 = (res: { statusCode: number; headers: Record<string, unknown> }, code = 'RATE_LIMITED') => {
  expect(res.statusCode).toBe(429);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(errorOf(res as never).code).toBe(code);
};

describe('finding 11: limits on expensive work', () => {
  it('limits reports per user, across both report routes, without slowing another user', async () => {
    for (const url of ['/v1/reports/sales', '/v1/reports/overview', '/v1/reports/sales?groupBy=month']) {
      expect((await app.inject({ url, headers: bearer(a) })).statusCode, url).toBe(200);
    }
    expect429(await app.inject({ url: '/v1/reports/sales', headers: bearer(a) }));
    expect((await app.inject({ url: '/v1/reports/sales', headers: bearer(b) })).statusCode).toBe(200);
  });

  it('limits searches per user; plain listing is not a search', async () => {
    const m = searcher;
    for (let i = 0; i < 3; i++) expect((await app.inject({ url: `/v1/products?q=xoai${i}`, headers: bearer(m) })).statusCode).toBe(200);
    expect429(await app.inject({ url: '/v1/products?q=xoai', headers: bearer(m) }));
    expect((await app.inject({ url: '/v1/products', headers: bearer(m) })).statusCode).toBe(200);
  });

  it('runs one product import at a time per seller and limits imports per user', async () => {
    const m = importer;
    const csv = 'sku,name,category,unit,priceVnd,weightGrams,originWardCode\nLIM-1,Xoài cát,fruit,kg,50000,1000,30112\n';
    const post = () => app.inject({ method: 'POST', url: '/v1/products/import', headers: { ...bearer(m), 'content-type': 'text/csv' }, payload: csv });
    // Another import of this seller holds the lock (as a running import on any replica would).
    const lock = `${app.config.queuePrefix}:locks:product-import:${importSeller}`;
    await app.redis.set(lock, 'another-import', 'PX', 60_000);
    const busy = await post();
    expect(busy.statusCode).toBe(409);
    expect(errorOf(busy).code).toBe('IMPORT_IN_PROGRESS');
    await app.redis.del(lock);
    expect((await post()).statusCode).toBe(200);
    expect(await app.redis.exists(lock)).toBe(0); // released when the import ended
    expect429(await post());
  });

  it('limits logins per address over all phones, so a spray over many phones is slowed', async () => {
    const remoteAddress = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
    const guess = () => app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress, payload: { phone: uniquePhone(), password: 'doan-bua-mot-cai' } });
    for (let i = 0; i < 5; i++) expect((await guess()).statusCode).toBe(401);
    expect429(await guess(), 'TOO_MANY_LOGINS_FROM_ADDRESS');
    // Another address is not affected.
    const other = await app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: `192.0.2.${randomInt(1, 255)}`, payload: { phone: a.phone, password: a.password } });
    expect(other.statusCode).toBe(200);
  });
});

describe('load shedding', () => {
  it('answers 503 with Retry-After in the error shape past the heap limit, while /health still answers', async () => {
    const tight = await buildTestApp({ MAX_HEAP_USED_MB: '1' });
    try {
      // under-pressure samples once a second; wait for its first sample rather than for a fixed time.
      await vi.waitFor(() => expect(tight.memoryUsage().heapUsed).toBeGreaterThan(0), { timeout: 5000, interval: 100 });
      const res = await tight.inject({ url: '/v1/communes?q=lai', headers: { 'accept-language': 'en' } });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('10');
      expect(errorOf(res)).toMatchObject({ code: 'OVERLOADED', message: 'The server is overloaded; try again in 10 s' });
      expect((await tight.inject({ url: '/health' })).statusCode).toBe(200);
    } finally {
      await tight.close();
    }
  });

  it('limits JSON bodies to 256 KiB (login to 8 KiB) with 413 in the error shape; CSV imports keep their own limit', async () => {
    const big = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { phone: '0912345678', password: 'x'.repeat(9000) } });
    expect(big.statusCode).toBe(413);
    expect(errorOf(big).code).toBe('PAYLOAD_TOO_LARGE');
    const product = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(admin), payload: { sku: 'X', description: 'x'.repeat(300 * 1024) } });
    expect(product.statusCode).toBe(413);
  });
});
