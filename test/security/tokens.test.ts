import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, testConfig } from '../support/app.ts';
import { bearer, errorOf, signJwt } from '../support/http.ts';
import { makeUser, type TestUser } from '../support/fixtures.ts';

// Finding 6: tokens without exp or with a future iat, tokens that outlive a password change or a
// disabling, and the queue board's cookie used as an API token.
let app: FastifyInstance;
let admin: TestUser;
const now = () => Math.floor(Date.now() / 1000);
const me = (token: string, a: FastifyInstance = app) => a.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  app = await buildTestApp();
  admin = await makeUser(app, 'admin');
});
afterAll(() => app?.close());

describe('token claims', () => {
  it('accepts a well-formed token (the control for the refusals below)', async () => {
    const u = await makeUser(app, 'provincial_staff');
    expect((await me(signJwt({ sub: u.id, role: u.role, iat: now(), exp: now() + 600 }))).statusCode).toBe(200);
  });

  it('refuses a token without exp, without iat, or issued in the future', async () => {
    const u = await makeUser(app, 'provincial_staff');
    for (const claims of [{ iat: now(), exp: undefined }, { iat: undefined, exp: now() + 600 }, { iat: now() + 3600, exp: now() + 7200 }]) {
      const res = await me(signJwt({ sub: u.id, role: u.role, ...claims }));
      expect(res.statusCode, JSON.stringify(claims)).toBe(401);
      expect(errorOf(res).code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses a token for another audience or without the token version', async () => {
    const u = await makeUser(app, 'provincial_staff');
    for (const claims of [{ aud: 'dtpc-queue-board' }, { aud: undefined }, { ver: undefined }, { ver: '0' }]) {
      const res = await me(signJwt({ sub: u.id, role: u.role, iat: now(), exp: now() + 600, ...claims }));
      expect(res.statusCode, JSON.stringify(claims)).toBe(401);
    }
  });
});

describe('token version', () => {
  const patch = (id: string, payload: Record<string, unknown>) => app.inject({ method: 'PATCH', url: `/v1/users/${id}`, headers: bearer(admin), payload });

  it('ends every earlier token of an account when its password changes; a new login works', async () => {
    const u = await makeUser(app, 'provincial_staff');
    expect((await me(u.token)).statusCode).toBe(200);
    expect((await patch(u.id, { password: 'Cau-mat-khau-moi-2026' })).statusCode).toBe(200);
    const old = await me(u.token);
    expect(old.statusCode).toBe(401);
    expect(errorOf(old).code).toBe('TOKEN_EXPIRED');
    const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { phone: u.phone, password: 'Cau-mat-khau-moi-2026' } });
    expect((await me(login.json().token)).statusCode).toBe(200);
  });

  it('ends earlier tokens on a role change and on disabling, and re-enabling does not revive them', async () => {
    const u = await makeUser(app, 'provincial_staff');
    expect((await patch(u.id, { role: 'admin' })).statusCode).toBe(200);
    expect((await me(u.token)).statusCode).toBe(401);
    const again = (await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { phone: u.phone, password: u.password } })).json().token as string;
    expect((await patch(u.id, { disabled: true })).statusCode).toBe(200);
    expect((await patch(u.id, { disabled: false })).statusCode).toBe(200);
    expect((await me(again)).statusCode).toBe(401);
  });

  it('a rename keeps the account’s tokens', async () => {
    const u = await makeUser(app, 'provincial_staff');
    expect((await patch(u.id, { name: 'Tên mới' })).statusCode).toBe(200);
    expect((await me(u.token)).statusCode).toBe(200);
  });

  it('reaches another API replica that had the account cached, through Redis, well inside the 5 s cache', async () => {
    const replica = await buildTestApp();
    const listener = new Redis(testConfig().redisUrl);
    try {
      const u = await makeUser(app, 'provincial_staff');
      expect((await me(u.token, replica)).statusCode).toBe(200); // cached on the replica now
      const announced = new Promise<string>((resolve) => listener.on('message', (_c, id: string) => resolve(id)));
      await listener.subscribe(`${testConfig().queuePrefix}:principal-changed`);
      expect((await patch(u.id, { disabled: true })).statusCode).toBe(200);
      expect(await announced).toBe(u.id);
      // The replica's own subscriber got the same message; its cache entry (seconds from expiring) is gone.
      await vi.waitFor(async () => expect((await me(u.token, replica)).statusCode).toBe(401), { timeout: 3000, interval: 50 });
    } finally {
      await listener.quit();
      await replica.close();
    }
  });
});

describe('queue board session', () => {
  const cookieOf = async (token: string) => {
    const res = await app.inject({ method: 'POST', url: '/admin/queues/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${encodeURIComponent(token)}` });
    expect(res.statusCode).toBe(303);
    return /dtpc_queues=([^;]+)/.exec(String(res.headers['set-cookie']))![1]!;
  };

  it('is valid on the queue board only, not as an API bearer token', async () => {
    const session = await cookieOf(admin.token);
    expect((await app.inject({ url: '/admin/queues/api/queues', headers: { cookie: `dtpc_queues=${session}` } })).statusCode).toBe(200);
    const asBearer = await me(session);
    expect(asBearer.statusCode).toBe(401);
    expect((await app.inject({ url: '/v1/users', headers: { authorization: `Bearer ${session}` } })).statusCode).toBe(401);
  });

  it('refuses an API token put in the session cookie, and ends the session when the password changes', async () => {
    expect((await app.inject({ url: '/admin/queues/api/queues', headers: { cookie: `dtpc_queues=${admin.token}` } })).statusCode).toBe(401);
    const other = await makeUser(app, 'admin');
    const session = await cookieOf(other.token);
    await app.inject({ method: 'PATCH', url: `/v1/users/${other.id}`, headers: bearer(admin), payload: { password: 'Mot-cau-khac-hoan-toan-2026' } });
    expect((await app.inject({ url: '/admin/queues/api/queues', headers: { cookie: `dtpc_queues=${session}` } })).statusCode).toBe(401);
  });
});
