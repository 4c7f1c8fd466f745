import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vnToday } from '../../src/lib/time.ts';
import { buildTestApp } from '../support/app.ts';
import { ensurePoppler, pdfInfo, pdfText } from '../fulfillment/pdf-tools.ts';
import { bearer } from '../support/http.ts';
import { outletWorld } from '../support/outlets.ts';

let app: FastifyInstance;
beforeAll(async () => {
  ensurePoppler();
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

describe('settlement statement as PDF', () => {
  it('prints the month’s lines and totals the CSV carries, in Vietnamese with its diacritics, with Be Vietnam Pro embedded', async () => {
    const w = await outletWorld(app, { rateBp: 850 });
    const month = vnToday().slice(0, 7);
    const mango = await w.createProduct({ stock: 50, priceVnd: 65000, name: 'Xoài cát Hòa Lộc' });
    const mandarin = await w.createProduct({ stock: 50, priceVnd: 115000, name: 'Quýt hồng Lai Vung hộp 2 kg' });
    await w.stockOffice([{ productId: mango.id, qty: 20 }, { productId: mandarin.id, qty: 10 }]);
    expect((await w.sell([{ productId: mango.id, qty: 3 }, { productId: mandarin.id, qty: 2 }])).statusCode).toBe(201);
    const gen = await app.inject({ method: 'POST', url: '/v1/settlements', headers: bearer(w.admin), payload: { sellerId: w.seller.id, pickupPointId: w.pointId, month } });
    expect(gen.statusCode, gen.body).toBe(200);
    const s = gen.json();
    // By hand: 3 × 65 000 = 195 000 and 2 × 115 000 = 230 000 at 8.5 %: 16 575 + 19 550 = 36 125; owed 425 000 − 36 125 = 388 875.
    expect(s).toMatchObject({ salesVnd: 425000, commissionVnd: 36125, owedVnd: 388875, units: 5 });

    const pdf = await app.inject({ method: 'GET', url: `/v1/settlements/${s.id}?format=pdf`, headers: bearer(w.manager) });
    expect(pdf.statusCode, pdf.body).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe(`attachment; filename="bang-ke-${month}.pdf"`);
    const byAccept = await app.inject({ method: 'GET', url: `/v1/settlements/${s.id}`, headers: { ...bearer(w.manager), accept: 'application/pdf' } });
    expect(byAccept.headers['content-type']).toBe('application/pdf');

    const info = await pdfInfo(pdf.rawPayload);
    expect(info.pages).toBe(1);
    expect(info.pageSize).toMatch(/595\.28 x 841\.89/);
    expect(info.fonts).toMatch(/BeVietnamPro-Regular/);
    expect(info.fonts).toMatch(/BeVietnamPro-Bold/);
    const text = (await pdfText(pdf.rawPayload)).normalize('NFC');
    expect(text).toContain(`Bảng kê đối soát hàng ký gửi tháng ${month.slice(5)}/${month.slice(0, 4)}`);
    expect(text).toContain(s.sellerName.normalize('NFC'));
    expect(text).toContain('Xoài cát Hòa Lộc');
    expect(text).toContain('Quýt hồng Lai Vung');
    expect(text).toContain('Bản nháp (chưa chấp nhận)');
    // The totals row holds the CSV's totals, formatted as Vietnamese read money.
    const csv = (await app.inject({ method: 'GET', url: `/v1/settlements/${s.id}?format=csv`, headers: bearer(w.manager) })).body.replace(/^\uFEFF/, '').trim().split('\r\n');
    const total = csv.at(-1)!.split(',');
    expect(total.slice(-5)).toEqual(['5', '425000', '', '36125', '388875']);
    const totalLine = text.split('\n').find((l) => l.includes('Tổng cộng'))!;
    expect(totalLine.replace(/\s+/g, ' ')).toMatch(/Tổng cộng 5 425\.000 ₫ 36\.125 ₫ 388\.875 ₫/);
    expect(text).toContain('Số tiền bưu cục trả người bán: 388.875 ₫');
    expect(text.replace(/\s+/g, ' ')).toMatch(/195\.000 ₫ 8,5%|195\.000 ₫ 8\.5%/);

    // Accepted: the PDF says when.
    await app.inject({ method: 'POST', url: `/v1/settlements/${s.id}/accept`, headers: bearer(w.manager) });
    const after = await pdfText((await app.inject({ method: 'GET', url: `/v1/settlements/${s.id}?format=pdf`, headers: bearer(w.manager) })).rawPayload);
    expect(after.normalize('NFC')).toMatch(/Đã chấp nhận lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
  });

  it('is another seller’s statement: 404, no PDF', async () => {
    const w = await outletWorld(app, { rateBp: 1000 });
    const other = await outletWorld(app, { rateBp: 1000 });
    const month = vnToday().slice(0, 7);
    const s = (await app.inject({ method: 'POST', url: '/v1/settlements', headers: bearer(w.admin), payload: { sellerId: w.seller.id, pickupPointId: w.pointId, month } })).json();
    const res = await app.inject({ method: 'GET', url: `/v1/settlements/${s.id}?format=pdf`, headers: bearer(other.manager) });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/json/);
  });
});
