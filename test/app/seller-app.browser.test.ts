import { mkdir, readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickupPoints } from '../../db/schema/pickup-points.ts';
import sharp from 'sharp';
import { jpeg, png } from '../catalog/image-fixtures.ts';
import { decodePage, ensurePoppler } from '../fulfillment/pdf-tools.ts';
import { ensureChromium, openBrowser } from '../support/chromium.ts';
import { bearer } from '../support/http.ts';
import { makeSeller, makeUser, productBody } from '../support/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { type World } from '../support/world.ts';
import { startOrderWorld, type OrderKit, type Seller } from '../support/order-world.ts';
import { accessibilityProblems } from '../support/axe.ts';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const shot = (page: Page, name: string) => page.screenshot({ path: new URL(`seller-app-${name}.png`, ARTIFACTS).pathname, fullPage: true });
/** Chromium's Intl separates "₫" with a no-break space; compare text with plain spaces. */
const plain = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();


/**
 * The sellers' app in a real browser at phone size (390 × 844), against the whole system: the API
 * listening for real, its workers, and the Postmart sandbox with the seller's shop connected.
 * A farmer signs in, adds a product through the form, changes its price from the list, receives
 * a buyer's order from the sandbox, confirms it and ships it through the preselected post office.
 */
describe('sellers app in a phone browser', () => {
  let world: World;
  let seller: Seller;
  let kit: OrderKit;
  let base: string;
  let page: Page;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    ensureChromium();
    ensurePoppler();
    ({ world, seller, kit } = await startOrderWorld()); // the seller's commune is Lai Vung (30226)
    expect((await world.app.inject({ method: 'POST', url: '/v1/pickup-points/sync', headers: bearer(world.admin) })).statusCode).toBe(200);
    // Every office open round the clock, so the preselected office is the nearest whatever the hour the suite runs.
    const allDay = [{ open: '00:00', close: '24:00' }];
    await world.app.db.update(pickupPoints).set({ openingHours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay } });
    base = world.env.PUBLIC_URL!;
    await mkdir(ARTIFACTS, { recursive: true });
    const browser = await openBrowser({ width: 390, height: 844 });
    closeBrowser = browser.close;
    page = await browser.context.newPage();
  }, 120_000);
  afterAll(async () => {
    await closeBrowser?.();
    await world?.close();
  });

  const sku = `XOAI-APP-${Date.now() % 1_000_000}`;

  /** A fresh session for a test that does not follow the walk. */
  async function signIn(user: { phone: string; password: string }) {
    await page.context().clearCookies();
    await page.goto(`${base}/app/login`);
    await page.fill('input[name=phone]', user.phone);
    await page.fill('input[name=password]', user.password);
    await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login')), page.click('form button[type=submit]')]);
  }
  /** A product of the seller's at 48.000 ₫, made through the API. */
  async function ownProduct(): Promise<string> {
    const res = await world.app.inject({ method: 'POST', url: '/v1/products', headers: bearer(seller.manager), payload: { ...productBody({ sku: `CSRF-${Date.now() % 1_000_000}` }), priceVnd: 48_000 } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }
  let productId: string;

  // One walk, in the order a seller lives it (each step needs the one before: the signed-in page, the product
  // made by the form), so it is one test; the tests after it sign in on their own.
  it('walks a seller from sign-in through a new product, a price change, a CSV import and a shipped order with its label', async () => {
    // It sends a visitor to sign in, and signs the seller in to their shop home.
    await page.context().clearCookies();
    await page.goto(`${base}/app/products`);
    expect(new URL(page.url()).pathname).toBe('/app/login');
    await page.fill('input[name=phone]', seller.manager.phone);
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('form button[type=submit]');
    expect(plain(await page.textContent('#f-password-err'))).toBe('Số điện thoại hoặc mật khẩu không đúng');

    await page.fill('input[name=password]', seller.manager.password);
    await Promise.all([page.waitForURL(`${base}/app/products`), page.click('form button[type=submit]')]);
    const cookie = (await page.context().cookies(`${base}/app/`)).find((c) => c.name === 'dtpc_app')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/app' });

    await page.goto(`${base}/app/`);
    await page.waitForSelector('[data-kpi=revenue] .value');
    expect(plain(await page.textContent('[data-kpi=revenue] .value'))).toBe('0 ₫');
    expect(await page.isVisible('#connect')).toBe(false); // the shop is connected
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await accessibilityProblems(page)).toEqual([]);
    await shot(page, 'home');

    // Then it creates a product through the form, showing the API's error under the field it names.
    await page.goto(`${base}/app/products/new`);
    await page.fill('input[name=name]', 'Xoài cát Hòa Lộc loại 1');
    await page.fill('input[name=sku]', 'xoài cát'); // not allowed in a SKU
    await page.selectOption('select[name=category]', 'fruit');
    await page.selectOption('select[name=unit]', 'kg');
    await page.fill('input[name=priceVnd]', '45.000');
    await page.fill('input[name=stock]', '50');
    await page.fill('input[name=weightGrams]', '1000');
    await page.selectOption('select[name=originWardCode]', '30226');
    await page.fill('input[name=harvestFrom]', '2026-01-01');
    await page.fill('input[name=harvestTo]', '2027-12-31');
    await page.selectOption('select[name="certifications[0].type"]', 'VIETGAP');
    await page.fill('input[name="certifications[0].number"]', 'VG-DT-2026-001');
    await page.fill('input[name="certifications[0].issuedAt"]', '2026-01-15');
    await page.fill('input[name="certifications[0].expiresAt"]', '2028-01-14');
    await page.selectOption('select[name=status]', 'active');
    expect(await accessibilityProblems(page)).toEqual([]);
    await shot(page, 'product-form');
    await page.click('form.product-form button[type=submit]');
    await page.waitForSelector('#f-sku-err');
    expect(await page.getAttribute('input[name=sku]', 'aria-invalid')).toBe('true');
    expect(plain(await page.textContent('#f-sku-err'))).toMatch(/^Trường «sku»/);
    expect(await page.inputValue('input[name=name]')).toBe('Xoài cát Hòa Lộc loại 1'); // nothing typed is lost
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'product-form-error');

    await page.fill('input[name=sku]', sku);
    await Promise.all([page.waitForURL(/\/app\/products\/[0-9a-f-]{36}\?msg=created$/), page.click('form.product-form button[type=submit]')]);
    productId = new URL(page.url()).pathname.split('/').at(-1)!;
    const saved = (await world.app.inject({ url: `/v1/products/${productId}`, headers: bearer(seller.manager) })).json();
    expect(saved).toMatchObject({
      sku,
      priceVnd: 45_000,
      stock: 50,
      originWardCode: '30226',
      harvestFrom: '2026-01-01',
      status: 'active',
      certifications: [{ type: 'VIETGAP', number: 'VG-DT-2026-001', issuedAt: '2026-01-15', expiresAt: '2028-01-14' }],
    });
    // The photo input opens the back camera on a phone; the listing says why it is not on Postmart yet.
    expect(await page.getAttribute('#photo-file', 'capture')).toBe('environment');
    expect(plain(await page.textContent('#listing'))).toContain('Chưa có ảnh sản phẩm');

    // Two photos chosen from files, one a JPEG carrying the orchard's GPS position.
    await page.setInputFiles('#photo-file', [
      { name: 'vuon-xoai.jpg', mimeType: 'image/jpeg', buffer: await jpeg(800, 600, { gps: true }) },
      { name: 'hop-xoai.png', mimeType: 'image/png', buffer: await png(400, 400) },
    ]);
    await Promise.all([page.waitForURL(/msg=photo/), page.click('#photos button:has-text("Tải ảnh lên")')]);
    expect(await page.locator('#photos img').count()).toBe(2);
    const images = (await world.app.inject({ url: `/v1/products/${productId}/images`, headers: bearer(seller.manager) })).json().items as { url: string; thumbnailUrl: string }[];
    expect(images).toHaveLength(2);
    for (const url of images.flatMap((i) => [i.url, i.thumbnailUrl])) {
      const served = await page.request.get(url);
      expect(served.status()).toBe(200);
      const meta = await sharp(await served.body()).metadata();
      expect(meta.exif, url).toBeUndefined();
    }
    await shot(page, 'product-page');
    // The PNG becomes the cover; then the first photo is removed.
    await Promise.all([page.waitForURL(/msg=photo_cover/), page.click('#photos button:has-text("Làm ảnh bìa")')]);
    const reordered = (await world.app.inject({ url: `/v1/products/${productId}/images`, headers: bearer(seller.manager) })).json().items as { url: string }[];
    expect(reordered.map((i) => i.url)).toEqual([images[1]!.url, images[0]!.url]);
    await Promise.all([page.waitForURL(/msg=photo_removed/), page.click('#photos li:nth-child(2) button:has-text("Xóa")')]);
    expect(await page.locator('#photos img').count()).toBe(1);

    // Then it finds the product without diacritics and changes its price from the list.
    await page.goto(`${base}/app/products`);
    await page.fill('#f-q', 'xoai cat hoa loc loai');
    await page.waitForURL(/q=xoai/); // htmx swapped the list and pushed the search into the address
    const row = page.locator(`li.product[data-sku="${sku}"]`);
    await row.waitFor();
    expect(await page.locator('li.product').count()).toBe(1);
    expect(plain(await row.locator('.price').textContent())).toBe('45.000 ₫');
    // A refused price comes back in the row, under its input, with what was typed kept.
    await row.locator('input[name=priceVnd]').fill('0');
    await row.locator('button[type=submit]').click();
    await page.locator(`li.product[data-sku="${sku}"] .error`).waitFor();
    expect(plain(await page.locator(`li.product[data-sku="${sku}"] .error`).textContent())).toMatch(/^Trường «priceVnd»/);
    expect(await row.locator('input[name=priceVnd]').inputValue()).toBe('0');
    expect(await row.locator('input[name=priceVnd]').getAttribute('aria-invalid')).toBe('true');
    await row.locator('input[name=priceVnd]').fill('48.000');
    await row.locator('button[type=submit]').click();
    await page.locator(`li.product[data-sku="${sku}"] .price`, { hasText: /^48\.000\s₫$/ }).waitFor();
    const repriced = (await world.app.inject({ url: `/v1/products/${productId}`, headers: bearer(seller.manager) })).json();
    expect(repriced).toMatchObject({ priceVnd: 48_000, stock: 50 });
    expect(await accessibilityProblems(page)).toEqual([]);
    await shot(page, 'product-list');

    // Then it imports a CSV file chosen in the browser and shows the rejected lines as a table.
    await page.goto(`${base}/app/import`);
    const csv = [
      'sku,name,category,unit,priceVnd,stock,weightGrams,originWardCode,status',
      `${sku}-HOP,Quýt hồng Lai Vung hộp 2 kg,fruit,hop,115000,40,2100,30226,draft`,
      `${sku}-BAD,Quýt hồng loại 2,fruit,hop,-5,40,2100,30226,draft`,
    ].join('\n');
    await page.setInputFiles('#csv-file', { name: 'san-pham.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('form button:has-text("Nhập")');
    await page.waitForSelector('#import-result');
    expect(plain(await page.textContent('#import-summary'))).toBe('2 dòng: 1 thêm mới, 0 cập nhật, 0 không đổi, 1 bị từ chối.');
    const cells = await page.locator('#import-report tbody tr td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['3', `${sku}-BAD`, 'priceVnd']);
    expect(await accessibilityProblems(page)).toEqual([]);
    await shot(page, 'import');

    // Then it confirms a buyer's order and ships it through the preselected post office.
    const [remote] = await eventually(
      async () => (await world.control<{ products: { product_id: string; skus: { seller_sku: string }[] }[] }>('GET', `/shops/${seller.shopId}/products`)).products.filter((p) => p.skus.some((s) => s.seller_sku === sku)),
      (r) => r.length === 1,
    );
    await world.control('POST', `/products/${remote!.product_id}/review`, { result: 'APPROVE' });
    const sn = await kit.placeOrder(sku, 2, { fulfillment: { mode: 'PICKUP_AT_POST_OFFICE', post_office_code: 'PO30037' } });
    const order = (await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved'))!;

    await page.goto(`${base}/app/orders?status=ready_to_ship`);
    await page.click(`#order-list a:has-text("${sn}")`);
    await page.waitForURL(`${base}/app/orders/${order.id}`);
    expect(plain(await page.textContent('#order-status'))).toBe('Chờ xác nhận');
    expect(plain(await page.textContent('#lines'))).toContain('96.000 ₫'); // 2 × 48,000
    await shot(page, 'order-detail');
    await page.click('#actions button:has-text("Xác nhận đơn")');
    // The page waits for Postmart by itself (htmx polls, then reloads once the order moved on).
    await page.locator('#order-status', { hasText: 'Đang chuẩn bị' }).waitFor();

    await page.click('a:has-text("Gửi hàng tại bưu cục")');
    await page.waitForURL(`${base}/app/orders/${order.id}/ship`);
    const nearest = (await world.app.db.select().from(pickupPoints).where(eq(pickupPoints.code, 'PO30226')))[0]!;
    expect(await page.isChecked(`#pp-${nearest.id}`)).toBe(true); // the seller's own commune office, best first
    expect(await page.locator('input[name=pickupPointId]:checked').count()).toBe(1);
    expect(await accessibilityProblems(page)).toEqual([]);
    await shot(page, 'ship');
    await page.click('form button:has-text("Gửi hàng tại bưu cục đã chọn")');
    await page.waitForURL(new RegExp(`/app/orders/${order.id}\\?msg=ship`));
    await page.locator('#label-link').waitFor();
    const shipment = (await world.app.inject({ url: `/v1/orders/${order.id}/shipment`, headers: bearer(seller.manager) })).json();
    expect(shipment).toMatchObject({ state: 'accepted', pickupPointCode: 'PO30226' });
    expect(plain(await page.textContent('#dropoff-point'))).toBe(nearest.name);
    expect(plain(await page.textContent('#package-number'))).toBe(shipment.packageNumber);
    expect(await page.getAttribute('#label-link', 'href')).toBe(`/app/orders/${order.id}/label.pdf`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#label-link')]);
    const pdf = await readFile((await download.path())!);
    expect(pdf.subarray(0, 5).toString('latin1'), pdf.subarray(0, 300).toString('utf8')).toBe('%PDF-');
    expect(await decodePage(pdf, 1, 'CODE_128')).toBe(shipment.packageNumber);
    expect(await accessibilityProblems(page)).toEqual([]);
    await shot(page, 'order-shipped');
  }, 180_000);

  it('serves its static files under content hashes with a year of cache, compressed, and a service worker that precaches them', async () => {
    const home = await page.request.get(`${base}/app/login`);
    const css = /href="(\/app\/static\/app\.[0-9a-f]{12}\.css)"/.exec(await home.text())![1]!;
    const res = await world.app.inject({ url: css, headers: { 'accept-encoding': 'br, gzip' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-encoding']).toBe('br');
    const sw = await world.app.inject({ url: '/app/sw.js' });
    expect(sw.headers['cache-control']).toBe('no-cache');
    expect(sw.body).toContain(css);
    const manifest = (await world.app.inject({ url: '/app/manifest.webmanifest' })).json();
    expect(manifest).toMatchObject({ lang: 'vi', start_url: '/app/', display: 'standalone' });
    expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(['192x192', '512x512']);
  });

  it('refuses a form posted without the session’s CSRF token', async () => {
    const productId = await ownProduct();
    await signIn(seller.manager);
    const res = await page.request.post(`${base}/app/products/${productId}/quick`, { form: { priceVnd: '1', stock: '1' }, headers: { origin: base } });
    expect(res.status()).toBe(403);
    const saved = (await world.app.inject({ url: `/v1/products/${productId}`, headers: bearer(seller.manager) })).json();
    expect(saved.priceVnd).toBe(48_000);
  });
  it('connects a new seller’s Postmart shop with one button', async () => {
    const other = await makeSeller(world.app);
    await world.control('POST', '/shops', { partner_id: world.partnerId, name: other.name });
    const manager = await makeUser(world.app, 'seller_manager', { sellerId: other.id });
    await page.context().clearCookies();
    await page.goto(`${base}/app/login`);
    await page.fill('input[name=phone]', manager.phone);
    await page.fill('input[name=password]', manager.password);
    await Promise.all([page.waitForURL(`${base}/app/`), page.click('form button[type=submit]')]);
    await page.click('#connect button:has-text("Kết nối gian hàng Postmart")');
    // Postmart's approval page sends the seller back to the app, which stores the shop's tokens.
    await page.waitForURL(`${base}/app/?msg=connected`);
    expect(plain(await page.textContent('.flash'))).toBe('Đã kết nối gian hàng Postmart.');
    expect(await page.isVisible('#connect')).toBe(false);
    const status = (await world.app.inject({ url: `/v1/sellers/${other.id}/postmart`, headers: bearer(manager) })).json();
    expect(status).toMatchObject({ status: 'connected' });
  });
});
