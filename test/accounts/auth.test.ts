import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorOf, signJwt } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser, type TestUser } from '../support/fixtures.ts';

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('login and bearer tokens', () => {
  let app: FastifyInstance;
  let staff: TestUser;
  beforeAll(async () => {
    app = await buildTestApp();
    staff = await makeUser(app, 'provincial_staff');
  });
  afterAll(async () => {
    await app.close();
  });

  const me = (headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: '/v1/me', headers });

  it('logs in with phone and password and returns a token, its lifetime and the account without its password hash', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { phone: staff.phone, password: staff.password } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(body.expiresIn).toBe(app.config.jwtTtlSeconds);
    expect(body.user).toMatchObject({ id: staff.id, phone: staff.phone, role: 'provincial_staff', disabled: false });
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(body.user.createdAt).toMatch(/\+07:00$/);
  });

  it('accepts the phone number in +84 and spaced forms', async () => {
    const international = `+84 ${staff.phone.slice(1, 4)} ${staff.phone.slice(4, 7)} ${staff.phone.slice(7)}`;
    const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { phone: international, password: staff.password } });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.id).toBe(staff.id);
  });

  it('refuses a wrong password and an unknown phone alike with 401 INVALID_CREDENTIALS', async () => {
    const wrong = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { phone: staff.phone, password: 'not-the-password' } });
    const unknown = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { phone: '0399999999', password: 'whatever-1' } });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(errorOf(res).code).toBe('INVALID_CREDENTIALS');
    }
    expect(errorOf(wrong).message).toBe(errorOf(unknown).message);
  });

  it('GET /v1/me returns the account behind a valid token', async () => {
    const res = await me(bearer(staff));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: staff.id, role: 'provincial_staff' });
  });

  it('rejects a request without a token with 401 UNAUTHENTICATED', async () => {
    const res = await me();
    expect(res.statusCode).toBe(401);
    expect(errorOf(res).code).toBe('UNAUTHENTICATED');
  });

  it('rejects a malformed Authorization header with 401 UNAUTHENTICATED', async () => {
    for (const authorization of ['Bearer', 'Bearer not-a-jwt', `Basic ${Buffer.from('a:b').toString('base64')}`, staff.token]) {
      const res = await me({ authorization });
      expect(res.statusCode, authorization).toBe(401);
      expect(errorOf(res).code).toBe('UNAUTHENTICATED');
    }
  });

  it('accepts a hand-signed token with the right secret (the control for the rejections below)', async () => {
    const token = signJwt({ sub: staff.id, role: staff.role, iat: nowSeconds(), exp: nowSeconds() + 600 });
    expect((await me({ authorization: `Bearer ${token}` })).statusCode).toBe(200);
  });

  it('rejects a token signed with another secret with 401 UNAUTHENTICATED', async () => {
    const token = signJwt({ sub: staff.id, role: staff.role, iat: nowSeconds(), exp: nowSeconds() + 600 }, 'another-secret-0123456789-0123456789-xyz');
    const res = await me({ authorization: `Bearer ${token}` });
    expect(res.statusCode).toBe(401);
    expect(errorOf(res).code).toBe('UNAUTHENTICATED');
  });

  it('rejects a token whose payload was altered after signing', async () => {
    const [header, , signature] = staff.token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: staff.id, role: 'admin', iat: nowSeconds(), exp: nowSeconds() + 600 })).toString('base64url');
    const res = await me({ authorization: `Bearer ${header}.${forged}.${signature}` });
    expect(res.statusCode).toBe(401);
    expect(errorOf(res).code).toBe('UNAUTHENTICATED');
  });

  it('rejects an unsigned token (alg none)', async () => {
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const token = `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: staff.id, role: staff.role, iat: nowSeconds(), exp: nowSeconds() + 600 })}.`;
    const res = await me({ authorization: `Bearer ${token}` });
    expect(res.statusCode).toBe(401);
  });

  it('rejects an expired token with 401 TOKEN_EXPIRED, telling the user to log in again', async () => {
    const token = signJwt({ sub: staff.id, role: staff.role, iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 });
    const res = await me({ authorization: `Bearer ${token}` });
    expect(res.statusCode).toBe(401);
    const err = errorOf(res);
    expect(err.code).toBe('TOKEN_EXPIRED');
    expect(err.message).toBe('Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại');
    const en = await me({ authorization: `Bearer ${token}`, 'accept-language': 'en' });
    expect(errorOf(en).message).toBe('Token expired, please log in again');
  });

  it('rejects a correctly signed token for an account that does not exist', async () => {
    const token = signJwt({ sub: randomUUID(), role: 'admin', iat: nowSeconds(), exp: nowSeconds() + 600 });
    const res = await me({ authorization: `Bearer ${token}` });
    expect(res.statusCode).toBe(401);
    expect(errorOf(res).code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['is not a UUID', { sub: 'not-a-uuid' }],
    ['is a number', { sub: 42 }],
    ['is missing', {}],
  ])('rejects a correctly signed token whose subject %s with 401, not a server error', async (_what, claims) => {
    const token = signJwt({ ...claims, role: 'admin', iat: nowSeconds(), exp: nowSeconds() + 600 });
    const res = await me({ authorization: `Bearer ${token}` });
    expect(res.statusCode).toBe(401);
    expect(errorOf(res).code).toBe('UNAUTHENTICATED');
  });

  it('takes the role from the account, not from the token claims', async () => {
    const token = signJwt({ sub: staff.id, role: 'admin', iat: nowSeconds(), exp: nowSeconds() + 600 });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: { authorization: `Bearer ${token}` },
      payload: { phone: '0398765432', name: 'Không được tạo', password: 'password-123', role: 'admin' },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('login attempts per phone number', () => {
  let app: FastifyInstance;
  let victim: TestUser, other: TestUser;
  beforeAll(async () => {
    app = await buildTestApp();
    [victim, other] = [await makeUser(app, 'seller_manager', { sellerId: (await makeSeller(app)).id }), await makeUser(app, 'provincial_staff')];
  });
  afterAll(async () => {
    await app.close();
  });

  const attempt = (phone: string, password: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/auth/login', payload: { phone, password }, headers });

  it('refuses further guesses at one phone number with 429 and Retry-After, in any written form of it, while other accounts log in', async () => {
    const limit = app.config.loginAttemptsPerMinute;
    // makeUser already logged the victim in once.
    for (let i = 1; i < limit; i++) expect((await attempt(victim.phone, `wrong-${i}`)).statusCode).toBe(401);
    const blocked = await attempt(`+84 ${victim.phone.slice(1)}`, victim.password, { 'accept-language': 'en' });
    expect(blocked.statusCode).toBe(429);
    expect(errorOf(blocked)).toMatchObject({ code: 'TOO_MANY_LOGINS', field: 'phone' });
    expect(errorOf(blocked).message).toMatch(/^Too many login attempts for this phone number; try again in \d+ s$/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(errorOf(await attempt(victim.phone, victim.password)).message).toMatch(/^Đăng nhập quá nhiều lần/);
    expect((await attempt(other.phone, other.password)).statusCode).toBe(200);
  });
});
