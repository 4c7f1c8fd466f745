import { gunzipSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema/outbox.ts';
import { products } from '../../db/schema/products.ts';
import { makeUser, type TestUser } from '../support/fixtures.ts';
import { listing, order, product, reportsApp, seller } from '../support/reports.ts';

/**
 * The sellers' app over HTTP, without a browser: sessions, roles, CSRF, and what the pages show
 * from the API. Its own database, so the home's numbers are only this seller's.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let manager: TestUser;
let staff: TestUser;
let sellerId: string;
let dayOneOrder: string;
let dayTwoOrder: string;

beforeAll(async () => {
  ({ app, close } = await reportsApp({ PUBLIC_URL: 'http://app.test' }));
  const s = await seller(app, 'HTX Quýt hồng Lai Vung', '30226');
  sellerId = s.id;
  const quyt = await product(app.db, s.id, { name: 'Quýt hồng Lai Vung', category: 'fruit', priceVnd: 55_000 });
  await app.db.update(products).set({ stock: 3 }).where(eq(products.id, quyt.id));
  const sen = await product(app.db, s.id, { name: 'Trà tim sen', category: 'herbal', priceVnd: 80_000 });
  await listing(app.db, sen, 'error', { code: 'INVALID_IMAGE', message: 'Ảnh sản phẩm không tải được (HTTP 404)' });
  // Either side of midnight in Vietnam: 1 March 23:30 and 2 March 00:30, +07:00.
  dayOneOrder = await order(app.db, { sellerId: s.id, placedAt: '2026-03-01T23:30:00+07:00', status: 'ready_to_ship', lines: [{ productId: quyt.id, qty: 1, unitPriceVnd: 55_000 }] });
  dayTwoOrder = await order(app.db, { sellerId: s.id, placedAt: '2026-03-02T00:30:00+07:00', status: 'delivered', lines: [{ productId: quyt.id, qty: 2, unitPriceVnd: 55_000 }] });
  manager = await makeUser(app, 'seller_manager', { sellerId: s.id });
  staff = await makeUser(app, 'provincial_staff');
});
afterAll(() => close?.());

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function signIn(user: TestUser, next?: string): Promise<{ cookie: string; location: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/app/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ phone: user.phone, password: user.password, ...(next ? { next } : {}) }),
  });
  expect(res.statusCode).toBe(303);
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly/);
  expect(String(res.headers['set-cookie'])).toMatch(/SameSite=Lax/);
  return { cookie, location: String(res.headers.location) };
}

const get = (url: string, cookie: string, headers: Record<string, string> = {}) => app.inject({ url, headers: { cookie, ...headers } });
const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)![1]!;
const text = (body: string) => body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('sessions and roles', () => {
  it('sends a visitor to the sign-in page and back to where they were going, never to another site', async () => {
    const page = await app.inject({ url: '/app/orders' });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/app/login?next=%2Fapp%2Forders');
    const partial = await app.inject({ url: '/app/orders', headers: { 'hx-request': 'true' } });
    expect(partial.headers['hx-redirect']).toBe('/app/login?next=%2Fapp%2Forders');

    expect((await signIn(manager, '/app/orders')).location).toBe('/app/orders');
    expect((await signIn(manager, '//evil.example/app/')).location).toBe('/app/');
    expect((await signIn(manager, 'https://evil.example/')).location).toBe('/app/');
  });

  it('keeps provincial staff out of the sellers’ app', async () => {
    const { cookie } = await signIn(staff);
    const res = await get('/app/products', cookie);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/app/wrong-role');
    const page = await get('/app/wrong-role', cookie);
    expect(page.statusCode).toBe(403);
    expect(text(page.body)).toContain('Ứng dụng bán hàng dành cho tài khoản quản lý của người bán');
  });

  it('refuses a form post from another site, and one without the session’s token', async () => {
    const { cookie } = await signIn(manager);
    const csrf = csrfOf((await get(`/app/orders/${dayOneOrder}`, cookie)).body);
    const post = (headers: Record<string, string>, fields: Record<string, string>) =>
      app.inject({ method: 'POST', url: `/app/orders/${dayOneOrder}/cancel`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: form(fields) });
    expect((await post({ origin: 'https://evil.example' }, { _csrf: csrf, reason: 'OUT_OF_STOCK' })).statusCode).toBe(403);
    expect((await post({ origin: 'http://app.test' }, { _csrf: 'forged', reason: 'OUT_OF_STOCK' })).statusCode).toBe(403);
    expect((await post({ origin: 'http://app.test' }, { reason: 'OUT_OF_STOCK' })).statusCode).toBe(403);
    // Nor the token of another person's session (a colleague at the same cooperative).
    const colleague = await makeUser(app, 'seller_manager', { sellerId });
    const theirs = csrfOf((await get(`/app/orders/${dayOneOrder}`, (await signIn(colleague)).cookie)).body);
    expect(theirs).not.toBe(csrf);
    expect((await post({ origin: 'http://app.test' }, { _csrf: theirs, reason: 'OUT_OF_STOCK' })).statusCode).toBe(403);
    // Nothing was queued by any of these.
    const jobs = await app.queues.orderActions.getJobs(['waiting', 'delayed', 'active', 'prioritized']);
    expect(jobs.filter((j) => j.data.orderId === dayOneOrder)).toEqual([]);
  });
});

describe('pages', () => {
  it('shows the shop home: orders to prepare, low stock, and a listing in error with its reason', async () => {
    const { cookie } = await signIn(manager);
    const res = await get('/app/', cookie, { 'accept-encoding': 'gzip' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    const body = text(gunzipSync(res.rawPayload).toString('utf8'));
    expect(body).toContain('HTX Quýt hồng Lai Vung');
    expect(body).toMatch(/Đơn cần chuẩn bị .*RP[0-9A-F]+ Chờ xác nhận/);
    expect(body).toContain('Quýt hồng Lai Vung Còn 3 kg');
    expect(body).toContain('Trà tim sen Lỗi đồng bộ Ảnh sản phẩm không tải được (HTTP 404)');
    // Not connected yet: the one button is there.
    expect(body).toContain('Kết nối gian hàng Postmart');
  });

  it('filters orders by Vietnam calendar day', async () => {
    const { cookie } = await signIn(manager);
    const res = await get('/app/orders?from=2026-03-02&to=2026-03-02', cookie);
    expect(res.body).toContain(`/app/orders/${dayTwoOrder}`);
    expect(res.body).not.toContain(`/app/orders/${dayOneOrder}`);
    const first = await get('/app/orders?from=2026-03-01&to=2026-03-01&status=ready_to_ship', cookie);
    expect(first.body).toContain(`/app/orders/${dayOneOrder}`);
    expect(first.body).not.toContain(`/app/orders/${dayTwoOrder}`);
    expect(text(first.body)).toContain('01/03/2026 23:30');
  });

  it("queues a cancellation with the chosen reason, and shows the API's refusal on the order page", async () => {
    const { cookie } = await signIn(manager);
    const csrf = csrfOf((await get(`/app/orders/${dayOneOrder}`, cookie)).body);
    const post = (id: string) =>
      app.inject({ method: 'POST', url: `/app/orders/${id}/cancel`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrf, reason: 'OUT_OF_STOCK' }) });
    const ok = await post(dayOneOrder);
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/app/orders/${dayOneOrder}?msg=cancel&since=ready_to_ship:none`);
    // Recorded in the outbox with the request's transaction; the relay hands it to the order-actions queue.
    const work = await app.db.select().from(outbox).where(eq(outbox.kind, 'order.action'));
    expect(work.map((w) => w.payload)).toContainEqual(expect.objectContaining({ orderId: dayOneOrder, action: 'cancel', reason: 'OUT_OF_STOCK' }));
    const refused = await post(dayTwoOrder); // delivered: too late
    expect(refused.statusCode).toBe(409);
    expect(text(refused.body)).toMatch(/Xung đột dữ liệu ở trường «status»/);
  });

  it('offers the processed orders for a batch of labels, and says so when none is ticked', async () => {
    const q = (await app.db.select().from(products).where(eq(products.sellerId, sellerId)))[0]!;
    const processed = await order(app.db, { sellerId, placedAt: new Date(), status: 'processed', postOfficeCode: 'PO30226', lines: [{ productId: q.id, qty: 1, unitPriceVnd: 55_000 }] });
    const { cookie } = await signIn(manager);
    const list = await get('/app/orders', cookie);
    expect(list.body).toContain(`<input type="checkbox" name="orderIds" value="${processed}" form="label-batch">`);
    expect(list.body).not.toContain(`value="${dayTwoOrder}" form="label-batch"`); // delivered: nothing to print
    const none = await app.inject({ method: 'POST', url: '/app/labels', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrfOf(list.body) }) });
    expect(none.statusCode).toBe(400);
    expect(text(none.body)).toContain('Chưa chọn đơn nào để in nhãn.');
  });

  it('answers another seller’s product with the API’s not-found, in Vietnamese', async () => {
    const other = await seller(app, 'HTX khác', '30112');
    const theirs = await product(app.db, other.id, { name: 'Sen', category: 'herbal', priceVnd: 1000 });
    const { cookie } = await signIn(manager);
    const res = await get(`/app/products/${theirs.id}`, cookie);
    expect(res.statusCode).toBe(404);
    expect(text(res.body)).toContain('Không tìm thấy sản phẩm');
  });
});
