import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/queues/definitions.ts';
import { bearer, errorOf, signJwt } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser, type TestUser } from '../support/fixtures.ts';

const nowSeconds = () => Math.floor(Date.now() / 1000);

function sessionCookie(res: LightMyRequestResponse): { value: string; attributes: string } | null {
  const header = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('dtpc_queues='));
  if (!header) return null;
  const [pair, ...attributes] = header.split(';');
  return { value: pair!.slice('dtpc_queues='.length), attributes: attributes.map((a) => a.trim()).join('; ') };
}

describe('queue dashboard at /admin/queues', () => {
  let app: FastifyInstance;
  let admin: TestUser;
  let staff: TestUser;
  let manager: TestUser;

  beforeAll(async () => {
    app = await buildTestApp();
    admin = await makeUser(app, 'admin');
    staff = await makeUser(app, 'provincial_staff');
    manager = await makeUser(app, 'seller_manager', { sellerId: (await makeSeller(app)).id });
  });
  afterAll(async () => {
    await app.close();
  });

  const login = (token: string) =>
    app.inject({
      method: 'POST',
      url: '/admin/queues/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token }).toString(),
    });

  it('answers 401 with the API error body when no token is sent, for pages, assets and the JSON API alike', async () => {
    for (const url of ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues', '/admin/queues/static/nothing.js']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(errorOf(res).code, url).toBe('UNAUTHENTICATED');
    }
  });

  it('answers 403 to logged-in users who are not admins', async () => {
    for (const user of [staff, manager]) {
      const res = await app.inject({ method: 'GET', url: '/admin/queues', headers: bearer(user) });
      expect(res.statusCode, user.role).toBe(403);
      expect(errorOf(res).code).toBe('FORBIDDEN');
    }
  });

  it('answers 401 TOKEN_EXPIRED to an expired admin token', async () => {
    const token = signJwt({ sub: admin.id, role: 'admin', iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 });
    const res = await app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(401);
    expect(errorOf(res).code).toBe('TOKEN_EXPIRED');
  });

  it('serves the dashboard page to an admin with a bearer token, and lists every queue', async () => {
    const page = await app.inject({ method: 'GET', url: '/admin/queues', headers: bearer(admin) });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<base href="/admin/queues/"');

    const api = await app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: bearer(admin) });
    expect(api.statusCode).toBe(200);
    const names = (api.json() as { queues: { name: string }[] }).queues.map((q) => q.name);
    expect(names.sort()).toEqual(Object.values(QUEUES).sort());
  });

  it('opens a browser session: POST /login sets a short-lived HttpOnly, SameSite=Strict cookie the dashboard then accepts', async () => {
    const form = await app.inject({ method: 'GET', url: '/admin/queues/login' });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('action="/admin/queues/login"');

    const res = await login(admin.token);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/queues/');
    const cookie = sessionCookie(res)!;
    expect(cookie.attributes).toMatch(/HttpOnly/);
    expect(cookie.attributes).toMatch(/SameSite=Strict/);
    expect(cookie.attributes).toMatch(/Path=\/admin\/queues/);
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie.attributes)![1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(3600);
    // The cookie carries a new token that expires with the session, not the 12-hour login token.
    expect(cookie.value).not.toBe(admin.token);
    const exp = (JSON.parse(Buffer.from(cookie.value.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
    expect(exp - nowSeconds()).toBeLessThanOrEqual(3600);

    const headers = { cookie: `other=1; dtpc_queues=${cookie.value}` };
    const page = await app.inject({ method: 'GET', url: '/admin/queues/', headers });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const api = await app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers });
    expect(api.statusCode).toBe(200);
    const script = /src="(static\/js\/main\.[^"]+\.js)"/.exec(page.body)![1];
    const asset = await app.inject({ method: 'GET', url: `/admin/queues/${script}`, headers });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
  });

  it('refuses to open a session for a non-admin or a bad token, and sets no cookie', async () => {
    const forbidden = await login(staff.token);
    expect(forbidden.statusCode).toBe(403);
    expect(errorOf(forbidden).code).toBe('FORBIDDEN');
    expect(sessionCookie(forbidden)).toBeNull();

    const bad = await login('not-a-token');
    expect(bad.statusCode).toBe(401);
    expect(errorOf(bad).code).toBe('UNAUTHENTICATED');
    expect(sessionCookie(bad)).toBeNull();
  });

  it('clears a cookie whose token no longer works, and on logout', async () => {
    const expired = signJwt({ sub: admin.id, role: 'admin', iat: nowSeconds() - 7200, exp: nowSeconds() - 1 });
    const res = await app.inject({ method: 'GET', url: '/admin/queues', headers: { cookie: `dtpc_queues=${expired}` } });
    expect(res.statusCode).toBe(401);
    expect(sessionCookie(res)).toMatchObject({ value: '', attributes: expect.stringContaining('Max-Age=0') });

    const logout = await app.inject({ method: 'GET', url: '/admin/queues/logout' });
    expect(logout.statusCode).toBe(303);
    expect(sessionCookie(logout)).toMatchObject({ value: '', attributes: expect.stringContaining('Max-Age=0') });
  });

  it('refuses changes made with the cookie from another origin', async () => {
    const cookie = sessionCookie(await login(admin.token))!;
    const res = await app.inject({
      method: 'PUT',
      url: `/admin/queues/api/queues/${QUEUES.maintenance}/pause`,
      headers: { cookie: `dtpc_queues=${cookie.value}`, origin: 'https://evil.example' },
    });
    expect(res.statusCode).toBe(403);
    expect(errorOf(res).code).toBe('FORBIDDEN');
    expect(await app.queues.maintenance.isPaused()).toBe(false);
  });

  it('keeps the dashboard and /metrics out of the OpenAPI document, next to a working Swagger UI', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/admin') || p === '/metrics')).toEqual([]);
    // Swagger UI serves its files with its own @fastify/static, bull-board with another version of it.
    const ui = await app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/^text\/html/);
    const asset = await app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
  });
});
