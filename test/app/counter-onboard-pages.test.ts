import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gif, jpeg } from '../catalog/image-fixtures.ts';
import { buildTestApp } from '../support/app.ts';
import { makePickupPoint, makeUser, productBody, uniquePhone, type TestUser } from '../support/fixtures.ts';
import { bearer } from '../support/http.ts';

/**
 * The counter's onboarding pages over HTTP, without a browser: what a weak network does to them
 * (the same step sent twice, a photo that fails after the farmer is saved), the API's refusals put
 * back on the step and field they name, and another office's authorization kept out of sight.
 */
let app: FastifyInstance;
let dir: string;
let clerk: TestUser;
let otherClerk: TestUser;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dtpc-onboard-pages-'));
  app = await buildTestApp({ MEDIA_DIR: dir, PUBLIC_URL: 'http://counter.test' });
  const [office, other] = await Promise.all([makePickupPoint(app, { wardCode: '30226' }), makePickupPoint(app)]);
  [clerk, otherClerk] = await Promise.all([makeUser(app, 'post_office_clerk', { pickupPointId: office }), makeUser(app, 'post_office_clerk', { pickupPointId: other })]);
});
afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

const text = (body: string) => body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)![1]!;

async function signIn(user: TestUser): Promise<{ cookie: string; csrf: string }> {
  const res = await app.inject({ method: 'POST', url: '/counter/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ phone: user.phone, password: user.password }).toString() });
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  const page = await app.inject({ url: '/counter/farmers/new', headers: { cookie } });
  return { cookie, csrf: csrfOf(page.body) };
}

/** A multipart form as a browser sends it: fields (repeated names allowed) and an optional file. */
function multipartForm(fields: [string, string][], file?: { name: string; type: string; data: Buffer }) {
  const b = `----dtpc${randomInt(1e9)}`;
  const parts: Buffer[] = fields.map(([k, v]) => Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${file.name}"; filename="giay.jpg"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${b}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${b}` };
}

const future = (days: number) => new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

/** Step 2 as the clerk sends it, with step 1's answers riding along. */
function step2(s: { cookie: string; csrf: string }, farmer: { name: string; phone: string }, over: Record<string, string> = {}, file?: { type: string; data: Buffer }) {
  const fields: [string, string][] = [
    ['_csrf', s.csrf], ['step', '2'], ['name', farmer.name], ['phone', farmer.phone], ['wardCode', '30226'], ['address', 'Ấp 4'],
    ['scopes', 'catalog'], ['scopes', 'orders'], ['validFrom', future(0)], ['validUntil', future(365)], ['documentNumber', `UQ-${farmer.phone}`], ['farmerPresent', 'true'],
  ];
  const body = multipartForm(fields.map(([k, v]) => [k, over[k] ?? v] as [string, string]), file && { name: 'scan', ...file });
  return app.inject({ method: 'POST', url: '/counter/farmers/new', headers: { cookie: s.cookie, 'content-type': body.contentType }, payload: body.payload });
}
const authorizationsOf = async (phone: string) =>
  ((await app.inject({ url: '/v1/authorizations', headers: bearer(clerk) })).json().items as { id: string; sellerId: string; documentNumber: string; scanUrl: string | null; scopes: string[] }[]).filter((a) => a.documentNumber === `UQ-${phone}`);

describe('counter onboarding pages', () => {
  it('registers the farmer once when step 2 arrives twice (a retry on a weak signal)', async () => {
    const s = await signIn(clerk);
    const farmer = { name: 'Lê Văn Tư', phone: uniquePhone() };
    const first = await step2(s, farmer);
    expect(first.statusCode).toBe(303);
    const second = await step2(s, farmer);
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    const saved = await authorizationsOf(farmer.phone);
    expect(saved).toHaveLength(1);
    expect(saved[0]!.scopes).toEqual(['catalog', 'orders']);
    expect(first.headers.location).toBe(`/counter/farmers/${saved[0]!.sellerId}/products/new?ward=30226&msg=onboarded`);
  });

  it('keeps the farmer when the photo of the paper is refused, and takes it again from there on to step 3', async () => {
    const s = await signIn(clerk);
    const farmer = { name: 'Trần Thị Năm', phone: uniquePhone() };
    const refused = await step2(s, farmer, {}, { type: 'image/gif', data: await gif() });
    expect(refused.statusCode).toBe(400);
    expect(text(refused.body)).toContain('Đã lưu nông dân và giấy ủy quyền');
    expect(text(refused.body)).toMatch(/Ảnh giấy ủy quyền chưa lưu được: Trường «scan»: kiểu image\/gif không được nhận/);
    const [saved] = await authorizationsOf(farmer.phone);
    expect(saved!.scanUrl).toBeNull();
    expect(refused.body).toContain(`href="/counter/farmers/${saved!.sellerId}/products/new?ward=30226"`);

    const body = multipartForm([['_csrf', s.csrf], ['flow', '30226']], { name: 'scan', type: 'image/jpeg', data: await jpeg(800, 1100) });
    const retried = await app.inject({ method: 'POST', url: `/counter/authorizations/${saved!.id}/scan`, headers: { cookie: s.cookie, 'content-type': body.contentType }, payload: body.payload });
    expect(retried.statusCode).toBe(303);
    expect(retried.headers.location).toBe(`/counter/farmers/${saved!.sellerId}/products/new?ward=30226&msg=scan_saved`);
    expect((await authorizationsOf(farmer.phone))[0]!.scanUrl).toBe(`/v1/authorizations/${saved!.id}/scan`);
    const scan = await app.inject({ url: `/counter/authorizations/${saved!.id}/scan`, headers: { cookie: s.cookie } });
    expect(scan.statusCode).toBe(200);
    expect(scan.headers['content-type']).toBe('image/jpeg');
    expect(scan.headers['cache-control']).toBe('private, no-store');
  });

  it('puts the API’s refusal back on the step and the field it names, with what was typed kept', async () => {
    const s = await signIn(clerk);
    const farmer = { name: 'Phạm Văn Sáu', phone: uniquePhone() };
    const past = await step2(s, farmer, { validUntil: '2020-01-01' });
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain('Bước 2/3');
    expect(past.body).toMatch(/id="f-validUntil"[^>]*aria-invalid="true"/);
    expect(past.body).toContain(`value="UQ-${farmer.phone}"`);
    expect(past.body).toMatch(/value="orders" checked/);
    expect(past.body).not.toMatch(/value="shipping" checked/);

    const badPhone = await step2(s, { ...farmer, phone: '0000' });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.body).toContain('Bước 1/3');
    expect(badPhone.body).toMatch(/id="f-phone"[^>]*aria-invalid="true"/);
    expect(badPhone.body).toContain(`value="${farmer.name}"`);
    expect(await authorizationsOf(farmer.phone)).toEqual([]);
  });

  it('shows an authorization and its scan only to the clerks of its office', async () => {
    const s = await signIn(clerk);
    const farmer = { name: 'Võ Thị Bảy', phone: uniquePhone() };
    await step2(s, farmer, {}, { type: 'image/jpeg', data: await jpeg() });
    const [saved] = await authorizationsOf(farmer.phone);
    const own = await app.inject({ url: `/counter/authorizations/${saved!.id}`, headers: { cookie: s.cookie } });
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain(`src="/counter/authorizations/${saved!.id}/scan"`);
    const stranger = await signIn(otherClerk);
    expect((await app.inject({ url: `/counter/authorizations/${saved!.id}`, headers: { cookie: stranger.cookie } })).statusCode).toBe(404);
    expect((await app.inject({ url: `/counter/authorizations/${saved!.id}/scan`, headers: { cookie: stranger.cookie } })).statusCode).toBe(404);
    expect((await app.inject({ url: `/counter/farmers/${saved!.sellerId}/products/new`, headers: { cookie: stranger.cookie } })).statusCode).toBe(404);
  });

  it('revokes an authorization from its page with a reason: the farmer then leaves the counter, and a second revoke or a stranger is refused', async () => {
    const s = await signIn(clerk);
    const farmer = { name: 'Đỗ Văn Mười', phone: uniquePhone() };
    await step2(s, farmer);
    const [saved] = await authorizationsOf(farmer.phone);
    const url = `/counter/authorizations/${saved!.id}`;
    const revoke = (who: { cookie: string; csrf: string }, reason: string) =>
      app.inject({ method: 'POST', url: `${url}/revoke`, headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: who.csrf, reason }).toString() });
    expect((await app.inject({ url, headers: { cookie: s.cookie } })).body).toContain('id="revoke-form"');
    // A product the clerk made for the farmer while the paper was live.
    const made = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(clerk), payload: productBody({ sellerId: saved!.sellerId }) });
    expect(made.statusCode, made.body).toBe(201);
    const product = made.json() as { id: string };
    expect((await app.inject({ url: `/v1/products/${product.id}`, headers: bearer(clerk) })).statusCode).toBe(200);

    // No reason: the form comes back open, the reason named next to its field, nothing revoked.
    const blank = await revoke(s, ' ');
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toMatch(/<details class="cancel revoke" open>/);
    expect(blank.body).toMatch(/id="f-reason"[^>]*aria-invalid="true"/);
    expect((await authorizationsOf(farmer.phone))[0]).toMatchObject({ id: saved!.id });
    expect((await app.inject({ url: `/v1/authorizations/${saved!.id}`, headers: bearer(clerk) })).json().revokedAt).toBeNull();

    const stranger = await signIn(otherClerk);
    expect((await revoke(stranger, 'không phải bưu cục của tôi')).statusCode).toBe(404);

    const done = await revoke(s, 'Người bán tự quản lý gian hàng');
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`${url}?msg=authorization_revoked`);
    const page = await app.inject({ url: done.headers.location!, headers: { cookie: s.cookie } });
    expect(text(page.body)).toContain('Đã thu hồi giấy ủy quyền');
    expect(text(page.body)).toContain('Người bán tự quản lý gian hàng');
    expect(page.body).not.toContain('id="revoke-form"');
    expect((await app.inject({ url: `/v1/authorizations/${saved!.id}`, headers: bearer(clerk) })).json()).toMatchObject({ live: false, revokeReason: 'Người bán tự quản lý gian hàng' });
    // The farmer's catalog is out of the clerk's reach at once: the page says so, and the API refuses.
    const step3 = await app.inject({ url: `/counter/farmers/${saved!.sellerId}/products/new`, headers: { cookie: s.cookie } });
    expect(text(step3.body)).toContain('Chưa có giấy ủy quyền «Sản phẩm» còn hiệu lực cho nông dân này tại bưu cục');
    expect((await app.inject({ url: `/v1/products/${product.id}`, headers: bearer(clerk) })).statusCode).toBe(404);
    // Sent again (a reload of the form): refused, shown on the page, still revoked once.
    const again = await revoke(s, 'Người bán tự quản lý gian hàng');
    expect(again.statusCode).toBe(409);
    expect(text(again.body)).toContain('giấy ủy quyền đã bị thu hồi');
  });

  it("shows the farmer's Postmart shop as not connected, with the connect button only under «Sản phẩm», on step 3 and the farmer's page", async () => {
    const s = await signIn(clerk);
    const farmer = { name: 'Phan Văn Tám', phone: uniquePhone() };
    await step2(s, farmer);
    const [saved] = await authorizationsOf(farmer.phone);
    for (const url of [`/counter/farmers/${saved!.sellerId}/products/new?ward=30226`, `/counter/authorizations/${saved!.id}`]) {
      const page = await app.inject({ url, headers: { cookie: s.cookie } });
      expect(page.statusCode, url).toBe(200);
      expect(text(page.body), url).toContain('Chưa kết nối gian hàng Postmart — sản phẩm chưa lên sàn');
      expect(page.body, url).toContain(`action="/counter/farmers/${saved!.sellerId}/connect"`);
      // The button brings the clerk back to this very page.
      expect(page.body, url).toContain(`name="back" value="${url.replace('&', '&amp;')}"`);
    }
    // Orders only: the state, but no button, and the reason.
    const ordersOnly = { name: 'Phan Thị Chín', phone: uniquePhone() };
    const body = multipartForm([['_csrf', s.csrf], ['step', '2'], ['name', ordersOnly.name], ['phone', ordersOnly.phone], ['wardCode', '30226'], ['address', 'Ấp 4'], ['scopes', 'orders'], ['validFrom', future(0)], ['validUntil', future(365)], ['documentNumber', `UQ-${ordersOnly.phone}`], ['farmerPresent', 'true']]);
    expect((await app.inject({ method: 'POST', url: '/counter/farmers/new', headers: { cookie: s.cookie, 'content-type': body.contentType }, payload: body.payload })).statusCode).toBe(303);
    const [other] = await authorizationsOf(ordersOnly.phone);
    const page = await app.inject({ url: `/counter/authorizations/${other!.id}`, headers: { cookie: s.cookie } });
    expect(text(page.body)).toContain('Chưa kết nối gian hàng Postmart — sản phẩm chưa lên sàn');
    expect(text(page.body)).toContain('Cần giấy ủy quyền «Sản phẩm» còn hiệu lực');
    expect(page.body).not.toContain('/connect"');
  });
});
