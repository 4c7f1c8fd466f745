import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodStarts } from '../../src/services/reports/reports-labels.ts';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser, productBody, type TestUser } from '../support/fixtures.ts';

// Regression tests for issue 15's findings 1, 2, 3 and 5: input that used to hang, crash or be
// silently converted.
let app: FastifyInstance;
let admin: TestUser;
let manager: TestUser;

beforeAll(async () => {
  app = await buildTestApp();
  admin = await makeUser(app, 'admin');
  const seller = await makeSeller(app);
  manager = await makeUser(app, 'seller_manager', { sellerId: seller.id });
});
afterAll(() => app?.close());

describe('finding 1: date ranges are bounded', () => {
  it('refuses a report up to year 9999 with 400 naming the field, instead of looping forever', async () => {
    for (const q of ['to=9999-12-31', 'from=1999-12-31&to=2000-01-05', 'from=2100-12-01&to=2101-01-01']) {
      const res = await app.inject({ url: `/v1/reports/sales?${q}&groupBy=day`, headers: bearer(manager) });
      expect(res.statusCode, q).toBe(400);
      expect(['from', 'to']).toContain(errorOf(res).field);
    }
    const orders = await app.inject({ url: '/v1/orders?to=9999-12-31T00:00:00Z', headers: bearer(admin) });
    expect(orders.statusCode).toBe(400);
    expect(errorOf(orders).field).toBe('to');
  });

  it('still lists every period of a range ending on the last accepted day', async () => {
    const res = await app.inject({ url: '/v1/reports/sales?from=2100-12-01&to=2100-12-31&groupBy=week', headers: bearer(manager) });
    expect(res.statusCode).toBe(200);
    expect(res.json().rows.length).toBe(5);
  });

  it('periodStarts stops at the end of the range even past year 9999', () => {
    expect(periodStarts('day', '9999-12-30', '9999-12-31')).toEqual(['9999-12-30', '9999-12-31']);
    expect(periodStarts('month', '9999-11-15', '9999-12-31')).toEqual(['9999-11-01', '9999-12-01']);
    expect(periodStarts('day', '2026-01-02', '2026-01-01')).toEqual([]);
  });
});

describe('finding 2: deeply nested JSON', () => {
  it('answers 400 in the error shape, unauthenticated included, not a stack overflow 500', async () => {
    // 4,000 levels fit the login route's 8 KiB body limit; 10,000 go to a route with the 256 KiB one.
    const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    const login = await app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: deep(4_000) });
    expect(login.statusCode).toBe(400);
    expect(errorOf(login).code).toBe('INVALID_BODY');
    const users = await app.inject({ method: 'POST', url: '/v1/users', headers: { ...bearer(admin), 'content-type': 'application/json' }, payload: deep(10_000) });
    expect(users.statusCode).toBe(400);
    expect(errorOf(users).code).toBe('INVALID_BODY');
    const nested = `{"sku":"X","name":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`;
    const product = await app.inject({ method: 'POST', url: '/v1/products', headers: { ...bearer(manager), 'content-type': 'application/json' }, payload: nested });
    expect(product.statusCode).toBe(400);
    expect(errorOf(product).code).toBe('INVALID_BODY');
  });
});

describe('finding 3: non-finite numbers in query strings', () => {
  it('answers 400 naming limit for Infinity, -Infinity and 1e400 on every list route', async () => {
    const lists = ['/v1/products', '/v1/orders', '/v1/users', '/v1/sellers', '/v1/communes', '/v1/pickup-points', '/v1/admin/reconcile'];
    for (const url of lists) {
      for (const v of ['Infinity', '-Infinity', '1e400', 'NaN']) {
        const res = await app.inject({ url: `${url}?limit=${v}`, headers: bearer(admin) });
        expect(res.statusCode, `${url}?limit=${v}`).toBe(400);
        expect(errorOf(res).field).toBe('limit');
      }
      expect((await app.inject({ url: `${url}?limit=5`, headers: bearer(admin) })).statusCode, url).toBe(200);
    }
  });
});

describe('finding 5: bodies are validated without type coercion', () => {
  it('refuses wrong JSON types instead of converting them', async () => {
    const create = (over: Record<string, unknown>) => app.inject({ method: 'POST', url: '/v1/products', headers: bearer(manager), payload: productBody(over) });
    for (const [field, value] of [['priceVnd', true], ['name', false], ['priceVnd', '65000'], ['stock', null], ['weightGrams', [1000]]] as const) {
      const res = await create({ [field]: value });
      expect(res.statusCode, `${field}=${JSON.stringify(value)}`).toBe(400);
      expect(errorOf(res).field).toBe(field);
    }
    const product = (await create({})).json();
    const delta = await app.inject({ method: 'POST', url: `/v1/products/${product.id}/stock`, headers: bearer(manager), payload: { delta: true, reason: 'thử' } });
    expect(delta.statusCode).toBe(400);
    expect(errorOf(delta).field).toBe('delta');
    const user = await makeUser(app, 'provincial_staff');
    const disable = await app.inject({ method: 'PATCH', url: `/v1/users/${user.id}`, headers: bearer(admin), payload: { disabled: 'true' } });
    expect(disable.statusCode).toBe(400);
    expect(errorOf(disable).field).toBe('disabled');
    const point = { code: `T-${Date.now()}`, name: 'Điểm thử', kind: 'DIEM_GIAO_DICH', wardCode: '30226', address: 'Lai Vung' };
    for (const over of [{ lat: null, lng: null }, { lat: 10.3, lng: 105.6, dailyCapacity: null }]) {
      const res = await app.inject({ method: 'POST', url: '/v1/pickup-points', headers: bearer(admin), payload: { ...point, ...over } });
      expect(res.statusCode, JSON.stringify(over)).toBe(400);
      expect(['lat', 'dailyCapacity']).toContain(errorOf(res).field);
    }
  });

  it('still coerces query strings, which are text by nature', async () => {
    const res = await app.inject({ url: '/v1/products?limit=2', headers: bearer(manager) });
    expect(res.statusCode).toBe(200);
  });
});
