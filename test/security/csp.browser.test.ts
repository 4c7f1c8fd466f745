import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium, openBrowser } from '../support/chromium.ts';
import { buildTestApp } from '../support/app.ts';
import { makeUser, type TestUser } from '../support/fixtures.ts';

/**
 * The Content-Security-Policy of src/plugins/protection.ts in a real browser (Debian's Chromium,
 * headless): Swagger UI at /docs and bull-board at /admin/queues still render and run, and the
 * only thing the policy blocks is bull-board's web font from another origin.
 */
describe('pages under the CSP in a browser', () => {
  let app: FastifyInstance;
  let base: string;
  let admin: TestUser;
  let browser: Awaited<ReturnType<typeof openBrowser>>;

  beforeAll(async () => {
    ensureChromium();
    app = await buildTestApp();
    admin = await makeUser(app, 'admin');
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    browser = await openBrowser();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** CSP violations the page reports, except the external web font the board asks for. */
  function violations(page: Page): string[] {
    const seen: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text()) && !/fonts\.googleapis\.com/.test(m.text())) seen.push(m.text());
    });
    page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
    return seen;
  }

  it('renders Swagger UI at /docs with the API title and its operations', async () => {
    const page = await browser.context.newPage();
    const seen = violations(page);
    await page.goto(`${base}/docs/`);
    await page.locator('.swagger-ui .info .title', { hasText: 'Đồng Tháp Postmart Connector' }).waitFor();
    await page.locator('.opblock-summary-path', { hasText: '/v1/auth/login' }).first().waitFor();
    expect(seen).toEqual([]);
    await page.close();
  });

  it('opens the queue board after the login form and lists the queues', async () => {
    const page = await browser.context.newPage();
    const seen = violations(page);
    await page.goto(`${base}/admin/queues/login`);
    await page.fill('input[name=token]', admin.token);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/admin/queues/`);
    await page.getByText('Đồng Tháp Postmart').first().waitFor();
    await page.getByText('listing-sync').first().waitFor();
    expect(seen).toEqual([]);
    await page.close();
  });
});
