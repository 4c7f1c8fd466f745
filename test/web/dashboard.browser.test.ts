import { mkdir, readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { counterSales } from '../../db/schema/outlets.ts';
import { products } from '../../db/schema/products.ts';
import { setCommissionRate } from '../../src/services/outlets/commission.ts';
import { makePickupPoint, makeUser, type TestUser } from '../support/fixtures.ts';
import { bearer } from '../support/http.ts';
import { asPrincipal } from '../support/outlets.ts';
import { authorizations, counterCash } from '../../db/schema/counter.ts';
import { newId } from '../../src/lib/ids.ts';
import { FIXED_NOW, listing, order, product, reportsApp, seller } from '../support/reports.ts';
import { ensureChromium, openBrowser } from '../support/chromium.ts';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
/** Chromium's Intl separates "₫" with a no-break space; compare text with plain spaces. */
const plain = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

/**
 * The dashboard in a real browser (Debian's Chromium, headless, driven by playwright-core) against
 * the app listening on a database of its own. Seeded: seller A sells 2 × 60,000 today and has an
 * order to prepare, seller B sells 1 × 80,000 today, and A sold 3 × 50,000 in June 2025. "Today" is
 * FIXED_NOW for the seed, the server and the page's own clock (the default range is computed in the
 * browser), so the run cannot straddle Vietnam midnight. At the post office BC870000 seller A has 10
 * mangoes on consignment: 3 sold at the counter for 180,000 (one more sold and voided), 7 left.
 */
describe('monitoring dashboard in a browser', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let base: string;
  let staff: TestUser, managerA: TestUser;

  beforeAll(async () => {
    ensureChromium();
    ({ app, close } = await reportsApp({}, { now: () => FIXED_NOW }));
    const db = app.db;
    const a = await seller(app, 'HTX Xoài Mỹ Xương', '30226');
    const b = await seller(app, 'HTX Sen Tháp Mười', '30112');
    const mango = await product(db, a.id, { name: 'Xoài cát Hòa Lộc', category: 'fruit', priceVnd: 60_000 });
    const dried = await product(db, a.id, { name: 'Xoài sấy dẻo', category: 'processed', priceVnd: 50_000 });
    const tea = await product(db, b.id, { name: 'Trà tim sen', category: 'herbal', priceVnd: 80_000 });
    const now = FIXED_NOW;
    const collected = await order(db, { sellerId: a.id, placedAt: now, status: 'delivered', postOfficeCode: 'BC870000', lines: [{ productId: mango.id, qty: 2, unitPriceVnd: 60_000 }] });
    await order(db, { sellerId: a.id, placedAt: now, status: 'ready_to_ship', postOfficeCode: 'BC870000', lines: [{ productId: mango.id, qty: 1, unitPriceVnd: 60_000 }] });
    await order(db, { sellerId: b.id, placedAt: now, status: 'completed', payment: 'VNPAY', lines: [{ productId: tea.id, qty: 1, unitPriceVnd: 80_000 }] });
    await order(db, { sellerId: a.id, placedAt: '2025-06-15T10:00:00+07:00', status: 'delivered', lines: [{ productId: dried.id, qty: 3, unitPriceVnd: 50_000 }] });
    await listing(db, mango, 'listed');
    await listing(db, tea, 'listed');
    await listing(db, dried, 'error', { code: 'INVALID_IMAGE', message: 'Ảnh sản phẩm không tải được (HTTP 404)' });
    // The counter: A's parcel collected at the office with its COD cash (140,000: goods and shipping),
    // and B, a farmer the office acts for under an authorization.
    const office = await makePickupPoint(app, { code: 'BC870000', name: 'Bưu điện Lai Vung', wardCode: '30226' });
    const clerk = await makeUser(app, 'post_office_clerk', { pickupPointId: office });
    await db.insert(counterCash).values({ orderId: collected, pickupPointId: office, day: '2026-03-11', clerkId: clerk.id, expectedVnd: 140_000, takenVnd: 140_000, at: now });
    await db.insert(authorizations).values({ id: newId(), sellerId: b.id, pickupPointId: office, scopes: ['catalog', 'orders'], validFrom: new Date('2026-03-01T00:00:00+07:00'), validUntil: new Date('2030-01-01T00:00:00+07:00'), documentNumber: 'UQ-MX-01', farmerPresent: true, createdBy: clerk.id });
    staff = await makeUser(app, 'provincial_staff');
    managerA = await makeUser(app, 'seller_manager', { sellerId: a.id });
    await counterSalesAt(app, office, a.id, mango.id);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    await mkdir(ARTIFACTS, { recursive: true });
  }, 600_000);
  afterAll(async () => close?.());

  /** Consigned mangoes at the office the Postmart orders above were collected at, sold at its counter through the API. */
  async function counterSalesAt(app: FastifyInstance, office: string, sellerId: string, productId: string) {
    const admin = await makeUser(app, 'admin');
    const clerk = await makeUser(app, 'post_office_clerk', { pickupPointId: office });
    await setCommissionRate(app.db, asPrincipal(admin), sellerId, { rateBp: 1000 });
    await app.db.update(products).set({ stock: 10 }).where(eq(products.id, productId));
    const call = async (url: string, who: TestUser, payload: object, status: number) => {
      const res = await app.inject({ method: 'POST', url, headers: bearer(who), payload });
      expect(res.statusCode, res.body).toBe(status);
      return res.json();
    };
    const sent = await call('/v1/consignments', admin, { sellerId, pickupPointId: office, lines: [{ productId, qty: 10 }] }, 201);
    await call(`/v1/consignments/${sent.id}/receive`, clerk, { counts: [{ lineId: sent.lines[0].id, qtyReceived: 10 }] }, 200);
    const sold = await call('/v1/counter-sales', clerk, { lines: [{ productId, qty: 3 }], payment: 'cash' }, 201);
    const voided = await call('/v1/counter-sales', clerk, { lines: [{ productId, qty: 1 }], payment: 'cash' }, 201);
    await call(`/v1/counter-sales/${voided.id}/void`, clerk, { reason: 'Khách đổi ý' }, 200);
    // Sales are stamped with the real day; the dashboard's "today" is FIXED_NOW.
    await app.db.update(counterSales).set({ soldAt: FIXED_NOW, vnDay: '2026-03-11' }).where(inArray(counterSales.id, [sold.id, voided.id]));
  }

  async function logIn(page: Page, user: TestUser) {
    await page.goto(`${base}/dashboard`);
    await page.fill('input[name=phone]', user.phone);
    await page.fill('input[name=password]', user.password);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#dashboard:not([hidden]) [data-kpi=revenue]');
  }
  const kpi = async (page: Page, key: string) => plain(await page.textContent(`[data-kpi=${key}] .value`));
  // The page's CSP forbids eval, so wait with a locator rather than waitForFunction.
  const waitKpi = (page: Page, key: string, value: string) =>
    page.locator(`[data-kpi=${key}] .value`, { hasText: new RegExp(`^${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s')}$`) }).waitFor();

  it('shows provincial staff the province: KPI cards, a date range, a CSV download and a listing’s error reason', async () => {
    const { context, close: closeBrowser } = await openBrowser(undefined, { now: FIXED_NOW });
    try {
      const page = await context.newPage();
      await logIn(page, staff);
      await waitKpi(page, 'revenue', '200.000 ₫'); // 120,000 (A) + 80,000 (B) in the last 30 days
      expect(await kpi(page, 'orders')).toBe('3');
      expect(await kpi(page, 'cod')).toBe('120.000 ₫');
      expect(await kpi(page, 'listed')).toBe('2');
      expect(plain(await page.textContent('#scope'))).toBe('Toàn tỉnh');
      expect(plain(await page.textContent('#top-sellers'))).toContain('HTX Sen Tháp Mười');
      expect(await page.isVisible('#chart-time')).toBe(true);
      // Counter sales stand apart: their own card, not in the Postmart revenue above; the voided sale is not counted.
      expect(await kpi(page, 'counter')).toBe('180.000 ₫');
      expect(plain(await page.textContent('[data-kpi=counter] .note'))).toBe('1 hóa đơn · 3 sản phẩm · ngoài Postmart');
      expect(plain(await page.textContent('[data-kpi=revenue] h3'))).toBe('Doanh thu Postmart');
      const counterRow = (await page.locator('#counter-sales tbody tr').allInnerTexts()).map(plain);
      expect(counterRow).toHaveLength(1);
      expect(counterRow[0]).toMatch(/^Bưu điện Lai Vung \(BC870000\) 1 180\.000 ₫ \d+ đơn · [\d.]+ ₫$/);
      expect((await page.locator('#counter-sales thead th').allTextContents()).map(plain)).toEqual(['Bưu cục', 'Hóa đơn', 'Tại quầy', 'Postmart (riêng)']);
      // 10 received, 3 sold, the voided one back on the shelf: 7 × 60.000.
      expect((await page.locator('#consigned-stock tbody tr').allInnerTexts()).map(plain)).toEqual(['Bưu điện Lai Vung (BC870000) 7 420.000 ₫']);
      // COD cash collected per post office this month, and the sellers the offices act for, per office and per commune.
      await page.waitForSelector('#counter-cash tbody tr td.num');
      const cells = async (table: string) => (await page.locator(`#${table} tbody td`).allTextContents()).map(plain);
      expect(await cells('counter-cash')).toEqual(['Bưu điện Lai Vung (BC870000)', '1', '140.000 ₫']);
      // B sold 80,000 today: seller, live authorization, order, revenue.
      expect(await cells('assisted-point')).toEqual(['Bưu điện Lai Vung', '1', '1', '1', '80.000 ₫']);
      expect((await cells('assisted-commune')).slice(1)).toEqual(['1', '1', '1', '80.000 ₫']);
      // Every card stands on its own in the grid (a card left open swallowed the ones after it once).
      expect(await page.locator('section.card section.card').count()).toBe(0);
      await page.screenshot({ path: new URL('dashboard-staff.png', ARTIFACTS).pathname, fullPage: true });

      await page.fill('input[name=from]', '2025-06-01');
      await page.fill('input[name=to]', '2025-06-30');
      await page.click('#range button[type=submit]');
      await waitKpi(page, 'revenue', '150.000 ₫');
      expect(plain(await page.textContent('#range-label'))).toBe('01/06/2025 – 30/06/2025');
      expect(await kpi(page, 'counter')).toBe('0 ₫');
      expect(plain(await page.textContent('#counter-sales tbody'))).toBe('Chưa có bán tại quầy trong khoảng ngày này');

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-csv=seller]')]);
      expect(download.suggestedFilename()).toBe('doanh-thu_seller_2025-06-01_2025-06-30.csv');
      const csv = await readFile((await download.path())!, 'utf8');
      expect(csv.charCodeAt(0)).toBe(0xfeff);
      expect(csv).toContain('HTX Xoài Mỹ Xương,1,3,150000,150000,0');

      await page.click('#listing-errors button:has-text("Xoài sấy dẻo")');
      await page.waitForSelector('#listing-reason:not([hidden]) .reason-text');
      expect(plain(await page.textContent('#listing-reason .reason-text'))).toBe('INVALID_IMAGE: Ảnh sản phẩm không tải được (HTTP 404)');
    } finally {
      await closeBrowser();
    }
  }, 120_000);

  it('shows a seller manager, on a phone-sized screen, only their cooperative and their orders to prepare', async () => {
    const { context, close: closeBrowser } = await openBrowser({ width: 390, height: 844 }, { now: FIXED_NOW });
    try {
      const page = await context.newPage();
      await logIn(page, managerA);
      await waitKpi(page, 'revenue', '120.000 ₫');
      expect(await kpi(page, 'orders')).toBe('2');
      expect(plain(await page.textContent('#scope'))).toBe('HTX Xoài Mỹ Xương');
      await page.waitForSelector('#prepare-card:not([hidden]) tbody tr');
      expect(await page.locator('#prepare tbody tr').count()).toBe(1);
      const text = plain(await page.textContent('#dashboard'));
      expect(text).not.toContain('Tháp Mười');
      expect(text).not.toContain('Trà tim sen');
      // The offices' figures cut to the cooperative too: its own parcel's cash, and no one acts for it.
      expect(plain(await page.textContent('#counter-cash tbody'))).toContain('140.000 ₫');
      expect(plain(await page.textContent('#assisted-point tbody'))).toBe('Chưa có người bán ủy quyền cho bưu cục');
      expect(await page.isVisible('#queues-block')).toBe(false);
      // Their own counter sales and consigned stock.
      expect(await kpi(page, 'counter')).toBe('180.000 ₫');
      expect((await page.locator('#consigned-stock tbody tr').allInnerTexts()).map(plain)).toEqual(['Bưu điện Lai Vung (BC870000) 7 420.000 ₫']);
      // Usable on a phone: nothing wider than the screen.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await page.screenshot({ path: new URL('dashboard-seller-phone.png', ARTIFACTS).pathname, fullPage: true });
    } finally {
      await closeBrowser();
    }
  }, 120_000);
});
