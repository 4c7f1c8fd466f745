import { mkdir, readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cashBody, returnsBody } from '../../src/web/counter/cash.ts';
import { parcelBody, type ParcelData } from '../../src/web/counter/parcel.ts';
import { APP_NAME, BASE, NAV } from '../../src/web/counter/shell.ts';
import type { CashSheet, OrderView, Pickup, ReturnItem, ShipmentView } from '../../src/web/counter/types.ts';
import type { Html } from '../../src/web/html.ts';
import { page as layout } from '../../src/web/layout.ts';
import { ensureChromium, openBrowser } from '../support/chromium.ts';
import { accessibilityProblems } from '../support/axe.ts';

/**
 * The counter screens whose endpoints arrive with the counter API (issue 13, branch counter-api):
 * the cash sheet and its closing, a parcel locked after 5 wrong phone numbers, the hand-back to the
 * seller, the returns list. Rendered from the shapes that branch declares (src/schemas/counter.ts
 * there) with the app's own stylesheet, at phone and tablet widths: totals as computed by hand,
 * the forms the clerk needs, accessibility. Once the API is merged the counter-app browser test can
 * drive them end to end.
 */
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const css = await readFile(new URL('../../src/web/static/app.css', import.meta.url), 'utf8');
const plain = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
const shell = { appName: APP_NAME, base: BASE, assets: { css: '', js: '', htmx: '', icon: '', manifest: '' }, nav: NAV };
const NOW = new Date('2026-11-30T09:00:00+07:00');


// A day at the office: three COD parcels by two clerks, one short of its amount with a reason.
const sheet: CashSheet = {
  date: '2026-11-30',
  closed: null,
  items: [
    { orderId: '00000000-0000-4000-8000-000000000001', orderSn: '261130AAA', packageNumber: 'PKG261130AAA', clerkName: 'Nguyễn Thị Lan', at: '2026-11-30T08:10:00+07:00', expectedVnd: 250_000, takenVnd: 250_000, differenceVnd: 0, reason: null },
    { orderId: '00000000-0000-4000-8000-000000000002', orderSn: '261130BBB', packageNumber: 'PKG261130BBB', clerkName: 'Nguyễn Thị Lan', at: '2026-11-30T09:40:00+07:00', expectedVnd: 1_250_000, takenVnd: 1_200_000, differenceVnd: -50_000, reason: 'Người mua trả hàng hỏng một hộp' },
    { orderId: '00000000-0000-4000-8000-000000000003', orderSn: '261130CCC', packageNumber: null, clerkName: 'Trần Văn Minh', at: '2026-11-30T15:05:00+07:00', expectedVnd: 96_000, takenVnd: 96_000, differenceVnd: 0, reason: null },
  ],
  clerks: [
    { clerkId: '00000000-0000-4000-8000-0000000000c1', clerkName: 'Nguyễn Thị Lan', parcels: 2, expectedVnd: 1_500_000, takenVnd: 1_450_000, differenceVnd: -50_000 },
    { clerkId: '00000000-0000-4000-8000-0000000000c2', clerkName: 'Trần Văn Minh', parcels: 1, expectedVnd: 96_000, takenVnd: 96_000, differenceVnd: 0 },
  ],
  // 250.000 + 1.250.000 + 96.000 expected; 250.000 + 1.200.000 + 96.000 taken.
  totals: { parcels: 3, expectedVnd: 1_596_000, takenVnd: 1_546_000, differenceVnd: -50_000 },
};

const order = {
  id: '00000000-0000-4000-8000-0000000000a1',
  orderSn: '261130LOCK',
  status: 'ready_for_pickup',
  codAmountVnd: 180_000,
  paymentMethod: 'COD',
  recipient: { name: 'Lê Văn Tư', phone: '0947***124', addressLine: '', wardName: null },
  lines: [{ name: 'Quýt hồng Lai Vung hộp 2 kg', qty: 1 }],
} as unknown as OrderView;
const shipment = {
  orderId: order.id, pickupPointId: '00000000-0000-4000-8000-0000000000p1', pickupPointCode: 'PO30226', day: '2026-11-27', state: 'accepted',
  packageNumber: 'PKG261127LOCK', failure: null, declaredWeightGrams: 2100, measuredWeightGrams: 2150, weightFlagged: false, handedOverAt: '2026-11-27T10:00:00+07:00',
} as ShipmentView;
const pickup: Pickup = { orderId: order.id, orderSn: order.orderSn, status: 'ready_for_pickup', recipientName: 'Lê Văn Tư', recipientPhone: '0947***124', codAmountVnd: 180_000, arrivedAt: '2026-11-28T08:00:00+07:00', holdUntil: '2026-12-05T08:00:00+07:00', flaggedForReturn: false, collectedAt: null, collectionLocked: false };
const parcel = (over: Partial<ParcelData>): ParcelData => ({ order, shipment, pickup, ret: null, pointId: shipment.pickupPointId, isAdmin: false, csrf: 'csrf', now: NOW, forms: {}, ...over });
const returned: ReturnItem = { orderId: order.id, orderSn: order.orderSn, packageNumber: 'PKG261120OLD', sellerName: 'HTX Quýt hồng Lai Vung', sellerPhone: '0918***456', cause: 'hold_expired', holdUntil: '2026-11-27T08:00:00+07:00' };

describe.each([
  { name: 'phone', width: 390, height: 844 },
  { name: 'tablet', width: 820, height: 1180 },
] as const)('counter screens on the counter API, on a $name', (vp) => {
  let p: Page;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ensureChromium();
    await mkdir(ARTIFACTS, { recursive: true });
    const browser = await openBrowser({ width: vp.width, height: vp.height });
    close = browser.close;
    p = await browser.context.newPage();
  }, 60_000);
  afterAll(() => close?.());

  async function show(name: string, title: string, active: string, body: Html) {
    const markup = layout(shell, { title, active, csrf: 'csrf', who: 'Nguyễn Thị Lan', body }).value.replace('</head>', `<style>${css}</style></head>`);
    await p.setContent(markup);
    expect(await p.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(vp.width);
    expect(await accessibilityProblems(p)).toEqual([]);
    await p.screenshot({ path: new URL(`counter-${vp.name}-${name}.png`, ARTIFACTS).pathname, fullPage: true });
  }

  it('shows the day’s cash sheet with its totals by clerk and in all, and closes it once', async () => {
    await show('cash', 'Sổ tiền', 'cash', cashBody(sheet, sheet.date, 'csrf', null));
    expect(plain(await p.textContent('#cash-total'))).toBe('1.546.000 ₫');
    expect((await p.locator('#cash-sheet tfoot th, #cash-sheet tfoot td').allTextContents()).map(plain)).toEqual(['Tổng 3 bưu gửi', '1.546.000 ₫phải thu 1.596.000 ₫']);
    expect(plain(await p.textContent('#cash-sheet'))).toContain('Lệch -50.000 ₫: Người mua trả hàng hỏng một hộp');
    expect((await p.locator('#cash-clerks li .meta').allTextContents()).map(plain)).toEqual(['2 bưu gửi · đã thu 1.450.000 ₫ · lệch -50.000 ₫', '1 bưu gửi · đã thu 96.000 ₫']);
    expect(plain(await p.textContent('#close-form button'))).toBe('Chốt sổ ngày 30/11/2026 (1.546.000 ₫)');

    const closed = { ...sheet, closed: { closedAt: '2026-11-30T17:30:00+07:00', closedByName: 'Nguyễn Thị Lan', parcels: 3, totalVnd: 1_546_000 } };
    await show('cash-closed', 'Sổ tiền', 'cash', cashBody(closed, sheet.date, 'csrf', null));
    expect(await p.locator('#close-form').count()).toBe(0);
    expect(plain(await p.textContent('#closed'))).toBe('Sổ đã chốt lúc 30/11/2026 17:30 bởi Nguyễn Thị Lan: 3 bưu gửi, 1.546.000 ₫; không thể sửa.');
  });

  it('shows a parcel locked after 5 wrong phone numbers with the identity check that unlocks it, and an admin’s own unlock', async () => {
    const error = { code: 'PARCEL_LOCKED', message: 'Bưu gửi đã bị khóa nhận hàng vì nhập sai số điện thoại người nhận 5 lần; không giao bưu gửi.', field: 'phone' };
    await show('locked', 'Bưu gửi', 'day', parcelBody(parcel({ forms: { collect: { locked: true, error } } })));
    expect(plain(await p.textContent('#locked'))).toBe(error.message);
    expect(await p.locator('#collect-form').count()).toBe(0);
    expect(await p.locator('#unlock-form select[name=identityDocument] option').allTextContents()).toEqual(['Căn cước công dân', 'Chứng minh nhân dân', 'Hộ chiếu', 'Giấy phép lái xe']);
    expect(await p.getAttribute('#unlock-form input[name=identityLast4]', 'maxlength')).toBe('4');
    expect(await p.locator('input[name=asAdmin]').count()).toBe(0);
    await show('locked-admin', 'Bưu gửi', 'day', parcelBody(parcel({ isAdmin: true, forms: { collect: { locked: true } } })));
    expect(await p.locator('input[name=asAdmin]').count()).toBe(1);
  });

  it('offers the hand-back to the seller for a parcel past its hold, and lists the returns', async () => {
    await show('return', 'Bưu gửi', 'day', parcelBody(parcel({ pickup: { ...pickup, flaggedForReturn: true }, ret: returned })));
    expect(await p.locator('#collect-form').count()).toBe(0);
    expect(await p.locator('#return-form input[name=receivedByName]').count()).toBe(1);
    expect(await p.locator('#return-form input[name=sellerPhone]').count()).toBe(1);
    await show('returns', 'Hoàn trả', 'returns', returnsBody([returned, { ...returned, orderId: '00000000-0000-4000-8000-0000000000a2', packageNumber: 'PKG261121REF', cause: 'refused' }], null));
    expect(plain(await p.textContent('#returns-open'))).toContain('HTX Quýt hồng Lai Vung (0918***456) · quá hạn giữ');
    expect(plain(await p.textContent('#returns-open'))).toContain('người mua từ chối');
  });
});
