import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpeg } from '../catalog/image-fixtures.ts';
import { ensureChromium, openBrowser } from '../support/chromium.ts';
import { eventually } from '../support/eventually.ts';
import { makePickupPoint, makeUser, uniquePhone, type TestUser } from '../support/fixtures.ts';
import { bearer } from '../support/http.ts';
import { startWorld, type World } from '../support/world.ts';
import { accessibilityProblems } from '../support/axe.ts';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const plain = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();


const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'tablet', width: 820, height: 1180 },
] as const;

/**
 * "Công dân không viết" at the counter, in a real browser at phone and counter-tablet sizes, against
 * the whole system (the API listening, its workers, the Postmart sandbox whose review downloads the
 * photos): the clerk registers a household farmer, records their authorization with a photo of the
 * signed paper, connects the farmer's Postmart shop with the counter's own button (the farmer approves
 * on Postmart's page, on the clerk's device), creates their first product with a photo taken at the
 * counter, and the product becomes an active listing on Postmart: a clerk alone gets it listed.
 */
describe('guided onboarding of a household farmer at the counter', () => {
  let world: World;
  let dir: string;
  let clerk: TestUser;
  let base: string;

  beforeAll(async () => {
    ensureChromium();
    dir = await mkdtemp(join(tmpdir(), 'dtpc-onboard-'));
    // Postmart's review runs by itself (200 ms after submission) and downloads every photo.
    world = await startWorld({ review_delay_ms: 200 }, { MEDIA_DIR: dir });
    const office = await makePickupPoint(world.app, { wardCode: '30226', name: 'Bưu điện văn hóa xã Lai Vung' });
    clerk = await makeUser(world.app, 'post_office_clerk', { pickupPointId: office });
    base = world.env.PUBLIC_URL!;
    await mkdir(ARTIFACTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe.each(VIEWPORTS)('on a $name ($width × $height)', (vp) => {
    let page: Page;
    let closeBrowser: () => Promise<void>;
    const shot = (name: string) => page.screenshot({ path: new URL(`onboard-${vp.name}-${name}.png`, ARTIFACTS).pathname, fullPage: true });
    const fitsTheScreen = async () => expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(vp.width);
    const checked = async (what: string) => {
      await fitsTheScreen();
      expect(await accessibilityProblems(page), what).toEqual([]);
      await shot(what);
    };

    beforeAll(async () => {
      const browser = await openBrowser({ width: vp.width, height: vp.height });
      closeBrowser = browser.close;
      page = await browser.context.newPage();
      await page.goto(`${base}/counter/login`);
      await page.fill('input[name=phone]', clerk.phone);
      await page.fill('input[name=password]', clerk.password);
      await Promise.all([page.waitForURL(`${base}/counter/`), page.click('form button[type=submit]')]);
    }, 60_000);
    afterAll(() => closeBrowser?.());

    it('registers the farmer, records the authorization with a photo of the paper, and lists their first product on Postmart', async () => {
      const name = `Nguyễn Thị Mười ${vp.name}`;
      const phone = uniquePhone();
      const documentNumber = `UQ-LV-${randomInt(1e6)}`;
      const sku = `CAM-SANH-${vp.name.toUpperCase()}-${randomInt(1e6)}`;

      // Step 1: the farmer. A wrong phone number comes back under its field, with everything typed kept.
      await page.click('nav.tabs a:has-text("Nông dân")');
      await Promise.all([page.waitForURL(`${base}/counter/farmers/new`), page.click('a:has-text("Đăng ký nông dân mới")')]);
      expect(plain(await page.textContent('.step-of'))).toBe('Bước 1/3 · Nông dân');
      // The office's own commune is chosen to start with.
      expect(await page.inputValue('#f-wardCode')).toBe('30226');
      await page.fill('#f-name', name);
      await page.fill('#f-phone', '0123');
      await page.fill('#f-address', 'Số 12, ấp Long Thạnh');
      await page.click('button:has-text("Tiếp tục")');
      await page.waitForSelector('#f-phone-err');
      expect(plain(await page.textContent('#f-phone-err'))).toMatch(/số điện thoại Việt Nam/);
      expect(await page.inputValue('#f-name')).toBe(name);
      expect(await page.inputValue('#f-address')).toBe('Số 12, ấp Long Thạnh');
      // The field to fix has the focus, where the clerk looks.
      expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('f-phone');
      await checked('1-farmer-error');
      await page.fill('#f-phone', phone);
      await page.click('button:has-text("Tiếp tục")');

      // Step 2: the authorization. Not recorded until the clerk confirms the farmer is there; the scopes and dates typed stay.
      await page.waitForSelector('text=Bước 2/3 · Ủy quyền');
      expect(await page.getAttribute('#f-scan', 'capture')).toBe('environment');
      expect(await page.getAttribute('#f-scan', 'accept')).toBe('image/*');
      await page.uncheck('input[name=scopes][value=shipping]');
      await page.fill('#f-documentNumber', documentNumber);
      await page.click('button:has-text("Lưu nông dân và ủy quyền")');
      await page.waitForSelector('#f-farmerPresent-err');
      expect(await page.isChecked('input[name=scopes][value=shipping]')).toBe(false);
      expect(await page.inputValue('#f-documentNumber')).toBe(documentNumber);
      await checked('2-authorization-error');
      await page.check('input[name=farmerPresent]');
      await page.setInputFiles('#f-scan', { name: 'giay-uy-quyen.jpg', mimeType: 'image/jpeg', buffer: await jpeg(1600, 2200, { gps: true, color: '#f4f1e8' }) });
      await Promise.all([page.waitForURL(/\/counter\/farmers\/[0-9a-f-]{36}\/products\/new\?ward=30226&msg=onboarded$/), page.click('button:has-text("Lưu nông dân và ủy quyền")')]);
      const sellerId = /\/farmers\/([0-9a-f-]{36})\//.exec(page.url())![1]!;

      const [authorization] = (await world.app.inject({ url: `/v1/authorizations?sellerId=${sellerId}`, headers: bearer(clerk) })).json().items;
      expect(authorization).toMatchObject({ sellerName: name, documentNumber, scopes: ['catalog', 'orders'], farmerPresent: true, live: true, scanUrl: `/v1/authorizations/${authorization.id}/scan` });

      // Step 3 starts with the farmer's Postmart shop: not connected yet, so nothing would reach Postmart.
      expect(plain(await page.textContent('.step-of'))).toBe('Bước 3/3 · Sản phẩm');
      expect(plain(await page.textContent('#shop'))).toContain('Chưa kết nối gian hàng Postmart — sản phẩm chưa lên sàn');
      await checked('3-shop-not-connected');
      // The farmer has a shop on Postmart and approves the connection on Postmart's page, on the clerk's
      // device (the sandbox approves at once): the browser follows the authorize redirect and comes back here.
      const { shop_id: shopId } = await world.control<{ shop_id: string }>('POST', '/shops', { partner_id: world.partnerId, name });
      await Promise.all([
        page.waitForURL(`${base}/counter/farmers/${sellerId}/products/new?ward=30226&msg=shop_connected#shop`),
        page.click('#shop button:has-text("Kết nối gian hàng Postmart")'),
      ]);
      expect(plain(await page.textContent('.flash'))).toContain('Đã kết nối gian hàng Postmart của nông dân');
      expect(plain(await page.textContent('#shop'))).toContain('Đã kết nối');
      expect(plain(await page.textContent('#shop .shop-id'))).toBe(shopId);
      expect((await world.app.inject({ url: `/v1/sellers/${sellerId}/postmart`, headers: bearer(clerk) })).json()).toMatchObject({ status: 'connected', shopId });
      await checked('3-shop-connected');

      // The first product, with the sellers' app's form, starting "Đang bán" in the farmer's commune.
      expect(await page.inputValue('#f-originWardCode')).toBe('30226');
      expect(await page.inputValue('#f-status')).toBe('active');
      await page.fill('#f-name', 'Cam sành Lai Vung');
      await page.fill('#f-sku', sku);
      await page.fill('#f-priceVnd', '35.000');
      await page.fill('#f-stock', '40');
      await page.fill('#f-weightGrams', '1100');
      await checked('3-product');
      await Promise.all([page.waitForURL(/\/products\/[0-9a-f-]{36}\?msg=product_created/), page.click('form.product-form button[type=submit]')]);
      const productId = /\/products\/([0-9a-f-]{36})/.exec(page.url())![1]!;
      expect(plain(await page.textContent('#listing'))).toContain('Chưa có ảnh sản phẩm');

      // A photo taken at the counter: the back camera on a phone.
      expect(await page.getAttribute('#photo-file', 'capture')).toBe('environment');
      await page.setInputFiles('#photo-file', { name: 'cam-sanh.jpg', mimeType: 'image/jpeg', buffer: await jpeg(1200, 900, { gps: true, color: '#e07b00' }) });
      await Promise.all([page.waitForURL(/msg=photo/), page.click('#photos button:has-text("Tải ảnh lên")')]);
      expect(await page.locator('#photos img').count()).toBe(1);
      await checked('4-photo');

      // Postmart's review downloads the photo and approves: the listing is active there.
      const remote = await eventually(
        async () => (await world.control<{ products: { status: string; skus: { seller_sku: string }[] }[] }>('GET', `/shops/${shopId}/products`)).products.find((p) => p.skus.some((s) => s.seller_sku === sku)),
        (p) => p?.status === 'ACTIVE',
        30_000,
      );
      expect(remote!.status).toBe('ACTIVE');
      await eventually(async () => (await world.app.inject({ url: `/v1/products/${productId}/listing`, headers: bearer(world.admin) })).json(), (l) => l.status === 'listed', 30_000);
      await page.reload();
      expect(plain(await page.textContent('#listing'))).toContain('Đang hiển thị');
      await checked('5-listed');

      // Done: the authorization's page, with the photo of the signed paper, served to this session only.
      await Promise.all([page.waitForURL(`${base}/counter/authorizations/${authorization.id}?msg=onboard_done`), page.click('a:has-text("Xong")')]);
      const scan = page.locator('#scan img');
      await scan.waitFor();
      expect(await scan.evaluate((img: { complete: boolean; naturalWidth: number }) => (img.complete ? img.naturalWidth : 0))).toBeGreaterThan(0);
      expect(plain(await page.textContent('#authorization'))).toContain(documentNumber);
      // The farmer's page says the same: connected, with the shop's id.
      expect(plain(await page.textContent('#shop'))).toContain('Đã kết nối');
      expect(plain(await page.textContent('#shop .shop-id'))).toBe(shopId);
      await checked('6-authorization');
    }, 120_000);

    it('revokes an authorization from its page: the reason is asked for where the clerk is typing, then the page says the office no longer acts', async () => {
      // A farmer and paper of this test's own, registered through the API as the counter does.
      const made = await world.app.inject({
        method: 'POST',
        url: '/v1/counter/farmers',
        headers: bearer(clerk),
        payload: { name: 'Trần Văn Mười Một', phone: uniquePhone(), wardCode: '30226', address: 'Ấp 5', authorization: { scopes: ['catalog'], validUntil: new Date(Date.now() + 90 * 86_400_000).toISOString(), documentNumber: `UQ-THU-HOI-${vp.name}` } },
      });
      expect(made.statusCode, made.body).toBe(201);
      const id = made.json().authorization.id as string;
      await page.goto(`${base}/counter/authorizations/${id}`);
      await page.click('details.revoke summary');
      // Sent without a reason: the browser keeps the form (required); past it, the API's refusal comes back in the open form.
      await page.fill('#f-reason', 'x');
      await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/counter/authorizations/${id}/revoke`)), page.click('#revoke-form button[type=submit]')]);
      await page.locator('#f-reason[aria-invalid="true"]').waitFor();
      expect(await page.locator('details.revoke').getAttribute('open')).not.toBeNull();
      expect(await page.inputValue('#f-reason')).toBe('x');
      await checked('7-revoke-error');

      await page.fill('#f-reason', 'Người bán tự quản lý gian hàng');
      await Promise.all([page.waitForURL(`${base}/counter/authorizations/${id}?msg=authorization_revoked`), page.click('#revoke-form button[type=submit]')]);
      expect(plain(await page.textContent('main'))).toContain('Đã thu hồi giấy ủy quyền; bưu cục không còn làm thay cho người bán này.');
      expect(plain(await page.textContent('#authorization'))).toContain('Người bán tự quản lý gian hàng');
      expect(await page.locator('#revoke-form').count()).toBe(0);
      await checked('7-revoked');
    }, 60_000);
  });
});
