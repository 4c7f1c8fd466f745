import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.ts';
import { makePickupPoint, makeUser, type TestUser } from '../support/fixtures.ts';
import { outletWorld } from '../support/outlets.ts';

/**
 * The counter's consignment and sale pages over HTTP, without a browser: what a clerk types wrong
 * or forges comes back as a 4xx page with the reason where the clerk looks, never a 5xx; another
 * office's goods and sales stay out of reach; only the clerk who sold is offered the void.
 */
let app: FastifyInstance;
let w: Awaited<ReturnType<typeof outletWorld>>;
let mango: { id: string };
let consignmentId: string;

beforeAll(async () => {
  app = await buildTestApp();
  w = await outletWorld(app, { rateBp: 1000 });
  mango = await w.createProduct({ name: 'Xoài cát Hòa Lộc', stock: 20, priceVnd: 65_000, shelfLifeDays: 5 });
  const c = await w.stockOffice([{ productId: mango.id, qty: 6, lot: 'X-1' }]);
  consignmentId = c.id;
});
afterAll(() => app?.close());

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)![1]!;
const text = (body: string) => body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

async function signIn(user: TestUser): Promise<{ cookie: string; csrf: string }> {
  const res = await app.inject({ method: 'POST', url: '/counter/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ phone: user.phone, password: user.password }) });
  expect(res.statusCode).toBe(303);
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  const page = await app.inject({ url: '/counter/sell', headers: { cookie } });
  return { cookie, csrf: csrfOf(page.body) };
}
const post = (s: { cookie: string; csrf: string }, url: string, fields: Record<string, string>) =>
  app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.csrf, ...fields }) });

describe('counter consignment and sale pages', () => {
  it('keeps odd quantities in the basket with their reason next to the line, and offers no payment then', async () => {
    // A product of its own with exactly 6 at the office: the other tests sell and consign the mango.
    const papaya = await w.createProduct({ name: 'Đu đủ ruột đỏ', stock: 20, priceVnd: 30_000, shelfLifeDays: 5 });
    await w.stockOffice([{ productId: papaya.id, qty: 6, lot: 'D-1' }]);
    const s = await signIn(w.clerk);
    for (const [typed, reason] of [
      ['-1', 'Số lượng là số nguyên'],
      ['1,5', 'Số lượng là số nguyên'],
      ['9999999', 'Số lượng là số nguyên'],
      ['<b>7</b>', 'Số lượng là số nguyên'],
      ['7', 'Bưu cục này chỉ còn 6 kg, không đủ 7.'],
    ]) {
      const res = await app.inject({ url: `/counter/sell?q_${papaya.id}=${encodeURIComponent(typed!)}`, headers: { cookie: s.cookie } });
      expect(res.statusCode, typed).toBe(200);
      expect(text(res.body), typed).toContain(reason);
      expect(res.body).not.toContain('id="pay-form"');
      expect(res.body).not.toContain('<b>7</b>');
    }
  });

  it('sells once when the clerk’s sale form is sent twice (a reload or a retry on a weak signal): both land on the same receipt', async () => {
    const melon = await w.createProduct({ name: 'Dưa lưới', stock: 20, priceVnd: 40_000 });
    await w.stockOffice([{ productId: melon.id, qty: 3, lot: 'M-1' }]);
    const s = await signIn(w.clerk);
    const page = await app.inject({ url: `/counter/sell?q_${melon.id}=2`, headers: { cookie: s.cookie } });
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(page.body)![1]!.replace(/&#58;/g, ':');
    const fields = { basket: field('basket'), saleKey: field('saleKey'), payment: 'cash' };
    const first = await post(s, '/counter/sales', fields);
    const again = await post(s, '/counter/sales', fields);
    expect(first.statusCode).toBe(303);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(first.headers.location);
    const shelf = await app.inject({ url: `/v1/pickup-points/${w.pointId}/shelf`, headers: { authorization: `Bearer ${w.clerk.token}` } });
    const left = (shelf.json() as { lots: { productId: string; remaining: number }[] }).lots.filter((l) => l.productId === melon.id).reduce((n, l) => n + l.remaining, 0);
    expect(left).toBe(1);
    // A new page is a new sale.
    const next = await app.inject({ url: `/counter/sell?q_${melon.id}=1`, headers: { cookie: s.cookie } });
    expect(/name="saleKey" value="([^"]+)"/.exec(next.body)![1]).not.toBe(fields.saleKey);
  });

  it('answers a forged or stale basket with a 4xx page naming the problem, never a 5xx', async () => {
    const s = await signIn(w.clerk);
    expect((await post(s, '/counter/sales', { basket: 'not-a-basket', payment: 'cash' })).headers.location).toBe('/counter/sell');
    const unknown = await post(s, '/counter/sales', { basket: `00000000-0000-4000-8000-000000000000:1`, payment: 'cash' });
    expect(unknown.statusCode).toBeGreaterThanOrEqual(400);
    expect(unknown.statusCode).toBeLessThan(500);
    const short = await post(s, '/counter/sales', { basket: `${mango.id}:1`, payment: 'cash', cashReceivedVnd: '1.000' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toMatch(/id="cash-err">[^<]*ít hơn tổng tiền/);
    const noBank = await post(s, '/counter/sales', { basket: `${mango.id}:1`, payment: 'bank_transfer' });
    expect(noBank.statusCode).toBe(409);
    expect(noBank.body).toMatch(/id="payment-err">[^<]*tài khoản ngân hàng/);
    expect((await app.inject({ url: '/counter/sales/not-a-uuid', headers: { cookie: s.cookie } })).statusCode).toBe(400);
  });

  it('refuses a count that is not a number line by line, and a return larger than the lot inside that lot’s form', async () => {
    const s = await signIn(w.clerk);
    const sent = (await w.consign([{ productId: mango.id, qty: 2 }])).json();
    const res = await post(s, `/counter/consignments/${sent.id}/receive`, { [`count_${sent.lines[0].id}`]: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`id="count-${sent.lines[0].id}-err">Nhập số đếm được (0 nếu không có).`);
    const received = (await app.inject({ url: `/counter/consignments/${consignmentId}`, headers: { cookie: s.cookie } })).body;
    expect(received).not.toContain('id="receive-consignment"');

    const c = (await app.inject({ url: `/v1/consignments/${consignmentId}`, headers: { authorization: `Bearer ${w.clerk.token}` } })).json();
    const ret = await post(s, '/counter/shelf/return', { lineId: c.lines[0].id, qty: '99', reason: 'unsold' });
    expect(ret.statusCode).toBe(409);
    expect(ret.body).toMatch(new RegExp(`<details class="return" open>[\\s\\S]*name="lineId" value="${c.lines[0].id}"[\\s\\S]*không đủ 99`));
    const bad = await post(s, '/counter/shelf/return', { lineId: c.lines[0].id, qty: '1', reason: 'stolen' });
    expect(bad.statusCode).toBe(400);
  });

  it('keeps another office’s consignments and sales out of reach, and offers the void only to the clerk who sold', async () => {
    const sale = (await w.sell([{ productId: mango.id, qty: 1 }])).json();
    const elsewhere = await makeUser(app, 'post_office_clerk', { pickupPointId: await makePickupPoint(app) });
    const e = await signIn(elsewhere);
    expect((await app.inject({ url: `/counter/consignments/${consignmentId}`, headers: { cookie: e.cookie } })).statusCode).toBe(404);
    expect((await app.inject({ url: `/counter/sales/${sale.id}/receipt`, headers: { cookie: e.cookie } })).statusCode).toBe(404);

    const colleague = await signIn(w.otherClerk);
    const seen = await app.inject({ url: `/counter/sales/${sale.id}`, headers: { cookie: colleague.cookie } });
    expect(seen.statusCode).toBe(200);
    expect(seen.body).not.toContain('id="void-form"');
    const refused = await post(colleague, `/counter/sales/${sale.id}/void`, { reason: 'Thử hủy hộ' });
    expect(refused.statusCode).toBe(409);
    expect(text(refused.body)).toContain('chỉ nhân viên đã bán mới được hủy');

    const seller = await signIn(w.clerk);
    expect((await app.inject({ url: `/counter/sales/${sale.id}`, headers: { cookie: seller.cookie } })).body).toContain('id="void-form"');
  });
});
