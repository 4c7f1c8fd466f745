import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { call, connectShop, nowS, startTestSandbox, type Shop } from '../support/sandbox.ts';

let sb: RunningSandbox;
let shop: Shop;

beforeAll(async () => {
  sb = await startTestSandbox();
  shop = await connectShop(sb.url);
});
afterAll(async () => {
  await sb?.close();
});

describe('request signing (postmart-api.md#authentication-and-signing)', () => {
  it('accepts a call signed as the contract says, with the success envelope', async () => {
    const res = await call(sb.url, shop, 'GET', '/logistics/post-offices', { query: { ward_code: '28261', province_code: '82' } });
    expect(res.status).toBe(200);
    expect(res.body.request_id).toEqual(expect.any(String));
    expect(res.body.data.map((p: { post_office_code: string }) => p.post_office_code)).toEqual(['PO28261', 'PO28261TT']);
    expect(res.headers['x-ratelimit-limit']).toBeDefined();
    expect(res.headers['x-ratelimit-remaining']).toBeDefined();
    expect(res.headers['x-ratelimit-reset']).toBeDefined();
  });

  it('sorts and RFC 3986-encodes the query: a query sent in another order with reserved characters still verifies', async () => {
    // Signed over the canonical form; sent with keys in reverse order and a space and a comma encoded differently.
    const res = await call(sb.url, shop, 'GET', '/orders', {
      query: { time_to: String(nowS()), time_from: String(nowS() - 3600), time_field: 'update_time', status: 'READY_TO_SHIP' },
    });
    expect(res.status).toBe(200);
    const odd = await call(sb.url, shop, 'GET', '/orders/detail', { query: { order_sn_list: "A B,C'D" } });
    expect(odd.status).toBe(200);
    expect(odd.body.data.not_found).toEqual(["A B", "C'D"]);
  });

  it('signs the raw body: a body that differs from the signed one is INVALID_SIGNATURE', async () => {
    const res = await call(sb.url, shop, 'POST', '/products/stock:batch', {
      body: { items: [{ seller_sku: 'X', stock: 1 }] },
      signWith: { body: JSON.stringify({ items: [{ seller_sku: 'X', stock: 2 }] }) },
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'INVALID_SIGNATURE', retryable: false });
    expect(res.body.request_id).toEqual(expect.any(String));
  });

  it('rejects a signature made with another key, path or query', async () => {
    for (const signWith of [{ key: 'not-the-partner-key' }, { path: '/api/v1/products/other' }, { query: 'page_size=5' }]) {
      const res = await call(sb.url, shop, 'GET', '/products', { query: { page_size: '10' }, signWith });
      expect(res.status, JSON.stringify(signWith)).toBe(401);
      expect(res.body.error.code).toBe('INVALID_SIGNATURE');
    }
  });

  it('rejects a timestamp more than 300 s away, either side, and accepts one just inside', async () => {
    for (const timestamp of [nowS() - 301 - 2, nowS() + 301 + 2]) {
      const res = await call(sb.url, shop, 'GET', '/products', { timestamp });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('TIMESTAMP_EXPIRED');
    }
    const inside = await call(sb.url, shop, 'GET', '/products', { timestamp: nowS() - 290 });
    expect(inside.status).toBe(200);
  });

  it('rejects a nonce used again within 10 minutes', async () => {
    const nonce = randomUUID();
    expect((await call(sb.url, shop, 'GET', '/products', { nonce })).status).toBe(200);
    const again = await call(sb.url, shop, 'GET', '/products', { nonce });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('NONCE_REUSED');
  });

  it('a badly signed call does not burn its nonce', async () => {
    const nonce = randomUUID();
    expect((await call(sb.url, shop, 'GET', '/products', { nonce, signWith: { key: 'wrong' } })).body.error.code).toBe('INVALID_SIGNATURE');
    expect((await call(sb.url, shop, 'GET', '/products', { nonce })).status).toBe(200);
  });

  it('names a missing header in INVALID_PARAM details', async () => {
    for (const header of ['X-PM-Partner-Id', 'X-PM-Shop-Id', 'X-PM-Timestamp', 'X-PM-Nonce', 'X-PM-Signature', 'Authorization']) {
      const res = await call(sb.url, shop, 'GET', '/products', { omit: [header] });
      expect(res.status, header).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'INVALID_PARAM', retryable: false });
      expect(res.body.error.details[0].field).toBe(header);
    }
  });

  it('refuses an unknown partner, another shop, and a token of another shop', async () => {
    const other = await connectShop(sb.url, 'HTX khác');
    expect((await call(sb.url, { ...shop, partnerId: 'ptn_nobody' }, 'GET', '/products')).body.error.code).toBe('INVALID_SIGNATURE');
    const foreignShop = await call(sb.url, { ...shop, shopId: other.shopId }, 'GET', '/products');
    expect(foreignShop.status).toBe(403);
    expect(foreignShop.body.error.code).toBe('SHOP_NOT_AUTHORIZED');
    const foreignToken = await call(sb.url, { ...shop, accessToken: other.accessToken }, 'GET', '/products');
    expect(foreignToken.status).toBe(403);
    expect(foreignToken.body.error.code).toBe('SHOP_NOT_AUTHORIZED');
  });
});
