import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { call, canonicalQuery, connectShop, control, plain, startTestSandbox, WebhookReceiver } from '../support/sandbox.ts';

let sb: RunningSandbox;
let receiver: WebhookReceiver;

beforeAll(async () => {
  sb = await startTestSandbox();
  receiver = await new WebhookReceiver().start();
});
afterAll(async () => {
  await sb?.close();
  await receiver?.close();
});

const refresh = (shopId: string, refreshToken: string, key = randomUUID()) =>
  plain(sb.url, 'POST', '/api/v1/auth/token/refresh', { shop_id: shopId, refresh_token: refreshToken }, { 'Idempotency-Key': key });

describe('OAuth and tokens (postmart-api.md#authentication-and-signing)', () => {
  it('authorize answers 302 to the redirect with code, shop_id and state; the code works once', async () => {
    const partner = await control(sb.url, 'POST', '/partners', { name: 'Đối tác A' });
    const { shop_id } = await control(sb.url, 'POST', '/shops', { partner_id: partner.partner_id, name: 'HTX Xoài Cái Bè' });
    const res = await request(
      `${sb.url}/api/v1/auth/authorize?${canonicalQuery({ partner_id: partner.partner_id, redirect: 'https://connector.example/cb?x=1', state: 'abc 123' })}`,
    );
    await res.body.dump();
    expect(res.statusCode).toBe(302);
    const back = new URL(String(res.headers.location));
    expect(back.origin + back.pathname).toBe('https://connector.example/cb');
    expect(back.searchParams.get('x')).toBe('1');
    expect(back.searchParams.get('state')).toBe('abc 123');
    expect(back.searchParams.get('shop_id')).toBe(shop_id);
    const code = back.searchParams.get('code')!;

    const first = await plain(sb.url, 'POST', '/api/v1/auth/token', { code, shop_id }, { 'Idempotency-Key': randomUUID() });
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), expires_in: 4 * 3600 });
    const again = await plain(sb.url, 'POST', '/api/v1/auth/token', { code, shop_id }, { 'Idempotency-Key': randomUUID() });
    expect(again.status).toBe(400);
    expect(again.body.error.details[0].field).toBe('code');
  });

  it('/auth POSTs need an Idempotency-Key like every POST', async () => {
    const res = await plain(sb.url, 'POST', '/api/v1/auth/token', { code: 'x', shop_id: 'y' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('Idempotency-Key');
  });

  it('an expired access token is ACCESS_TOKEN_EXPIRED (retryable), and a refreshed one works', async () => {
    await control(sb.url, 'PUT', '/config', { access_token_ttl_s: 0 });
    const shop = await connectShop(sb.url);
    await control(sb.url, 'PUT', '/config', { access_token_ttl_s: 4 * 3600 });
    const expired = await call(sb.url, shop, 'GET', '/products');
    expect(expired.status).toBe(401);
    expect(expired.body.error).toMatchObject({ code: 'ACCESS_TOKEN_EXPIRED', retryable: true });

    const fresh = await refresh(shop.shopId, shop.refreshToken);
    expect(fresh.status).toBe(200);
    expect(fresh.body.data.refresh_token).not.toBe(shop.refreshToken);
    expect((await call(sb.url, { ...shop, accessToken: fresh.body.data.access_token }, 'GET', '/products')).status).toBe(200);
  });

  it('refresh tokens rotate: reusing one is REFRESH_TOKEN_REUSED, revokes the shop and announces it', async () => {
    const shop = await connectShop(sb.url);
    await control(sb.url, 'PUT', `/partners/${shop.partnerId}/webhook`, { url: receiver.url });
    const second = await refresh(shop.shopId, shop.refreshToken);
    expect(second.status).toBe(200);
    const pair2 = second.body.data;

    const reuse = await refresh(shop.shopId, shop.refreshToken);
    expect(reuse.status).toBe(401);
    expect(reuse.body.error).toMatchObject({ code: 'REFRESH_TOKEN_REUSED', retryable: false });

    // Everything the shop held is dead; it must authorize again.
    const withNewAccess = await call(sb.url, { ...shop, accessToken: pair2.access_token }, 'GET', '/products');
    expect(withNewAccess.status).toBe(403);
    expect(withNewAccess.body.error.code).toBe('SHOP_NOT_AUTHORIZED');
    expect((await refresh(shop.shopId, pair2.refresh_token)).body.error.code).toBe('SHOP_NOT_AUTHORIZED');
    const revoked = await receiver.next((r) => r.json.type === 'shop.auth_revoked' && r.json.shop_id === shop.shopId);
    expect(revoked.json.data).toMatchObject({ shop_id: shop.shopId, reason: 'REFRESH_TOKEN_REUSED' });

    const again = await connectShop(sb.url); // a new authorization of a (new) shop works as before
    expect((await call(sb.url, again, 'GET', '/products')).status).toBe(200);
  });

  it('a lost refresh answer is recovered by replaying the same Idempotency-Key, not by reusing the token', async () => {
    const shop = await connectShop(sb.url);
    const key = randomUUID();
    const first = await refresh(shop.shopId, shop.refreshToken, key);
    const replay = await refresh(shop.shopId, shop.refreshToken, key);
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect((await call(sb.url, { ...shop, accessToken: replay.body.data.access_token }, 'GET', '/products')).status).toBe(200);
  });

  it('announces shop.auth_expiring once when a live refresh token nears its end', async () => {
    const short = await startTestSandbox({}, { refreshTokenTtlS: 3600, authExpiringNoticeS: 7 * 86_400, housekeepingIntervalMs: 100 });
    try {
      const shop = await connectShop(short.url, 'HTX sắp hết hạn', { webhookUrl: receiver.url });
      const e = await receiver.next((r) => r.json.type === 'shop.auth_expiring' && r.json.shop_id === shop.shopId, 5_000);
      expect(e.json.data).toMatchObject({ shop_id: shop.shopId, expire_time: expect.any(Number) });
      expect(e.json.data.expire_time - Date.now() / 1000).toBeGreaterThan(3000);
    } finally {
      await short.close();
    }
  });

  it('an unknown refresh token is INVALID_PARAM naming refresh_token', async () => {
    const shop = await connectShop(sb.url);
    const res = await refresh(shop.shopId, 'pmr_not-a-token');
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('refresh_token');
  });
});
