import { mkdir } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { vnToday } from '../../src/lib/time.ts';
import { vietQrPayload } from '../../src/services/outlets/vietqr.ts';
import { buildTestApp } from '../support/app.ts';
import { ensureChromium, openBrowser } from '../support/chromium.ts';
import { bearer } from '../support/http.ts';
import { outletWorld } from '../support/outlets.ts';
import { accessibilityProblems } from '../support/axe.ts';
import { readQr } from '../support/qr-reader.ts';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
/** Chromium's Intl separates "₫" with a no-break space; compare text with plain spaces. */
const plain = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();



const BANK = { bankBin: '970405', bankAccount: '5100205123456', bankAccountName: 'BUU DIEN XA TAN THANH' };
const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'tablet', width: 820, height: 1180 },
] as const;

/**
 * A post office as an outlet, in a real browser at phone and counter-tablet sizes (issue 14): the
 * clerk counts in a consignment (one line short), sees the shelf with the perishables first, sends
 * expiring goods back, sells a basket for cash and prints the receipt, is stopped next to the line
 * when the office holds too little, takes a bank transfer whose QR code decodes to the exact
 * VietQR payload, and voids that sale. Each size gets its own seller, office and clerk.
 */
describe('consignment and counter sales in the counter app', () => {
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    ensureChromium();
    app = await buildTestApp();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    await mkdir(ARTIFACTS, { recursive: true });
  }, 120_000);
  afterAll(async () => app?.close());

  describe.each(VIEWPORTS)('on a $name ($width × $height)', (vp) => {
    let page: Page;
    let closeBrowser: (() => Promise<void>) | undefined;
    let w: Awaited<ReturnType<typeof outletWorld>>;
    let mango: { id: string; priceVnd: number };
    let mandarin: { id: string; priceVnd: number };
    let rice: { id: string; priceVnd: number };
    let consignmentId: string;
    const shot = (name: string) => page.screenshot({ path: new URL(`counter-outlet-${vp.name}-${name}.png`, ARTIFACTS).pathname, fullPage: true });
    const fitsTheScreen = async () => expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(vp.width);
    const checked = async (name: string) => {
      await fitsTheScreen();
      expect(await accessibilityProblems(page)).toEqual([]);
      await shot(name);
    };
    const officeStock = async (productId: string) => {
      const res = await app.inject({ method: 'GET', url: `/v1/products/${productId}/stock-by-location`, headers: bearer(w.manager) });
      return (res.json().postOffices as { pickupPointId: string; stock: number }[]).find((o) => o.pickupPointId === w.pointId)?.stock ?? 0;
    };

    /**
     * Each test starts from its own world (seller, office, clerks, a consignment of 12 mangoes, 10
     * mandarins, 5 rice), counted in through the API as 11/10/5 unless the test counts it itself, and
     * its own browser signed in as that office's clerk: no test leans on what another left behind.
     */
    async function fresh(opts: { counted: boolean }) {
      w = await outletWorld(app, { rateBp: 1200, outlet: BANK, point: { name: 'Bưu điện văn hóa xã Tân Thành', address: 'Ấp Tân Thạnh, xã Tân Thành, Lai Vung' } });
      mango = await w.createProduct({ name: 'Xoài cát Hòa Lộc', stock: 30, priceVnd: 65_000, shelfLifeDays: 6 });
      mandarin = await w.createProduct({ name: 'Quýt hồng Lai Vung', stock: 30, priceVnd: 45_000, shelfLifeDays: 2 });
      rice = await w.createProduct({ name: 'Gạo Tháp Mười 5 kg', stock: 30, priceVnd: 120_000, category: 'rice', unit: 'tui' });
      const sent = await w.consign([
        { productId: mango.id, qty: 12, lot: 'X-0112', harvestDate: vnToday() },
        { productId: mandarin.id, qty: 10, lot: 'Q-0112', harvestDate: vnToday() },
        { productId: rice.id, qty: 5 },
      ]);
      expect(sent.statusCode, sent.body).toBe(201);
      consignmentId = sent.json().id;
      if (opts.counted) {
        const got = await w.receive(sent.json(), [11, 10, 5]);
        expect(got.statusCode, got.body).toBe(200);
      }
      const browser = await openBrowser({ width: vp.width, height: vp.height });
      closeBrowser = browser.close;
      page = await browser.context.newPage();
      await page.goto(`${base}/counter/login`);
      await page.fill('input[name=phone]', w.clerk.phone);
      await page.fill('input[name=password]', w.clerk.password);
      await Promise.all([page.waitForURL(`${base}/counter/`), page.click('form button[type=submit]')]);
    }
    afterEach(async () => {
      await closeBrowser?.();
      closeBrowser = undefined;
    });

    it('receives a consignment with a count per line; the short line is recorded and shown', async () => {
      await fresh({ counted: false });
      await page.click('nav.tabs a:has-text("Ký gửi")');
      await page.waitForSelector('#incoming-note');
      expect(plain(await page.textContent('.subtabs a[href="/counter/consignments"]'))).toBe('Nhận hàng 1, 1 lô chờ nhận');
      await checked('sell-incoming');
      await Promise.all([page.waitForURL(`${base}/counter/consignments`), page.click('#incoming-note a')]);
      expect(plain(await page.innerText(`#incoming li[data-consignment="${consignmentId}"]`))).toContain('Chờ kiểm đếm');
      await checked('incoming');
      await Promise.all([page.waitForURL(`${base}/counter/consignments/${consignmentId}`), page.click(`#incoming li[data-consignment="${consignmentId}"] a`)]);
      const c = (await app.inject({ method: 'GET', url: `/v1/consignments/${consignmentId}`, headers: bearer(w.clerk) })).json() as { lines: { id: string; productId: string }[] };
      const lineOf = (productId: string) => c.lines.find((l) => l.productId === productId)!.id;
      // A count left blank stays on the page with its reason, the others as typed.
      await page.fill(`input[name="count_${lineOf(mango.id)}"]`, '11');
      await page.fill(`input[name="count_${lineOf(mandarin.id)}"]`, '10');
      await page.fill(`input[name="count_${lineOf(rice.id)}"]`, 'năm');
      await page.click('#receive-consignment button[type=submit]');
      await page.waitForSelector(`#count-${lineOf(rice.id)}-err`);
      expect(plain(await page.textContent(`#count-${lineOf(rice.id)}-err`))).toBe('Số đếm là số nguyên từ 0 trở lên.');
      expect(await page.inputValue(`input[name="count_${lineOf(mango.id)}"]`)).toBe('11');
      await checked('count-error');
      await page.fill(`input[name="count_${lineOf(rice.id)}"]`, '5');
      await Promise.all([page.waitForURL(`${base}/counter/consignments/${consignmentId}?msg=consignment_received_diff`), page.click('#receive-consignment button[type=submit]')]);
      expect(plain(await page.innerText(`#counts tr[data-line="${lineOf(mango.id)}"]`))).toMatch(/^Xoài cát Hòa Lộc Lô X-0112 · thu hoạch \d\d\/\d\d\/\d{4} · HSD \d\d\/\d\d\/\d{4} 12 11 thiếu 1$/);
      expect(plain(await page.textContent(`#counts tr[data-line="${lineOf(rice.id)}"] .badge`))).toBe('đủ');
      const after = (await app.inject({ method: 'GET', url: `/v1/consignments/${consignmentId}`, headers: bearer(w.manager) })).json() as { state: string; lines: { productId: string; difference: number }[] };
      expect(after.state).toBe('received');
      expect(after.lines.find((l) => l.productId === mango.id)!.difference).toBe(-1);
      expect(await officeStock(mango.id)).toBe(11);
      await checked('consignment-received');
    }, 180_000);

    it('shows the shelf by product, the nearest best-before first with its days left, and sends expiring goods back', async () => {
      await fresh({ counted: true });
      await page.goto(`${base}/counter/shelf`);
      const order = await page.locator('#shelf > li h2').allTextContents();
      expect(order).toEqual(['Quýt hồng Lai Vung', 'Xoài cát Hòa Lộc', 'Gạo Tháp Mười 5 kg']);
      expect(plain(await page.textContent(`#shelf > li[data-product="${mandarin.id}"] .stock-line`))).toBe('10 kg còn 2 ngày');
      expect(plain(await page.textContent(`#shelf > li[data-product="${mango.id}"] .stock-line`))).toBe('11 kg còn 6 ngày');
      expect(plain(await page.textContent(`#shelf > li[data-product="${rice.id}"] .stock-line`))).toBe('5 túi không có hạn dùng ngắn');
      const lot = page.locator(`#shelf > li[data-product="${mandarin.id}"] .lots > li`);
      await lot.locator('summary').click();
      expect(await lot.locator('select[name=reason]').inputValue()).toBe('expiring');
      await lot.locator('input[name=qty]').fill('2');
      await checked('shelf');
      await Promise.all([page.waitForURL(`${base}/counter/shelf?msg=goods_returned`), lot.locator('button[type=submit]').click()]);
      expect(plain(await page.textContent(`#shelf > li[data-product="${mandarin.id}"] .stock`))).toBe('8 kg');
      expect(await officeStock(mandarin.id)).toBe(8);
    }, 180_000);

    it('sells a basket for cash and prints the receipt; the office’s stock goes down', async () => {
      await fresh({ counted: true });
      await page.goto(`${base}/counter/sell`);
      await page.fill(`#qty-${mango.id}`, '3');
      await page.fill(`#qty-${rice.id}`, '1');
      await Promise.all([page.waitForURL(/\/counter\/sell\?/), page.click('#compute')]);
      // 3 × 65.000 + 1 × 120.000
      expect(plain(await page.textContent('#basket-total'))).toBe('315.000 ₫');
      expect(plain(await page.textContent('#record-sale'))).toBe('Ghi nhận bán · 315.000 ₫');
      await page.fill('#cash-received', '500.000');
      await checked('basket');
      const salesToday = async () => ((await app.inject({ method: 'GET', url: '/v1/counter-sales', headers: bearer(w.clerk) })).json().items as unknown[]).length;
      const before = await salesToday();
      // A double tap on a slow signal (half a second each way) records one sale.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 500, downloadThroughput: -1, uploadThroughput: -1 });
      await Promise.all([page.waitForURL(/\/counter\/sales\/[0-9a-f-]{36}\?msg=sold_cash$/), page.dblclick('#record-sale', { delay: 100 })]);
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await cdp.detach();
      expect(await salesToday()).toBe(before + 1);
      expect(plain(await page.textContent('#change'))).toBe('185.000 ₫');
      expect(await officeStock(mango.id)).toBe(8);
      expect(await officeStock(rice.id)).toBe(4);
      await checked('sold-cash');

      await Promise.all([page.waitForURL(/\/receipt$/), page.click('#receipt-link')]);
      const receipt = plain(await page.innerText('#receipt'));
      expect(receipt).toContain('Bưu điện văn hóa xã Tân Thành');
      expect(receipt).toContain('Xoài cát Hòa Lộc 3 kg × 65.000 ₫ 195.000 ₫');
      expect(receipt).toContain('Gạo Tháp Mười 5 kg 1 túi × 120.000 ₫ 120.000 ₫');
      expect(receipt).toContain('Tổng cộng 315.000 ₫');
      // Vietnam time, whatever the server's zone: the sale's instant as the API gives it (+07:00).
      const soldAt = (await page.getAttribute('#receipt-time', 'datetime'))!;
      expect(soldAt).toMatch(/\+07:00$/);
      expect(plain(await page.textContent('#receipt-time'))).toBe(`${soldAt.slice(8, 10)}/${soldAt.slice(5, 7)}/${soldAt.slice(0, 4)} ${soldAt.slice(11, 16)}`);
      expect(await page.isVisible('[data-print]')).toBe(true);
      await checked('receipt');
      // On paper: the receipt alone, without the app's bars and buttons.
      await page.emulateMedia({ media: 'print' });
      expect(await page.isVisible('header.top')).toBe(false);
      expect(await page.isVisible('nav.tabs')).toBe(false);
      expect(await page.isVisible('[data-print]')).toBe(false);
      expect(await page.isVisible('#receipt')).toBe(true);
      await shot('receipt-print');
      await page.emulateMedia({ media: 'screen' });
    }, 180_000);

    it('shows “not enough at this office” next to the line, before and after the API refuses it', async () => {
      await fresh({ counted: true });
      await page.goto(`${base}/counter/sell?q_${mango.id}=20`);
      expect(plain(await page.textContent(`[data-error-for="${mango.id}"]`))).toBe('Bưu cục này chỉ còn 11 kg, không đủ 20.');
      expect(await page.getAttribute(`#qty-${mango.id}`, 'aria-invalid')).toBe('true');
      expect(await page.locator('#pay-form').count()).toBe(0);
      await checked('not-enough');

      // The basket was fine when computed; another clerk sells from the same shelf before this one records it.
      await page.goto(`${base}/counter/sell?q_${mandarin.id}=6`);
      expect((await w.sell([{ productId: mandarin.id, qty: 5 }], 'cash', w.otherClerk)).statusCode).toBe(201);
      await page.click('#record-sale');
      await page.waitForSelector(`[data-error-for="${mandarin.id}"]`);
      expect(plain(await page.textContent(`[data-error-for="${mandarin.id}"]`))).toBe('Bưu cục này chỉ còn 5 kg, không đủ 6.');
      expect(await page.inputValue(`#qty-${mandarin.id}`)).toBe('6');
      expect(await officeStock(mandarin.id)).toBe(5);
      await checked('not-enough-after');
    }, 180_000);

    it('takes a bank transfer whose QR code reads as the exact VietQR payload, then voids the sale with a reason', async () => {
      await fresh({ counted: true });
      await page.goto(`${base}/counter/sell`);
      await page.fill(`#qty-${mandarin.id}`, '2');
      await Promise.all([page.waitForURL(/\/counter\/sell\?/), page.click('#compute')]);
      await page.check('input[name=payment][value=bank_transfer]');
      await Promise.all([page.waitForURL(/\/counter\/sales\/[0-9a-f-]{36}\?msg=sold_transfer$/), page.click('#record-sale')]);
      const saleId = new URL(page.url()).pathname.split('/').at(-1)!;
      const sale = (await app.inject({ method: 'GET', url: `/v1/counter-sales/${saleId}`, headers: bearer(w.clerk) })).json() as { receiptNo: string; totalVnd: number; vietqrPayload: string };
      expect(sale.totalVnd).toBe(90_000);
      const expected = vietQrPayload({ bankBin: BANK.bankBin, accountNumber: BANK.bankAccount, amountVnd: 90_000, purpose: sale.receiptNo });
      expect(sale.vietqrPayload).toBe(expected);
      // What the buyer's phone sees: the image as the page draws it, once decoded and painted (a
      // busy machine can lay the <img> out before its pixels are there).
      await page.locator('#vietqr img').evaluate((img: { decode: () => Promise<void> }) => img.decode());
      expect(await readQr(await page.locator('#vietqr img').screenshot({ animations: 'disabled' }))).toBe(expected);
      expect(plain(await page.innerText('#vietqr figcaption'))).toBe(`90.000 ₫ TK ${BANK.bankAccount} · ${BANK.bankAccountName} Nội dung: ${sale.receiptNo}`);
      expect(await officeStock(mandarin.id)).toBe(8);
      await checked('transfer-qr');

      await page.click('details.void summary');
      await page.fill('#f-reason', 'ab');
      await page.click('#void-form button[type=submit]');
      await page.waitForSelector('#f-reason-err');
      expect(await page.inputValue('#f-reason')).toBe('ab');
      await checked('void-error');
      await page.fill('#f-reason', 'Khách đổi ý, trả lại hàng');
      await Promise.all([page.waitForURL(`${base}/counter/sales/${saleId}?msg=sale_voided`), page.click('#void-form button[type=submit]')]);
      expect(plain(await page.textContent('#voided'))).toContain('Khách đổi ý, trả lại hàng');
      expect(await page.locator('#vietqr').count()).toBe(0);
      expect(await officeStock(mandarin.id)).toBe(10);
      await checked('voided');

      // Another clerk of the same office sees the sale but is not offered the void.
      const other = await app.inject({ method: 'POST', url: `/v1/counter-sales/${saleId}/void`, headers: bearer(w.otherClerk), payload: { reason: 'thử hủy' } });
      expect(other.statusCode).toBe(409);
      await page.goto(`${base}/counter/sales`);
      expect(plain(await page.textContent(`#sales li[data-sale="${saleId}"]`))).toContain('Đã hủy');
      await checked('sales');
    }, 180_000);
  });
});
