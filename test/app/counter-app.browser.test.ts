import { mkdir } from 'node:fs/promises';
import bwipjs from '@bwip-js/node';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickupPoints } from '../../db/schema/pickup-points.ts';
import { ensureChromium, openBrowser } from '../support/chromium.ts';
import { bearer } from '../support/http.ts';
import { makeUser, type TestUser } from '../support/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { type World } from '../support/world.ts';
import { startOrderWorld, type OrderKit, type Seller } from '../support/order-world.ts';
import { accessibilityProblems } from '../support/axe.ts';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
/** Chromium's Intl separates "₫" with a no-break space; compare text with plain spaces. */
const plain = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();


const RECIPIENT_PHONE = '0912345678';
const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'tablet', width: 820, height: 1180 },
] as const;

/**
 * The post-office counter in a real browser at phone and counter-tablet sizes, against the whole
 * system (the API listening, its workers, the Postmart sandbox). The clerk signs in and sees the
 * day (one parcel a seller is about to drop off, one waiting for its buyer), types a package number
 * and receives the parcel (a weight 25% off is flagged and must be confirmed), and reads a waiting
 * parcel's barcode from a photo, then hands it to the buyer after a wrong and a right phone number.
 * Each case ships its own parcels, so the cases run in any order (one receiving or handing over a
 * parcel would take it off another's lists).
 */
/** Each case ships its parcels through Postmart's whole flow (listing, order, shipment) first. */
const CASE_TIMEOUT = 180_000;
describe('post-office counter app in a browser', () => {
  let world: World;
  let seller: Seller;
  let kit: OrderKit;
  let base: string;
  let office: typeof pickupPoints.$inferSelect;
  let clerk: TestUser;

  beforeAll(async () => {
    ensureChromium();
    ({ world, seller, kit } = await startOrderWorld()); // the seller's commune is Lai Vung (30226)
    expect((await world.app.inject({ method: 'POST', url: '/v1/pickup-points/sync', headers: bearer(world.admin) })).statusCode).toBe(200);
    const allDay = [{ open: '00:00', close: '24:00' }];
    await world.app.db.update(pickupPoints).set({ openingHours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay } });
    office = (await world.app.db.select().from(pickupPoints).where(eq(pickupPoints.code, 'PO30226')))[0]!;
    clerk = await makeUser(world.app, 'post_office_clerk', { pickupPointId: office.id });
    base = world.env.PUBLIC_URL!;
    await mkdir(ARTIFACTS, { recursive: true });
  }, 120_000);
  afterAll(() => world?.close());

  const call = (method: 'GET' | 'POST', url: string, who: { token: string }, payload?: unknown) =>
    world.app.inject({ method, url, headers: bearer(who), ...(payload === undefined ? {} : { payload: payload as never }) });

  /** A buyer's order for collection at the office, confirmed and shipped by the seller through the same office. */
  async function shippedHere(qty: number) {
    const product = await kit.createListed({ stock: 50 });
    const sn = await kit.placeOrder(product.sku, qty, { fulfillment: { mode: 'PICKUP_AT_POST_OFFICE', post_office_code: office.code }, recipient: { phone: RECIPIENT_PHONE } });
    const order = (await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved'))!;
    expect((await call('POST', `/v1/orders/${order.id}/confirm`, seller.manager)).statusCode).toBe(202);
    await eventually(() => kit.orderBySn(sn), (o) => o?.status === 'processed');
    expect((await call('POST', `/v1/orders/${order.id}/ship`, seller.manager, { pickupPointId: office.id })).statusCode).toBe(202);
    const shipment = await eventually(async () => (await call('GET', `/v1/orders/${order.id}/shipment`, seller.manager)).json(), (s) => s.state === 'accepted');
    return { id: order.id, sn, packageNumber: shipment.packageNumber as string, declared: shipment.declaredWeightGrams as number, cod: order.codAmountVnd };
  }

  /** A parcel handed over at the office and arrived there, waiting for its buyer. */
  async function waitingHere() {
    const waiting = await shippedHere(1);
    expect((await call('POST', `/v1/orders/${waiting.id}/handover`, clerk, { weightGrams: waiting.declared })).statusCode).toBe(200);
    for (const type of ['CARRIER_RECEIVED', 'ARRIVED_AT_PICKUP_POINT']) await world.control('POST', `/orders/${waiting.sn}/events`, { type });
    await eventually(() => kit.orderBySn(waiting.sn), (o) => o?.status === 'ready_for_pickup');
    return waiting;
  }

  describe.each(VIEWPORTS)('on a $name ($width × $height)', (vp) => {
    let page: Page;
    let closeBrowser: () => Promise<void>;
    const shot = (name: string) => page.screenshot({ path: new URL(`counter-${vp.name}-${name}.png`, ARTIFACTS).pathname, fullPage: true });
    const fitsTheScreen = async () => expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(vp.width);

    /** From a signed-out browser: the counter sends the clerk to its login, and the login to the day. */
    async function signIn() {
      await page.context().clearCookies();
      await page.goto(`${base}/counter/`);
      expect(new URL(page.url()).pathname).toBe('/counter/login');
      await page.fill('input[name=phone]', clerk.phone);
      await page.fill('input[name=password]', clerk.password);
      await Promise.all([page.waitForURL(`${base}/counter/`), page.click('form button[type=submit]')]);
    }

    beforeAll(async () => {
      const browser = await openBrowser({ width: vp.width, height: vp.height });
      closeBrowser = browser.close;
      page = await browser.context.newPage();
      await signIn();
    }, 120_000);
    afterAll(() => closeBrowser?.());

    it('signs the clerk in to the day at their office: expected drop-offs and parcels waiting, with the masked phone and days left', async () => {
      const day = { expected: await shippedHere(2), waiting: await waitingHere() };
      await signIn();
      expect(plain(await page.textContent('h1'))).toBe(office.name);
      const expectedRow = page.locator(`#expected li[data-order="${day.expected.id}"]`);
      expect(plain(await expectedRow.textContent())).toContain(day.expected.packageNumber);
      const waitingRow = page.locator(`#waiting li[data-order="${day.waiting.id}"]`);
      expect(plain(await waitingRow.textContent())).toContain('ĐT 0912***678');
      expect(plain(await waitingRow.locator('.badge').textContent())).toMatch(/^còn \d+ ngày$/);
      await fitsTheScreen();
      expect(await accessibilityProblems(page)).toEqual([]);
      await shot('day');
    }, CASE_TIMEOUT);

    it('finds a typed package number and receives the parcel; a weight 25% off is flagged and must be confirmed', async () => {
      const day = { expected: await shippedHere(2) };
      await page.goto(`${base}/counter/`);
      // Typed as a person would read it off the label: lower case, with spaces.
      await page.fill('#find-code', ` ${day.expected.packageNumber.toLowerCase().replace(/(.{4})/, '$1 ')} `);
      await Promise.all([page.waitForURL(`${base}/counter/orders/${day.expected.id}`), page.click('form.find button[type=submit]')]);
      const heavy = Math.round(day.expected.declared * 1.25);
      await page.fill('input[name=weightGrams]', String(heavy));
      await page.click('#receive-form button[type=submit]');
      await page.waitForSelector('#weight-warning');
      expect(plain(await page.textContent('#weight-warning'))).toContain('Khối lượng lệch +25%');
      // Nothing is recorded until the clerk confirms.
      expect((await call('GET', `/v1/orders/${day.expected.id}/shipment`, clerk)).json()).toMatchObject({ handedOverAt: null, measuredWeightGrams: null });
      await fitsTheScreen();
      expect(await accessibilityProblems(page)).toEqual([]);
      await shot('weight-confirm');
      await Promise.all([page.waitForURL(`${base}/counter/orders/${day.expected.id}?msg=received_flagged`), page.click('#confirm-weight')]);
      expect(plain(await page.textContent('#measured'))).toContain('Lệch hơn 10%');
      expect((await call('GET', `/v1/orders/${day.expected.id}/shipment`, clerk)).json()).toMatchObject({ measuredWeightGrams: heavy, weightFlagged: true });
      expect(await accessibilityProblems(page)).toEqual([]);
      await shot('received');
    }, CASE_TIMEOUT);

    it("reads a waiting parcel's barcode from a photo and hands it to the buyer after a wrong and a right phone number", async () => {
      const day = { waiting: await waitingHere() };
      await page.goto(`${base}/counter/scan`);
      // No camera in the test browser: the page says so and offers the photo and the typed number instead.
      await page.waitForSelector('#scan-start:not([hidden])');
      expect(plain(await page.textContent('#scan-status'))).toMatch(/^Chưa mở được máy ảnh/);
      await fitsTheScreen();
      expect(await accessibilityProblems(page)).toEqual([]);
      await shot('scan');
      // A Code 128 label photographed at the counter; the headless browser has no BarcodeDetector, so ZXing reads it.
      const png = await bwipjs.toBuffer({ bcid: 'code128', text: day.waiting.packageNumber, scale: 3, height: 14, includetext: true, paddingwidth: 20, paddingheight: 20, backgroundcolor: 'FFFFFF' });
      const zxingLoaded = page.waitForRequest(/\/counter\/static\/zxing\.min\.[0-9a-f]{12}\.js$/);
      await page.setInputFiles('#scan-photo', { name: 'nhan.png', mimeType: 'image/png', buffer: png });
      await zxingLoaded; // the fallback decoder, served by the app itself
      await page.waitForURL(`${base}/counter/orders/${day.waiting.id}`);
      expect(plain(await page.textContent('#masked-phone'))).toBe('0912***678');
      expect(plain(await page.textContent('#cod'))).toMatch(/₫$/);

      await page.fill('input[name=phone]', '0912345679');
      await page.click('#collect-form button[type=submit]');
      await page.waitForSelector('#f-phone-err');
      expect(plain(await page.textContent('#f-phone-err'))).toMatch(/không khớp/);
      expect(await page.inputValue('input[name=phone]')).toBe('0912345679'); // what was typed stays
      await fitsTheScreen();
      expect(await accessibilityProblems(page)).toEqual([]);
      await shot('phone-mismatch');

      await page.fill('input[name=phone]', '0912 345 678');
      await Promise.all([page.waitForURL(`${base}/counter/orders/${day.waiting.id}?msg=collected`), page.click('#collect-form button[type=submit]')]);
      await page.waitForSelector('#collected');
      const events = (await kit.eventsOf(day.waiting.id)).map((e) => e.note ?? '');
      expect(events.some((n) => /collected by the buyer/.test(n))).toBe(true);
      expect(events.some((n) => /collection refused/.test(n))).toBe(true);
      expect(await accessibilityProblems(page)).toEqual([]);
      await shot('collected');
    }, CASE_TIMEOUT);
  });

  describe('each role lands on its own app', () => {
    it('sends a clerk from the monitoring dashboard to the counter, and a seller manager from the counter to the sellers’ app', async () => {
      const { context, close } = await openBrowser({ width: 390, height: 844 });
      try {
        const page = await context.newPage();
        await page.goto(`${base}/dashboard/`);
        await page.fill('#login-form input[name=phone]', clerk.phone);
        await page.fill('#login-form input[name=password]', clerk.password);
        await page.click('#login-form button[type=submit]');
        await page.waitForSelector('#elsewhere:not([hidden])');
        expect(await page.isVisible('#dashboard')).toBe(false);
        expect(plain(await page.textContent('#elsewhere'))).toContain('Tài khoản bưu điện dùng ứng dụng quầy');
        expect(await page.getAttribute('#elsewhere-link', 'href')).toBe('/counter/');
        expect(await accessibilityProblems(page)).toEqual([]);
        await page.screenshot({ path: new URL('counter-dashboard-clerk.png', ARTIFACTS).pathname, fullPage: true });

        await page.goto(`${base}/counter/login`);
        await page.fill('input[name=phone]', seller.manager.phone);
        await page.fill('input[name=password]', seller.manager.password);
        await Promise.all([page.waitForURL(`${base}/counter/wrong-role`), page.click('form button[type=submit]')]);
        expect(await page.getAttribute('#role-home', 'href')).toBe('/app/');
        expect(await accessibilityProblems(page)).toEqual([]);
        await page.screenshot({ path: new URL('counter-wrong-role.png', ARTIFACTS).pathname, fullPage: true });
      } finally {
        await close();
      }
    });
  });
});
