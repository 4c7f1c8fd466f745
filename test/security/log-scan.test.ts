import { PassThrough } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickupPoints } from '../../db/schema/pickup-points.ts';
import { postmartShops } from '../../db/schema/postmart.ts';
import { bearer } from '../support/http.ts';
import { makeUser, type TestUser } from '../support/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { startWorld, type World } from '../support/world.ts';
import { orderKit } from '../support/order-world.ts';

/**
 * Issue 15's log scan: the API's and the workers' logs (debug level) over a full flow, from logins
 * and a Postmart shop connection through listing, an order, shipping, the counter and collection
 * (with a wrong phone first), must hold no bearer token, password, Postmart token or partner key,
 * and no buyer's full phone number.
 */
const RECIPIENT = '0912345678';
let world: World;
let log = '';
const secrets = new Map<string, string>();

beforeAll(async () => {
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  world = await startWorld({}, { ORDER_POLL_LAG_SECONDS: '3600' }, { logStream: stream });
  const seller = await world.connectSeller();
  const kit = orderKit(world, seller);
  const app = world.app;
  const call = (method: 'GET' | 'POST', url: string, who: { token: string }, payload?: unknown) =>
    app.inject({ method, url, headers: bearer(who), ...(payload === undefined ? {} : { payload: payload as never }) });

  expect((await call('POST', '/v1/pickup-points/sync', world.admin)).statusCode).toBe(200);
  const allDay = [{ open: '00:00', close: '24:00' }];
  await app.db.update(pickupPoints).set({ openingHours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay } });
  const point = async (code: string) => (await app.db.select().from(pickupPoints).where(eq(pickupPoints.code, code)))[0]!;
  const [dropoff, collection] = [await point('PO30226'), await point('PO30037')];
  const dropClerk = await makeUser(app, 'post_office_clerk', { pickupPointId: dropoff.id });
  const pickupClerk = await makeUser(app, 'post_office_clerk', { pickupPointId: collection.id });

  // A wrong password, a user created and its password changed, the queue board's login form.
  await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { phone: world.admin.phone, password: 'sai-mat-khau-roi-nhe' } });
  const created = await call('POST', '/v1/users', world.admin, { phone: '0987654321', name: 'Cán bộ nhật ký', password: 'Nhat-ky-khong-lo-2026', role: 'provincial_staff' });
  await call('POST', `/v1/users/${created.json().id}`, world.admin);
  await app.inject({ method: 'PATCH', url: `/v1/users/${created.json().id}`, headers: bearer(world.admin), payload: { password: 'Mat-khau-doi-lan-hai-2026' } });
  const board = await app.inject({ method: 'POST', url: '/admin/queues/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${encodeURIComponent(world.admin.token)}` });
  const session = /dtpc_queues=([^;]+)/.exec(String(board.headers['set-cookie']))?.[1];
  await app.inject({ url: '/admin/queues/api/queues', headers: { cookie: `dtpc_queues=${session}` } });

  // The order: listed, placed for pickup, confirmed, shipped, handed over, carried, collected.
  const product = await kit.createListed({ stock: 20 });
  const sn = await kit.placeOrder(product.sku, 1, { fulfillment: { mode: 'PICKUP_AT_POST_OFFICE', post_office_code: collection.code }, recipient: { phone: RECIPIENT } });
  const order = (await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved'))!;
  expect((await call('POST', `/v1/orders/${order.id}/confirm`, seller.manager)).statusCode).toBe(202);
  await eventually(() => kit.orderBySn(sn), (o) => o?.status === 'processed');
  await call('GET', `/v1/orders/${order.id}`, world.admin);
  expect((await call('POST', `/v1/orders/${order.id}/ship`, seller.manager, { pickupPointId: dropoff.id })).statusCode).toBe(202);
  await eventually(async () => (await call('GET', `/v1/orders/${order.id}/shipment`, seller.manager)).json(), (s) => s?.state === 'accepted');
  expect((await call('POST', `/v1/orders/${order.id}/handover`, dropClerk, { weightGrams: 1000 })).statusCode).toBe(200);
  for (const type of ['CARRIER_RECEIVED', 'ARRIVED_AT_PICKUP_POINT']) await world.control('POST', `/orders/${sn}/events`, { type });
  await eventually(() => kit.orderBySn(sn), (o) => o?.status === 'ready_for_pickup');
  expect((await call('POST', `/v1/orders/${order.id}/collect`, pickupClerk, { phone: '0912 345 679' })).statusCode).toBe(422);
  expect((await call('POST', `/v1/orders/${order.id}/collect`, pickupClerk, { phone: RECIPIENT, ...(order.codAmountVnd > 0 ? { cashVnd: order.codAmountVnd } : {}) })).statusCode).toBe(200);

  // What must never be logged.
  const [shop] = await app.db.select().from(postmartShops).where(eq(postmartShops.sellerId, seller.sellerId));
  const pm = await app.postmart();
  const accessToken = await pm.tokens.accessToken(shop!.shopId!);
  for (const u of [world.admin, seller.manager, dropClerk, pickupClerk] as TestUser[]) {
    secrets.set(`token of ${u.role}`, u.token);
    secrets.set(`password of ${u.role}`, u.password);
  }
  secrets.set('queue board session', session ?? 'missing-session');
  secrets.set('created password', 'Nhat-ky-khong-lo-2026');
  secrets.set('changed password', 'Mat-khau-doi-lan-hai-2026');
  secrets.set('wrong password', 'sai-mat-khau-roi-nhe');
  secrets.set('partner key', String(world.env.POSTMART_PARTNER_KEY));
  secrets.set('Postmart access token', accessToken);
  for (const form of [RECIPIENT, `+84${RECIPIENT.slice(1)}`, RECIPIENT.slice(1), '0912345679', '912345679']) secrets.set(`buyer phone ${form}`, form);
}, 240_000);
afterAll(() => world?.close());

describe('logs of a full flow', () => {
  it("were captured (the flow logged requests, jobs and the Postmart calls)", () => {
    if (process.env.LOG_SCAN_DUMP) console.log(log);
    expect(log).toContain('"url":"/v1/auth/login"');
    expect(log).toContain('/collect');
    // The webhook route logs only refusals (each delivery is recorded in webhook_events); the
    // deliveries show in the logs as the jobs that process them.
    expect(log).toContain('"queue":"webhooks"');
    expect(log).toContain('/v1/postmart/oauth/callback');
    expect(log).toContain('workers started');
  });

  it('hold no token, password, partner key or full buyer phone number', () => {
    const found = [...secrets].filter(([, value]) => value.length >= 8 && log.includes(value)).map(([what]) => what);
    expect(found).toEqual([]);
    // The OAuth callback's one-time code and state are logged masked.
    expect(log).not.toMatch(/[?&](code|state)=(?!\*\*\*)/);
  });
});
