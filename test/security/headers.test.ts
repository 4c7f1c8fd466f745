import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeUser, type TestUser } from '../support/fixtures.ts';

// Finding 13: security headers, no-store on token replies, and the error shape of errors raised
// before a route runs (414, 431, HTTP parser errors).
let app: FastifyInstance;
let admin: TestUser;
let port: number;
beforeAll(async () => {
  app = await buildTestApp();
  admin = await makeUser(app, 'admin');
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
});
afterAll(() => app?.close());

/** Writes raw bytes to the listening server and returns the whole answer. */
function raw(request: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), body: data.slice(data.indexOf('\r\n\r\n') + 4) }));
  });
}
const errorBody = (body: string) => JSON.parse(body) as { error: { code: string; message: string } };

describe('finding 13: headers', () => {
  it('sends nosniff, frame denial and no-store on API answers, token replies included', async () => {
    const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { phone: admin.phone, password: admin.password } });
    expect(login.statusCode).toBe(200);
    expect(login.headers['cache-control']).toBe('no-store');
    const list = await app.inject({ url: '/v1/users', headers: bearer(admin) });
    for (const res of [login, list]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('gives /docs and /admin/queues a CSP that allows only their own scripts and forbids framing', async () => {
    for (const url of ['/docs/', '/admin/queues/login']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
    // The monitoring dashboard keeps its own, stricter policy.
    const dashboard = await app.inject({ url: '/dashboard/' });
    expect(dashboard.statusCode).toBe(200);
    expect(String(dashboard.headers['content-security-policy'])).not.toContain('unsafe-inline');
  });
});

describe('finding 13: errors before a route runs answer in the error shape', () => {
  it('a path parameter over the length limit: 414 URI_TOO_LONG', async () => {
    const res = await app.inject({ url: `/v1/products/${'a'.repeat(5000)}`, headers: bearer(admin) });
    expect(res.statusCode).toBe(414);
    expect(errorOf(res).code).toBe('URI_TOO_LONG');
  });

  it('oversized headers: 431 HEADERS_TOO_LARGE', async () => {
    const res = await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(errorBody(res.body).error.code).toBe('HEADERS_TOO_LARGE');
  });

  it('a too-long URL: 431 or 414, in the error shape either way', async () => {
    const res = await raw(`GET /v1/communes?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect([414, 431]).toContain(res.status);
    expect(errorBody(res.body).error.message).toBeTruthy();
  });

  it('a malformed request line: 400 BAD_REQUEST', async () => {
    const res = await raw('NOT A REQUEST\r\n\r\n');
    expect(res.status).toBe(400);
    expect(errorBody(res.body).error.code).toBe('BAD_REQUEST');
  });

  it('a URL that does not decode: 400 in the error shape', async () => {
    const res = await app.inject({ url: '/v1/products/%E0%A4%A', headers: bearer(admin) });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toMatch(/BAD_REQUEST|VALIDATION_FAILED/);
  });
});
