import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser, type TestUser } from '../support/fixtures.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { control } from '../support/postmart.ts';

let app: FastifyInstance;
let sandbox: RunningSandbox;
let admin: TestUser;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  const { partner_id, partner_key } = await control(sandbox, 'POST', '/partners', { name: 'Connector' });
  await control(sandbox, 'POST', '/shops', { partner_id, name: 'HTX Xoài' });
  app = await buildTestApp({ POSTMART_BASE_URL: `${sandbox.url}/api/v1`, POSTMART_PARTNER_ID: partner_id, POSTMART_PARTNER_KEY: partner_key });
  admin = await makeUser(app, 'admin');
});
afterAll(async () => {
  await app?.close();
  await sandbox?.close();
});

describe("connecting a seller's Postmart shop", () => {
  it('goes from not_connected through the OAuth redirect to connected', async () => {
    const seller = await makeSeller(app);
    const before = await app.inject({ url: `/v1/sellers/${seller.id}/postmart`, headers: bearer(admin) });
    expect(before.json()).toMatchObject({ status: 'not_connected', shopId: null });

    const start = await app.inject({ method: 'POST', url: `/v1/sellers/${seller.id}/postmart/connect`, headers: bearer(admin) });
    expect(start.statusCode).toBe(200);
    const authorizeUrl = new URL(start.json().authorizeUrl);
    expect(authorizeUrl.pathname).toBe('/api/v1/auth/authorize');

    // The seller's browser follows the authorize URL; Postmart (the sandbox) redirects back.
    const redirect = await request(authorizeUrl, { method: 'GET' });
    await redirect.body.dump();
    expect(redirect.statusCode).toBe(302);
    const callback = new URL(String(redirect.headers.location));
    expect(callback.pathname).toBe('/v1/postmart/oauth/callback');
    const done = await app.inject({ url: `${callback.pathname}${callback.search}` });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ sellerId: seller.id, status: 'connected' });

    const after = await app.inject({ url: `/v1/sellers/${seller.id}/postmart`, headers: bearer(admin) });
    expect(after.json()).toMatchObject({ status: 'connected', shopId: callback.searchParams.get('shop_id') });

    // The state is single-use: replaying the callback is refused.
    const replay = await app.inject({ url: `${callback.pathname}${callback.search}` });
    expect(replay.statusCode).toBe(400);
    expect(errorOf(replay).field).toBe('state');
  });

  it("keeps other sellers' connections out of a seller manager's reach and provincial staff read-only", async () => {
    const mine = await makeSeller(app);
    const other = await makeSeller(app);
    const manager = await makeUser(app, 'seller_manager', { sellerId: mine.id });
    const staff = await makeUser(app, 'provincial_staff');
    expect((await app.inject({ url: `/v1/sellers/${other.id}/postmart`, headers: bearer(manager) })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: `/v1/sellers/${other.id}/postmart/connect`, headers: bearer(manager) })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: `/v1/sellers/${mine.id}/postmart/connect`, headers: bearer(manager) })).statusCode).toBe(200);
    expect((await app.inject({ url: `/v1/sellers/${mine.id}/postmart`, headers: bearer(staff) })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/v1/sellers/${mine.id}/postmart/connect`, headers: bearer(staff) })).statusCode).toBe(403);
  });

  it('answers 503 naming the problem when no Postmart partner credentials exist', async () => {
    const bare = await buildTestApp({ POSTMART_BASE_URL: 'http://127.0.0.1:9/api/v1' });
    const user = await makeUser(bare, 'admin');
    const seller = await makeSeller(bare);
    const res = await bare.inject({ method: 'POST', url: `/v1/sellers/${seller.id}/postmart/connect`, headers: { ...bearer(user), 'accept-language': 'en' } });
    expect(res.statusCode).toBe(503);
    expect(errorOf(res).message).toContain('Postmart');
    await bare.close();
  });
});
