import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickupPoints, shipments } from '../../db/schema/pickup-points.ts';
import { bearer, errorOf } from '../support/http.ts';
import { makeSeller, makeUser, type TestUser } from '../support/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { type World } from '../support/world.ts';
import { startOrderWorld, type OrderKit, type Seller } from '../support/order-world.ts';
import { decodePage, ensurePoppler, pdfInfo, pdfText } from './pdf-tools.ts';

let world: World;
let seller: Seller;
let kit: OrderKit;
let stranger: TestUser;
let dropoffId: string;

beforeAll(async () => {
  ensurePoppler();
  ({ world, seller, kit } = await startOrderWorld());
  expect((await world.app.inject({ method: 'POST', url: '/v1/pickup-points/sync', headers: bearer(world.admin) })).statusCode).toBe(200);
  dropoffId = (await world.app.db.select().from(pickupPoints).where(eq(pickupPoints.code, 'PO30226')))[0]!.id;
  stranger = await makeUser(world.app, 'seller_manager', { sellerId: (await makeSeller(world.app)).id });
});
afterAll(() => world?.close());

const call = (method: 'GET' | 'POST', url: string, who: { token: string }, payload?: unknown) =>
  world.app.inject({ method, url, headers: bearer(who), ...(payload === undefined ? {} : { payload: payload as never }) });

/** A COD order confirmed and shipped through the Lai Vung office, with Postmart's package number. */
async function shippedOrder(qty: number, recipient: Record<string, unknown>) {
  const product = await kit.createListed({ stock: 50, priceVnd: 125_000 });
  const sn = await kit.placeOrder(product.sku, qty, { payment_method: 'COD', recipient });
  const order = (await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved'))!;
  expect((await call('POST', `/v1/orders/${order.id}/confirm`, seller.manager)).statusCode).toBe(202);
  await eventually(() => kit.orderBySn(sn), (o) => o?.status === 'processed');
  expect((await call('POST', `/v1/orders/${order.id}/ship`, seller.manager, { pickupPointId: dropoffId })).statusCode).toBe(202);
  const s = await eventually(async () => (await world.app.db.select().from(shipments).where(eq(shipments.orderId, order.id)))[0], (x) => x?.state === 'accepted');
  return { id: order.id, sn, packageNumber: s!.packageNumber!, cod: order.codAmountVnd };
}

/** One shipped order that several tests read (never change), made by whichever test needs it first. */
let firstOrder: ReturnType<typeof shippedOrder> | undefined;
const first = () => (firstOrder ??= shippedOrder(10, { name: 'Nguyễn Thị Hồng Nhung', address_line: '12 Đường Trần Hưng Đạo' }));

describe('shipping labels', () => {
  it('prints one A6 page whose Code 128 barcode and QR code scan back to the package number, with Vietnamese text and the COD amount', async () => {
    const firstO = await first();
    expect(firstO.cod).toBeGreaterThanOrEqual(1_250_000);
    const res = await call('GET', `/v1/orders/${firstO.id}/label.pdf`, seller.manager);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.rawPayload;
    const info = await pdfInfo(pdf);
    expect(info.pages).toBe(1);
    expect(info.pageSize).toMatch(/^297\.6\d* x 419\.5\d* pts/);
    // The font travels inside the PDF: no printer needs Vietnamese fonts of its own.
    expect(info.fonts).toMatch(/BeVietnamPro-Bold\s+CID TrueType\s+Identity-H\s+yes\s+yes/);

    expect(await decodePage(pdf, 1, 'CODE_128')).toBe(firstO.packageNumber);
    expect(await decodePage(pdf, 1, 'QR_CODE')).toBe(firstO.packageNumber);

    const text = (await pdfText(pdf)).normalize('NFC');
    const cod = `${new Intl.NumberFormat('vi-VN').format(firstO.cod)} ₫`;
    expect(text).toContain('THU HỘ (COD)');
    expect(text).toContain(cod);
    expect(text).toContain(firstO.sn);
    expect(text).toContain('Nguyễn Thị Hồng Nhung');
    expect(text).toContain('12 Đường Trần Hưng Đạo');
    expect(text).toMatch(/NGƯỜI GỬI[\s\S]*NGƯỜI NHẬN/);
    expect(text).toMatch(/Gửi tại: PO30226 · Bưu điện/);
    expect(text).toContain('Khối lượng: 10 kg');
  });

  it('prints a batch as one PDF, one label a page, in the order asked', async () => {
    const firstO = await first();
    const second = await shippedOrder(1, { name: 'Trần Văn Bình' });
    const res = await call('POST', '/v1/labels', seller.manager, { orderIds: [second.id, firstO.id] });
    expect(res.statusCode, res.body).toBe(200);
    const pdf = res.rawPayload;
    expect((await pdfInfo(pdf)).pages).toBe(2);
    expect(await decodePage(pdf, 1, 'CODE_128')).toBe(second.packageNumber);
    expect(await decodePage(pdf, 2, 'CODE_128')).toBe(firstO.packageNumber);
    const page1 = (await pdfText(pdf, 1)).normalize('NFC');
    const page2 = (await pdfText(pdf, 2)).normalize('NFC');
    expect(page1).toContain('Trần Văn Bình');
    expect(page1).toContain(`${new Intl.NumberFormat('vi-VN').format(second.cod)} ₫`);
    expect(page2).toContain('Nguyễn Thị Hồng Nhung');
    expect(page2).not.toContain('Trần Văn Bình');
  });

  it("answers 404 for another seller's order, alone or in a batch, naming its place", async () => {
    const firstO = await first();
    expect(errorOf(await call('GET', `/v1/orders/${firstO.id}/label.pdf`, stranger)).code).toBe('NOT_FOUND');
    expect((await call('GET', `/v1/orders/${firstO.id}/label.pdf`, stranger)).statusCode).toBe(404);
    const batch = await call('POST', '/v1/labels', stranger, { orderIds: [firstO.id] });
    expect(batch.statusCode).toBe(404);
    expect(errorOf(batch)).toMatchObject({ code: 'NOT_FOUND', field: 'orderIds[0]' });
    const mixed = await call('POST', '/v1/labels', seller.manager, { orderIds: [firstO.id, '01890000-0000-7000-8000-000000000000'] });
    expect(errorOf(mixed)).toMatchObject({ code: 'NOT_FOUND', field: 'orderIds[1]' });
  });

  it('refuses an order not shipped yet (409), and bad batches (400)', async () => {
    const firstO = await first();
    const product = await kit.createListed({ stock: 5 });
    const sn = await kit.placeOrder(product.sku, 1);
    const order = (await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved'))!;
    const res = await call('GET', `/v1/orders/${order.id}/label.pdf`, seller.manager);
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).message).toMatch(/chưa có mã bưu gửi/);
    for (const body of [{ orderIds: [] }, { orderIds: [firstO.id, firstO.id] }, { orderIds: ['x'] }, { ids: [firstO.id] }]) {
      expect((await call('POST', '/v1/labels', seller.manager, body)).statusCode, JSON.stringify(body)).toBe(400);
    }
  });
});
