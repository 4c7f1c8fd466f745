import { mkdir } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickupPoints, shipments } from '../../db/schema/pickup-points.ts';
import { addDays, vnToday } from '../../src/lib/time.ts';
import { updateOutletSettings } from '../../src/services/outlets/outlet-points.ts';
import { ensureChromium, openBrowser } from '../support/chromium.ts';
import { eventually } from '../support/eventually.ts';
import { bearer } from '../support/http.ts';
import { asPrincipal } from '../support/outlets.ts';
import { startOrderWorld, type OrderKit, type Seller } from '../support/order-world.ts';
import type { World } from '../support/world.ts';
import { accessibilityProblems } from '../support/axe.ts';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const shot = (page: Page, name: string) => page.screenshot({ path: new URL(`farm-pickup-${name}.png`, ARTIFACTS).pathname, fullPage: true });
const plain = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

const ddmmyyyy = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;

/**
 * A farmer books the post office's visit to the orchard from the sellers' app, at phone size
 * (390 × 844), against the whole system (API, workers, Postmart sandbox): the chosen window is
 * full, the page offers the next free one, one tap books it; the order is shipped through the
 * office that comes; then the farmer moves the pickup with a reason.
 */
describe('farm pickup in the sellers app (phone)', () => {
  let world: World;
  let seller: Seller;
  let kit: OrderKit;
  let base: string;
  let page: Page;
  let closeBrowser: () => Promise<void>;
  let office: typeof pickupPoints.$inferSelect;

  beforeAll(async () => {
    ensureChromium();
    ({ world, seller, kit } = await startOrderWorld());
    expect((await world.app.inject({ method: 'POST', url: '/v1/pickup-points/sync', headers: bearer(world.admin) })).statusCode).toBe(200);
    office = (await world.app.db.select().from(pickupPoints).where(eq(pickupPoints.code, 'PO30112')))[0]!;
    // One van, one farm per window, within 5 km of the office.
    await updateOutletSettings(world.app.db, asPrincipal(world.admin), office.id, { acceptsFarmPickup: true, farmPickupRadiusKm: 5, farmPickupCapacity: 1 });
    base = world.env.PUBLIC_URL!;
    await mkdir(ARTIFACTS, { recursive: true });
    const browser = await openBrowser({ width: 390, height: 844 });
    closeBrowser = browser.close;
    page = await browser.context.newPage();
    // The phone's position: the orchard, 1 km from the office.
    await browser.context.grantPermissions(['geolocation'], { origin: new URL(base).origin });
    await browser.context.setGeolocation({ latitude: office.lat + 0.009, longitude: office.lng });
  }, 120_000);
  afterAll(async () => {
    await closeBrowser?.();
    await world?.close();
  });

  async function signIn() {
    await page.context().clearCookies();
    await page.goto(`${base}/app/login`);
    await page.fill('input[name=phone]', seller.manager.phone);
    await page.fill('input[name=password]', seller.manager.password);
    await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login')), page.click('form button[type=submit]')]);
  }

  it('books the pickup for a confirmed order, taking the next free window when the chosen one is full, then moves it with a reason', async () => {
    const day = addDays(vnToday(), 2);
    // Another farm already has the office's only place in the early window of that day.
    const other = await world.app.inject({
      method: 'POST', url: '/v1/farm-pickups', headers: bearer(seller.manager),
      payload: { day, window: '07:00-09:00', parcels: 1, wardCode: '30226', address: 'Vườn bên cạnh', lat: office.lat, lng: office.lng },
    });
    expect(other.statusCode, other.body).toBe(201);
    // A buyer's order, confirmed: ready to ship.
    const product = await kit.createListed({ stock: 20, name: 'Xoài cát Hòa Lộc' });
    const sn = await kit.placeOrder(product.sku, 2);
    const order = (await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved'))!;
    expect((await world.app.inject({ method: 'POST', url: `/v1/orders/${order.id}/confirm`, headers: bearer(seller.manager) })).statusCode).toBe(202);
    await eventually(() => kit.orderBySn(sn), (o) => o?.status === 'processed');

    await signIn();

    // From the order: "Hẹn bưu cục đến lấy tại vườn".
    await page.goto(`${base}/app/orders/${order.id}`);
    await Promise.all([page.waitForURL(/\/app\/pickups\/new/), page.click('#farm-pickup-link')]);
    expect(await page.isChecked(`#o-${order.id}`)).toBe(true);
    expect(await page.inputValue('#f-parcels')).toBe('1');
    await page.fill('#f-day', day);
    await page.check('#w-07000900');
    await page.fill('#f-address', 'Ấp Tân Hòa, vườn xoài ông Tư');
    await page.click('#use-location');
    await page.waitForFunction(`document.querySelector('#f-lat').value !== ''`);
    expect(Number(await page.inputValue('#f-lat'))).toBeCloseTo(office.lat + 0.009, 4);
    expect(plain(await page.textContent('#geo-status'))).toMatch(/Đã điền vị trí của bạn/);
    await shot(page, '1-form');
    expect(await accessibilityProblems(page)).toEqual([]);

    // Full: the form comes back with everything typed, and the next free window as one tap.
    await Promise.all([page.waitForLoadState('load'), page.click('#pickup-form button[type=submit]')]);
    await page.waitForSelector('#next-window');
    expect(plain(await page.textContent('main'))).toContain('Khung giờ đã chọn đã kín lịch');
    expect(plain(await page.textContent('#next-window'))).toContain(`${ddmmyyyy(day)}, 09:00–11:00 (sáng) — ${office.name}`);
    expect(await page.inputValue('#f-address')).toBe('Ấp Tân Hòa, vườn xoài ông Tư');
    expect(await page.isChecked(`#o-${order.id}`)).toBe(true);
    expect(plain(await page.textContent('#window-err'))).toBe(`Khung giờ 07:00–09:00 (sáng sớm) ngày ${ddmmyyyy(day)} đã kín lịch.`);
    await shot(page, '2-full-next-window');
    expect(await accessibilityProblems(page)).toEqual([]);

    await Promise.all([page.waitForURL(/\/app\/pickups\/[0-9a-f-]{36}\?msg=pickup_booked/), page.click('#next-window button[type=submit]')]);
    expect(plain(await page.textContent('#pickup-office'))).toBe(office.name);
    expect(plain(await page.textContent('#pickup-day'))).toBe(ddmmyyyy(day));
    expect(plain(await page.textContent('#pickup-window'))).toBe('09:00–11:00 (sáng)');
    expect(plain(await page.textContent('#pickup'))).toContain(`Đơn ${sn}`);
    expect(plain(await page.textContent('.flash'))).toBe('Đã đặt lịch lấy hàng tại vườn.');
    // The order is shipped through the office that comes to the farm.
    const s = await eventually(async () => (await world.app.db.select().from(shipments).where(eq(shipments.orderId, order.id)))[0], (x) => x?.state === 'accepted');
    expect(s!.pickupPointId).toBe(office.id);
    await shot(page, '3-booked');
    expect(await accessibilityProblems(page)).toEqual([]);

    // Missed: moved to the next day's afternoon, with the reason, which the history keeps.
    const later = addDays(day, 1);
    await page.fill('#f-day', later);
    await page.check('#w-13301530');
    await Promise.all([page.waitForLoadState('load'), page.click('#reschedule-form button[type=submit]')]);
    // A reason is required: the API's error sits under the field, and the new day and window are kept.
    expect(plain(await page.textContent('#f-reason-err'))).not.toBe('');
    // Opened at the form, where the farmer was looking, not at the top of the page.
    expect(await page.evaluate('document.querySelector("#reschedule").getBoundingClientRect().top')).toBeLessThan(10);
    expect(await page.inputValue('#f-day')).toBe(later);
    expect(await page.isChecked('#w-13301530')).toBe(true);
    await shot(page, '4-reason-missing');
    await page.fill('#f-reason', 'Mưa lớn, xe không vào được vườn');
    await Promise.all([page.waitForURL(/msg=pickup_moved/), page.click('#reschedule-form button[type=submit]')]);
    expect(plain(await page.textContent('#pickup-day'))).toBe(ddmmyyyy(later));
    expect(plain(await page.textContent('#pickup-history'))).toContain('«Mưa lớn, xe không vào được vườn»');
    await shot(page, '5-moved');

    // The list of the seller's pickups.
    await page.goto(`${base}/app/pickups`);
    expect(plain(await page.textContent('#pickup-list'))).toContain(`${ddmmyyyy(later)} · 13:30–15:30 (chiều)`);
    await shot(page, '6-list');
    expect(await accessibilityProblems(page)).toEqual([]);
  });

  it('lets the seller choose, on the home page, whether Postmart also sells the stock consigned at post offices', async () => {
    await signIn();
    await page.goto(`${base}/app/`);
    const box = '#include-consigned';
    const was = await page.isChecked(box);
    await page.setChecked(box, !was);
    await Promise.all([page.waitForURL(/msg=consigned_/), page.click('#consigned-stock button[type=submit]')]);
    expect(plain(await page.textContent('.flash'))).toBe(was ? 'Đã lưu: Postmart chỉ bán hàng ở vườn.' : 'Đã lưu: Postmart bán cả hàng ký gửi ở bưu cục.');
    expect(await page.isChecked(box)).toBe(!was);
    const me = await world.app.inject({ method: 'GET', url: `/v1/sellers/${seller.sellerId}`, headers: bearer(seller.manager) });
    expect(me.json().postmartIncludesConsigned).toBe(!was);
    await page.locator('#consigned-stock').screenshot({ path: new URL('farm-pickup-7-consigned-setting.png', ARTIFACTS).pathname });
    expect(await accessibilityProblems(page)).toEqual([]);
  });
});
