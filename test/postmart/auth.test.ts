import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postmartShops } from '../../db/schema/postmart.ts';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { connectShop, control, failure, startAppAndSandbox, type ConnectedShop } from '../support/postmart.ts';

let app: FastifyInstance;
let sandbox: RunningSandbox;
let close: () => Promise<void>;

beforeAll(async () => ({ app, sandbox, close } = await startAppAndSandbox()));
afterAll(() => close?.());

// Each connectShop makes its own partner app, so the partner's stats are this shop's alone.
const refreshCalls = async (partnerId: string) => {
  const stats = await control(sandbox, 'GET', `/stats?partner_id=${partnerId}`);
  return Object.entries(stats.calls as Record<string, Record<string, number>>)
    .filter(([endpoint]) => endpoint.includes('/auth/token/refresh'))
    .reduce((n, [, byStatus]) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
};
const shopRow = async (shopId: string) => (await app.db.select().from(postmartShops).where(eq(postmartShops.shopId, shopId)))[0]!;

describe('Postmart client: signing, tokens and refresh against the sandbox', () => {
  let shop: ConnectedShop;
  beforeAll(async () => {
    shop = await connectShop(app, sandbox);
  });
  afterAll(() => shop.close());

  it('is refused with INVALID_SIGNATURE when it signs with the wrong partner key', async () => {
    const { client } = shop.makeClient({ partnerKey: 'not-the-partner-key-0000000000' });
    expect(await failure(client.getProduct(shop.shopId, 'x'))).toMatchObject({ code: 'INVALID_SIGNATURE', status: 401, retryable: false });
  });

  it('is refused with TIMESTAMP_EXPIRED when its clock is more than 300 s off', async () => {
    const { client } = shop.makeClient({ now: () => Date.now() - 301_000 });
    expect(await failure(client.getProduct(shop.shopId, 'x'))).toMatchObject({ code: 'TIMESTAMP_EXPIRED', status: 401 });
  });

  it('is refused with NONCE_REUSED when a nonce repeats within 10 minutes', async () => {
    const nonce = `fixed${Date.now()}`;
    const { client } = shop.makeClient({ nonce: () => nonce });
    expect(await failure(client.getProduct(shop.shopId, 'x'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(client.getProduct(shop.shopId, 'x'))).toMatchObject({ code: 'NONCE_REUSED', status: 401 });
  });
});

describe('Postmart client: access token expiry and refresh rotation', () => {
  it('refreshes an expired access token once, even when two workers need it at the same moment', async () => {
    await control(sandbox, 'PUT', '/config', { access_token_ttl_s: 0 });
    const shop = await connectShop(app, sandbox); // its first access token is already expired
    await control(sandbox, 'PUT', '/config', { access_token_ttl_s: 4 * 3600 });
    const worker1 = shop.makeClient();
    const worker2 = shop.makeClient();
    const before = (await shopRow(shop.shopId)).refreshTokenEnc;
    const results = await Promise.all([
      worker1.client.listProducts(shop.shopId, { page_size: 1 }),
      worker2.client.listProducts(shop.shopId, { page_size: 1 }),
      worker1.client.listProducts(shop.shopId, { page_size: 1 }),
      worker2.client.listProducts(shop.shopId, { page_size: 1 }),
    ]);
    expect(results).toHaveLength(4);
    expect(await refreshCalls(shop.partnerId)).toBe(1);
    const after = await shopRow(shop.shopId);
    expect(after.refreshTokenEnc).not.toBe(before);
    expect(after.accessExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 3 * 3600_000);
    await shop.close();
  });

  it('marks the shop disconnected when its refresh token was already used (REFRESH_TOKEN_REUSED)', async () => {
    const shop = await connectShop(app, sandbox);
    const row = await shopRow(shop.shopId);
    const { SecretBox } = await import('../../src/lib/secret-box.ts');
    const refreshToken = new SecretBox('test-token-key-0123456789-0123456789').open(row.refreshTokenEnc!);
    // Someone else holding a copy of the token rotates it first (their own idempotency key)…
    const res = await request(`${sandbox.url}/api/v1/auth/token/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `foreign-${Date.now()}`, 'x-pm-partner-id': shop.partnerId },
      body: JSON.stringify({ shop_id: shop.shopId, refresh_token: refreshToken }),
    });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    // …so our stored refresh token is now spent: using it must be refused and disconnect the shop.
    await app.db.update(postmartShops).set({ accessExpiresAt: new Date(0) }).where(eq(postmartShops.shopId, shop.shopId));
    const err = await failure(shop.client.listProducts(shop.shopId));
    expect(err.code).toBe('SHOP_NOT_CONNECTED');
    const after = await shopRow(shop.shopId);
    expect(after.status).toBe('disconnected');
    expect(after.disconnectReason).toContain('REFRESH_TOKEN_REUSED');
    expect(after.accessTokenEnc).toBeNull();
    await shop.close();
  });

  it('marks the shop disconnected when Postmart answers SHOP_NOT_AUTHORIZED', async () => {
    const a = await connectShop(app, sandbox);
    const b = await connectShop(app, sandbox);
    // Shop b's row now holds shop a's tokens: Postmart refuses them for shop b.
    await app.db
      .update(postmartShops)
      .set({ accessTokenEnc: (await shopRow(a.shopId)).accessTokenEnc })
      .where(eq(postmartShops.shopId, b.shopId));
    const err = await failure(b.client.listProducts(b.shopId));
    expect(err).toMatchObject({ status: 403 });
    expect((await shopRow(b.shopId)).status).toBe('disconnected');
    await a.close();
    await b.close();
  });
});
