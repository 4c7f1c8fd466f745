import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/http.ts';
import { makeUser, type TestUser } from '../support/fixtures.ts';
import { reportsApp } from '../support/reports.ts';

/**
 * The counter app over HTTP, without a browser: who gets in, where the others are sent, the admin's
 * choice of office, CSRF, and a package number that is not at the office. Its own database.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let clerk: TestUser;
let admin: TestUser;
let pointId: string;

beforeAll(async () => {
  ({ app, close } = await reportsApp({ PUBLIC_URL: 'http://app.test' }));
  admin = await makeUser(app, 'admin');
  const point = await app.inject({
    method: 'POST',
    url: '/v1/pickup-points',
    headers: bearer(admin),
    payload: { code: 'PO-TEST-1', name: 'Bưu điện văn hóa xã Mỹ Hiệp', kind: 'BUU_DIEN_VAN_HOA_XA', wardCode: '30226', address: 'Ấp 1, xã Mỹ Hiệp', lat: 10.3, lng: 105.8 },
  });
  expect(point.statusCode).toBe(201);
  pointId = point.json().id;
  clerk = await makeUser(app, 'post_office_clerk', { pickupPointId: pointId });
});
afterAll(() => close?.());

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const get = (url: string, cookie: string) => app.inject({ url, headers: { cookie } });
const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)![1]!;
const text = (body: string) => body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

async function signIn(user: TestUser): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/counter/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ phone: user.phone, password: user.password }) });
  expect(res.statusCode).toBe(303);
  expect(String(res.headers['set-cookie'])).toMatch(/^dtpc_counter=[^;]+;.*Path=\/counter/);
  return String(res.headers['set-cookie']).split(';')[0]!;
}

describe('counter sessions and roles', () => {
  it('sends a visitor to the counter’s sign-in, and the clerk to the day at their own office', async () => {
    const visitor = await app.inject({ url: '/counter/cash' });
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe('/counter/login?next=%2Fcounter%2Fcash');
    const cookie = await signIn(clerk);
    const day = await get('/counter/', cookie);
    expect(day.statusCode).toBe(200);
    expect(text(day.body)).toContain('Bưu điện văn hóa xã Mỹ Hiệp');
    expect(text(day.body)).toContain('Không còn bưu gửi nào chờ người bán mang tới.');
  });

  it('has an admin choose the office first, then shows that office’s day', async () => {
    const cookie = await signIn(admin);
    const choose = await get('/counter/', cookie);
    expect(text(choose.body)).toContain('Chọn bưu cục');
    const chosen = await app.inject({ method: 'POST', url: '/counter/point', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrfOf(choose.body), pointId }) });
    expect(chosen.statusCode).toBe(303);
    const pointCookie = String(chosen.headers['set-cookie']).split(';')[0]!;
    const day = await get('/counter/', `${cookie}; ${pointCookie}`);
    expect(text(day.body)).toContain('Bưu điện văn hóa xã Mỹ Hiệp');
  });

  it('sends provincial staff to the dashboard and a clerk who opens the sellers’ app to the counter, without tabs that lead nowhere', async () => {
    const staff = await makeUser(app, 'provincial_staff');
    const staffCookie = await signIn(staff);
    expect((await get('/counter/', staffCookie)).headers.location).toBe('/counter/wrong-role');
    const page = await get('/counter/wrong-role', staffCookie);
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('id="role-home" href="/dashboard/"');
    expect(page.body).not.toContain('class="tabs"');

    const res = await app.inject({ method: 'POST', url: '/app/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ phone: clerk.phone, password: clerk.password }) });
    const appCookie = String(res.headers['set-cookie']).split(';')[0]!;
    const appPage = await get('/app/wrong-role', appCookie);
    expect(appPage.body).toContain('id="role-home" href="/counter/"');
  });

  it('refuses a counter form posted without the session’s token', async () => {
    const cookie = await signIn(clerk);
    const res = await app.inject({ method: 'POST', url: '/counter/cash/close', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ date: '2026-11-30' }) });
    expect(res.statusCode).toBe(403);
    expect(text(res.body)).toContain('Yêu cầu bị từ chối');
  });

  it('says a package number is not at this office, keeping what was typed in the search box', async () => {
    const cookie = await signIn(clerk);
    const res = await get('/counter/find?code=ep%20000%20000%20000vn', cookie);
    expect(res.statusCode).toBe(404);
    expect(text(res.body)).toContain('Không có bưu gửi mã EP000000000VN tại bưu cục này.');
    expect(res.body).toContain('value="EP000000000VN"');
  });
});
