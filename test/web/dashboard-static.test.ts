import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.ts';

/** The dashboard's files come from a fixed list, with Chart.js from node_modules and a strict CSP. */
describe('dashboard files', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(async () => app.close());

  it('redirects /dashboard to the page and serves it with a CSP that allows only its own scripts', async () => {
    const redirect = await app.inject({ method: 'GET', url: '/dashboard' });
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe('/dashboard/');
    const page = await app.inject({ method: 'GET', url: '/dashboard/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('<html lang="vi">');
  });

  it('serves Chart.js from the installed package, not a CDN', async () => {
    const res = await app.inject({ method: 'GET', url: '/dashboard/vendor/chart.umd.min.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.body).toContain('Chart');
    expect((await app.inject({ method: 'GET', url: '/dashboard/' })).body).not.toMatch(/https?:\/\//);
  });

  it('answers 404 for anything not on its list, traversal included', async () => {
    for (const url of ['/dashboard/package.json', '/dashboard/../package.json', '/dashboard/%2e%2e/package.json', '/dashboard/vendor/chart.js']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
  });
});
