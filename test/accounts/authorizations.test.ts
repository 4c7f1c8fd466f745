import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema/audit-log.ts';
import { authorizations } from '../../db/schema/counter.ts';
import { pickupPoints, shipments } from '../../db/schema/pickup-points.ts';
import { buildTestApp } from '../support/app.ts';
import { bearer, errorOf } from '../support/http.ts';
import { makePickupPoint, makeSeller, makeUser, productBody, type TestUser } from '../support/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import type { World } from '../support/world.ts';
import { startOrderWorld, type OrderKit, type Seller } from '../support/order-world.ts';

type Scope = 'catalog' | 'orders' | 'shipping';
const ALL: Scope[] = ['catalog', 'orders', 'shipping'];

let world: World;
let seller: Seller;
let kit: OrderKit;
let offices: (typeof pickupPoints.$inferSelect)[];
let orderable: { sku: string };
const DAY = 86_400_000;

beforeAll(async () => {
  ({ world, seller, kit } = await startOrderWorld());
  expect((await world.app.inject({ method: 'POST', url: '/v1/pickup-points/sync', headers: bearer(world.admin) })).statusCode).toBe(200);
  // Offices that none of the test's orders pass through (buyers get home delivery), so a clerk sees
  // the seller's objects only through an authorization. Each test uses offices of its own (tests run
  // shuffled): 0 ship target, 1–3 matrix, 4–5 other office, 6–7 expiry and revocation, 8 audit,
  // 9–10 recording, 11 onboarding.
  offices = await world.app.db.select().from(pickupPoints).where(eq(pickupPoints.active, true)).orderBy(pickupPoints.code).limit(12);
  expect(offices.length).toBe(12);
  orderable = await kit.createListed({ stock: 500 });
});
afterAll(() => world?.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, who: { token: string }, payload?: unknown, headers: Record<string, string> = {}, app?: FastifyInstance) =>
  (app ?? world.app).inject({ method, url, headers: { ...bearer(who), 'accept-language': 'en', ...headers }, ...(payload === undefined ? {} : { payload: payload as never }) });

async function authorize(pointId: string, scopes: Scope[], by: TestUser = world.admin) {
  const res = await call('POST', '/v1/authorizations', by, {
    sellerId: seller.sellerId,
    pickupPointId: pointId,
    scopes,
    validFrom: new Date(Date.now() - DAY).toISOString(),
    validUntil: new Date(Date.now() + 30 * DAY).toISOString(),
    documentNumber: `UQ-${pointId.slice(-6)}`,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; live: boolean };
}

/** A fresh order of the seller waiting for confirmation, delivered to the buyer's home. */
async function readyToShip() {
  const sn = await kit.placeOrder(orderable.sku, 1, { fulfillment: { mode: 'HOME_DELIVERY' } });
  return (await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved'))!;
}

/** The seller's objects one case works on, made by the admin. */
async function fixtures() {
  const product = (await call('POST', '/v1/products', world.admin, productBody({ sellerId: seller.sellerId }))).json() as { id: string };
  const archivable = (await call('POST', '/v1/products', world.admin, productBody({ sellerId: seller.sellerId }))).json() as { id: string };
  return { product, archivable, order: await readyToShip() };
}
type Fixtures = Awaited<ReturnType<typeof fixtures>>;
const version = async (id: string) => String((await call('GET', `/v1/products/${id}`, world.admin)).json().version);

/**
 * Every route that touches a seller's objects, with what each scope allows, by hand:
 * `allow`: the scopes under which the clerk may do it; `visible`: the scopes under which the object
 * is visible at all (so a forbidden action on it is 403, not 404). Collections have no object: a
 * clerk whom no live authorization allows them gets 403.
 */
type Route = { name: string; kind: 'object' | 'collection'; allow: Scope[]; visible: Scope[]; ok: number[]; run: (who: TestUser, f: Fixtures) => Promise<{ statusCode: number; json: () => any }> };
const SELLER_VISIBLE = ALL;
const ROUTES: Route[] = [
  { name: 'GET /v1/sellers', kind: 'collection', allow: ALL, visible: ALL, ok: [200], run: (u) => call('GET', '/v1/sellers', u) },
  { name: 'GET /v1/sellers/:id', kind: 'object', allow: ALL, visible: SELLER_VISIBLE, ok: [200], run: (u) => call('GET', `/v1/sellers/${seller.sellerId}`, u) },
  { name: 'PATCH /v1/sellers/:id', kind: 'object', allow: [], visible: SELLER_VISIBLE, ok: [], run: (u) => call('PATCH', `/v1/sellers/${seller.sellerId}`, u, { address: 'Ấp 2' }) },
  { name: 'GET /v1/sellers/:id/postmart', kind: 'object', allow: ALL, visible: SELLER_VISIBLE, ok: [200], run: (u) => call('GET', `/v1/sellers/${seller.sellerId}/postmart`, u) },
  // The farmer's Postmart shop is where the catalog is listed: `catalog` connects it (access.ts MANDATE_SCOPES).
  { name: 'POST /v1/sellers/:id/postmart/connect', kind: 'object', allow: ['catalog'], visible: SELLER_VISIBLE, ok: [200], run: (u) => call('POST', `/v1/sellers/${seller.sellerId}/postmart/connect`, u, {}) },
  { name: 'GET /v1/products', kind: 'collection', allow: ['catalog'], visible: ['catalog'], ok: [200], run: (u) => call('GET', '/v1/products?limit=100', u) },
  { name: 'GET /v1/products/:id', kind: 'object', allow: ['catalog'], visible: ['catalog'], ok: [200], run: (u, f) => call('GET', `/v1/products/${f.product.id}`, u) },
  { name: 'POST /v1/products', kind: 'collection', allow: ['catalog'], visible: ['catalog'], ok: [201], run: (u) => call('POST', '/v1/products', u, productBody({ sellerId: seller.sellerId })) },
  { name: 'POST /v1/products/import', kind: 'collection', allow: ['catalog'], visible: ['catalog'], ok: [200], run: (u) => call('POST', `/v1/products/import?sellerId=${seller.sellerId}`, u, `sku,name,category,unit,priceVnd,weightGrams,originWardCode\nIMP-${Date.now()},Bưởi da xanh,fruit,kg,40000,1200,30112\n`, { 'content-type': 'text/csv' }) },
  { name: 'PATCH /v1/products/:id', kind: 'object', allow: ['catalog'], visible: ['catalog'], ok: [200], run: async (u, f) => call('PATCH', `/v1/products/${f.product.id}`, u, { priceVnd: 70_000 }, { 'if-match': await version(f.product.id) }) },
  { name: 'POST /v1/products/:id/stock', kind: 'object', allow: ['catalog'], visible: ['catalog'], ok: [200], run: (u, f) => call('POST', `/v1/products/${f.product.id}/stock`, u, { delta: 5, reason: 'Thu hoạch thêm' }) },
  { name: 'GET /v1/products/:id/stock-movements', kind: 'object', allow: ['catalog'], visible: ['catalog'], ok: [200], run: (u, f) => call('GET', `/v1/products/${f.product.id}/stock-movements`, u) },
  { name: 'GET /v1/products/:id/listing', kind: 'object', allow: ['catalog'], visible: ['catalog'], ok: [200], run: (u, f) => call('GET', `/v1/products/${f.product.id}/listing`, u) },
  { name: 'POST /v1/products/:id/listing/resync', kind: 'object', allow: ['catalog'], visible: ['catalog'], ok: [200, 202], run: (u, f) => call('POST', `/v1/products/${f.product.id}/listing/resync`, u) },
  // The product is a draft, never listed: removing its listing is allowed and finds nothing to remove (or refuses by state), never 403/404.
  { name: 'DELETE /v1/products/:id/listing', kind: 'object', allow: ['catalog'], visible: ['catalog'], ok: [200, 202, 204, 409], run: (u, f) => call('DELETE', `/v1/products/${f.archivable.id}/listing`, u) },
  { name: 'DELETE /v1/products/:id', kind: 'object', allow: ['catalog'], visible: ['catalog'], ok: [200], run: async (u, f) => call('DELETE', `/v1/products/${f.archivable.id}`, u, undefined, { 'if-match': await version(f.archivable.id) }) },
  { name: 'GET /v1/orders', kind: 'collection', allow: ['orders', 'shipping'], visible: ['orders', 'shipping'], ok: [200], run: (u) => call('GET', '/v1/orders?limit=100', u) },
  { name: 'GET /v1/orders/:id', kind: 'object', allow: ['orders', 'shipping'], visible: ['orders', 'shipping'], ok: [200], run: (u, f) => call('GET', `/v1/orders/${f.order.id}`, u) },
  { name: 'GET /v1/orders/:id/pickup-suggestions', kind: 'object', allow: ['orders', 'shipping'], visible: ['orders', 'shipping'], ok: [200], run: (u, f) => call('GET', `/v1/orders/${f.order.id}/pickup-suggestions`, u) },
  { name: 'GET /v1/orders/:id/shipment', kind: 'object', allow: ['orders', 'shipping'], visible: ['orders', 'shipping'], ok: [404], run: (u, f) => call('GET', `/v1/orders/${f.order.id}/shipment`, u) },
  // Ship needs a processed order: an allowed clerk gets past the check to the status rule (409).
  { name: 'POST /v1/orders/:id/ship', kind: 'object', allow: ['shipping'], visible: ['orders', 'shipping'], ok: [409], run: (u, f) => call('POST', `/v1/orders/${f.order.id}/ship`, u, { pickupPointId: offices[0]!.id }) },
  { name: 'POST /v1/orders/:id/buyer-cancellation', kind: 'object', allow: ['orders'], visible: ['orders', 'shipping'], ok: [409], run: (u, f) => call('POST', `/v1/orders/${f.order.id}/buyer-cancellation`, u, { accept: true }) },
  { name: 'POST /v1/orders/:id/confirm', kind: 'object', allow: ['orders'], visible: ['orders', 'shipping'], ok: [202], run: (u, f) => call('POST', `/v1/orders/${f.order.id}/confirm`, u) },
];

/** A "not shipped" shipment read answers 404 NOT_FOUND naming the shipment, not the order: tell them apart. */
const invisible = (res: { statusCode: number; json: () => any }) => res.statusCode === 404 && !/shipment/i.test(res.json().error?.message ?? '');

async function expectMatrix(who: TestUser, live: Scope[] | null) {
  const f = await fixtures();
  for (const r of ROUTES) {
    const res = await r.run(who, f);
    const label = `${r.name} under ${live ? live.join('+') || 'none' : 'no live authorization'}`;
    const scopes = live ?? [];
    if (r.allow.some((s) => scopes.includes(s))) {
      expect(r.ok, `${label}: ${res.statusCode}`).toContain(res.statusCode);
      expect(invisible(res), label).toBe(false);
    } else if (r.kind === 'collection') {
      // Another live scope may still allow listing sellers; what this route lists is not allowed.
      expect(res.statusCode, label).toBe(403);
    } else if (r.visible.some((s) => scopes.includes(s))) {
      expect(res.statusCode, label).toBe(403);
    } else {
      expect(invisible(res), `${label}: ${res.statusCode}`).toBe(true);
    }
  }
  return f;
}

describe('acting for a seller under an authorization (ủy quyền)', () => {
  it('lets the clerks of the office do exactly what each scope allows, on every route that touches the seller’s objects, and only for that seller', async () => {
    const cases: [Scope[], number][] = [[['catalog'], 1], [['orders'], 2], [['shipping'], 3]];
    for (const [scopes, i] of cases) {
      await authorize(offices[i]!.id, scopes);
      const clerk = await makeUser(world.app, 'post_office_clerk', { pickupPointId: offices[i]!.id });
      await expectMatrix(clerk, scopes);
      // Lists under an authorization show that seller's objects only.
      if (scopes.includes('catalog')) {
        const other = await makeSeller(world.app);
        await call('POST', '/v1/products', world.admin, productBody({ sellerId: other.id }));
        expect((await call('GET', '/v1/products?limit=100', clerk)).json().items.every((p: { sellerId: string }) => p.sellerId === seller.sellerId)).toBe(true);
        expect((await call('GET', `/v1/sellers/${other.id}`, clerk)).statusCode).toBe(404);
        expect((await call('POST', '/v1/products', clerk, productBody({ sellerId: other.id }))).statusCode).toBe(404);
      } else {
        expect((await call('GET', '/v1/orders?limit=100', clerk)).json().items.every((o: { sellerId: string }) => o.sellerId === seller.sellerId)).toBe(true);
      }
      expect((await call('GET', '/v1/sellers', clerk)).json().items.map((s: { id: string }) => s.id)).toEqual([seller.sellerId]);
      // Reports stay closed to clerks whatever the authorization.
      expect((await call('GET', '/v1/reports/overview', clerk)).statusCode).toBe(403);
    }
  });

  it('gives nothing to the clerks of another office', async () => {
    await authorize(offices[4]!.id, ALL);
    await expectMatrix(await makeUser(world.app, 'post_office_clerk', { pickupPointId: offices[5]!.id }), null);
  });

  it('hides the seller’s objects (404) the moment an authorization expires, and the moment it is revoked, on every replica', async () => {
    const expiring = await authorize(offices[6]!.id, ALL);
    const clerk = await makeUser(world.app, 'post_office_clerk', { pickupPointId: offices[6]!.id });
    const f = await fixtures();
    expect((await call('GET', `/v1/products/${f.product.id}`, clerk)).statusCode).toBe(200);
    // Time passes: the paper's validity ends (moved into the past rather than waited for).
    await world.app.db.update(authorizations).set({ validFrom: sql`now() - interval '2 days'`, validUntil: sql`now() - interval '1 second'` }).where(eq(authorizations.id, expiring.id));
    await expectMatrix(clerk, null);
    expect((await call('GET', `/v1/authorizations/${expiring.id}`, clerk)).json()).toMatchObject({ live: false });

    const revoked = await authorize(offices[7]!.id, ALL);
    const clerk2 = await makeUser(world.app, 'post_office_clerk', { pickupPointId: offices[7]!.id });
    const replica = await buildTestApp(world.env);
    try {
      // Both replicas have served the clerk (and cached the account) before the revocation.
      for (const app of [world.app, replica]) expect((await call('GET', `/v1/products/${f.product.id}`, clerk2, undefined, {}, app)).statusCode).toBe(200);
      const res = await call('POST', `/v1/authorizations/${revoked.id}/revoke`, seller.manager, { reason: 'Hộ đã tự bán được' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ live: false, revokedBy: seller.manager.id, revokeReason: 'Hộ đã tự bán được' });
      for (const app of [replica, world.app]) expect((await call('GET', `/v1/products/${f.product.id}`, clerk2, undefined, {}, app)).statusCode).toBe(404);
    } finally {
      await replica.close();
    }
    await expectMatrix(clerk2, null);
    expect(errorOf(await call('POST', `/v1/authorizations/${revoked.id}/revoke`, world.admin, { reason: 'again' })).code).toBe('CONFLICT');
  });

  it('audits every action as clerk X for seller Y under authorization Z, in the product’s and the order’s history, and what the clerk lists reaches Postmart', async () => {
    const office = offices[8]!;
    const a = await authorize(office.id, ALL);
    const clerk = await makeUser(world.app, 'post_office_clerk', { pickupPointId: office.id });
    const created = await call('POST', '/v1/products', clerk, productBody({ sellerId: seller.sellerId, status: 'active', images: ['https://example.org/p.jpg'] }));
    expect(created.statusCode).toBe(201);
    const product = created.json();
    const [audit] = await world.app.db.select().from(auditLog).where(and(eq(auditLog.entityType, 'product'), eq(auditLog.entityId, product.id), eq(auditLog.action, 'product.create')));
    expect(audit).toMatchObject({ actorUserId: clerk.id, authorizationId: a.id, onBehalfOfSellerId: seller.sellerId });
    const history = (await call('GET', `/v1/products/${product.id}/history`, seller.manager)).json().items;
    expect(history[0]).toMatchObject({ action: 'product.create', actorUserId: clerk.id, authorizationId: a.id, onBehalfOfSellerId: seller.sellerId });
    await eventually(
      async () => (await world.control<{ products: { skus: { seller_sku: string }[] }[] }>('GET', `/shops/${seller.shopId}/products`)).products,
      (ps) => ps.some((p) => p.skus.some((s) => s.seller_sku === product.sku)),
    );

    const order = await readyToShip();
    expect((await call('POST', `/v1/orders/${order.id}/confirm`, clerk)).statusCode).toBe(202);
    const events = (await call('GET', `/v1/orders/${order.id}`, seller.manager)).json().events;
    expect(events.find((e: { authorizationId: string | null }) => e.authorizationId === a.id)).toMatchObject({
      actorUserId: clerk.id,
      note: expect.stringMatching(new RegExp(`confirm requested \\(clerk .+ \\[${clerk.id}\\] for seller ${seller.sellerId} under authorization ${a.id}\\)`)),
    });
    await eventually(() => kit.orderBySn(order.orderSn), (o) => o?.status === 'processed');
    const ship = await call('POST', `/v1/orders/${order.id}/ship`, clerk, { pickupPointId: office.id });
    expect(ship.statusCode).toBe(202);
    await eventually(async () => (await world.app.db.select().from(shipments).where(eq(shipments.orderId, order.id)))[0], (s) => s?.state === 'accepted');
    const shipEvent = (await kit.eventsOf(order.id)).find((e) => /drop-off booked/.test(e.note ?? ''))!;
    expect(shipEvent).toMatchObject({ actorUserId: clerk.id, authorizationId: a.id, note: expect.stringMatching(`for seller ${seller.sellerId} under authorization ${a.id}`) });
  });

  it('is recorded by an admin, or by a clerk of the office for a household farmer at the counter; the seller’s manager sees and revokes it', async () => {
    const office = offices[9]!;
    const clerk = await makeUser(world.app, 'post_office_clerk', { pickupPointId: office.id });
    const household = await call('POST', '/v1/sellers', world.admin, { kind: 'household', name: 'Hộ ông Năm Sen', phone: '0918123456', wardCode: '30226', address: 'Ấp Tân Lập' });
    expect(household.statusCode).toBe(201);
    const body = (over: Record<string, unknown> = {}) => ({
      sellerId: household.json().id,
      pickupPointId: office.id,
      scopes: ['catalog'],
      validFrom: new Date().toISOString(),
      validUntil: new Date(Date.now() + 365 * DAY).toISOString(),
      documentNumber: 'UQ-2026-0042',
      farmerPresent: true,
      ...over,
    });
    const made = await call('POST', '/v1/authorizations', clerk, body());
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ farmerPresent: true, createdBy: clerk.id, live: true, scanUrl: null });
    expect(errorOf(await call('POST', '/v1/authorizations', clerk, body({ farmerPresent: false }))).field).toBe('farmerPresent');
    expect(errorOf(await call('POST', '/v1/authorizations', clerk, body({ sellerId: seller.sellerId }))).field).toBe('sellerId'); // a cooperative
    expect((await call('POST', '/v1/authorizations', clerk, body({ pickupPointId: offices[10]!.id }))).statusCode).toBe(404);
    expect((await call('POST', '/v1/authorizations', seller.manager, body())).statusCode).toBe(403);
    expect((await call('POST', '/v1/authorizations', world.admin, body({ validUntil: new Date(Date.now() - DAY).toISOString() }))).statusCode).toBe(400);

    // The seller's manager sees the seller's authorizations, and no one else's.
    await authorize(office.id, ['orders']);
    const mine = (await call('GET', '/v1/authorizations', seller.manager)).json().items;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((x: { sellerId: string }) => x.sellerId === seller.sellerId)).toBe(true);
    expect((await call('GET', `/v1/authorizations/${made.json().id}`, seller.manager)).statusCode).toBe(404);
    const otherClerk = await makeUser(world.app, 'post_office_clerk', { pickupPointId: offices[10]!.id });
    expect((await call('GET', `/v1/authorizations/${made.json().id}`, otherClerk)).statusCode).toBe(404);
    expect((await call('GET', '/v1/authorizations', clerk)).json().items.every((x: { pickupPointId: string }) => x.pickupPointId === office.id)).toBe(true);
    const householdManager = await makeUser(world.app, 'seller_manager', { sellerId: household.json().id });
    expect((await call('POST', `/v1/authorizations/${made.json().id}/revoke`, householdManager, { reason: 'Tự quản lý' })).statusCode).toBe(200);
    expect((await call('GET', '/v1/authorizations?live=true', clerk)).json().items.map((x: { id: string }) => x.id)).not.toContain(made.json().id);
  });

  it('registers a household farmer at the counter with their authorization in one step (công dân không viết), then lists a product for them', async () => {
    const office = offices[11]!;
    const clerk = await makeUser(world.app, 'post_office_clerk', { pickupPointId: office.id });
    const body = (over: Record<string, unknown> = {}) => ({
      name: 'Lê Văn Sáu',
      phone: '0917 654 321',
      wardCode: '30226',
      address: 'Ấp Long Thắng',
      authorization: { scopes: ['catalog'], validUntil: new Date(Date.now() + 365 * DAY).toISOString(), documentNumber: 'UQ-2026-0107' },
      ...over,
    });
    const res = await call('POST', '/v1/counter/farmers', clerk, body());
    expect(res.statusCode, res.body).toBe(201);
    const { seller: farmer, authorization } = res.json();
    expect(farmer).toMatchObject({ kind: 'household', name: 'Lê Văn Sáu', phone: '0917654321', wardCode: '30226' });
    expect(authorization).toMatchObject({ sellerId: farmer.id, pickupPointId: office.id, scopes: ['catalog'], farmerPresent: true });
    expect((await call('GET', `/v1/authorizations/${authorization.id}`, clerk)).json()).toMatchObject({ live: true, createdBy: clerk.id });

    const product = await call('POST', '/v1/products', clerk, productBody({ sellerId: farmer.id, name: 'Sen Tháp Mười tươi' }));
    expect(product.statusCode).toBe(201);
    const history = (await call('GET', `/v1/products/${product.json().id}/history`, clerk)).json().items;
    expect(history[0]).toMatchObject({ actorUserId: clerk.id, authorizationId: authorization.id, onBehalfOfSellerId: farmer.id, summary: expect.stringContaining(`under authorization ${authorization.id}`) });

    // Only for one's own office; not for managers or staff; nothing half-made on a refusal.
    expect((await call('POST', '/v1/counter/farmers', clerk, body({ pickupPointId: offices[10]!.id }))).statusCode).toBe(404);
    expect((await call('POST', '/v1/counter/farmers', seller.manager, body())).statusCode).toBe(403);
    expect((await call('POST', '/v1/counter/farmers', await makeUser(world.app, 'provincial_staff'), body())).statusCode).toBe(403);
    const bad = await call('POST', '/v1/counter/farmers', clerk, body({ name: 'Hộ không hợp lệ', wardCode: '99999' }));
    expect(bad.statusCode).toBe(400);
    expect((await call('GET', '/v1/sellers?limit=100', world.admin)).json().items.some((x: { name: string }) => x.name === 'Hộ không hợp lệ')).toBe(false);
  });

  it('reports the assisted sellers per authorized post office and per commune, JSON and CSV', async () => {
    const pointId = await makePickupPoint(world.app);
    const code = (await world.app.db.select().from(pickupPoints).where(eq(pickupPoints.id, pointId)))[0]!.code;
    const clerk = await makeUser(world.app, 'post_office_clerk', { pickupPointId: pointId });
    const onboard = async (name: string, wardCode: string) =>
      (await call('POST', '/v1/counter/farmers', clerk, { name, phone: '0916 000 111', wardCode, address: 'Ấp 3', authorization: { scopes: ['catalog'], validUntil: new Date(Date.now() + 90 * DAY).toISOString(), documentNumber: 'UQ-R' } })).json();
    const first = await onboard('Hộ bà Bảy', '30226');
    await onboard('Hộ ông Tám', '30112');
    expect((await call('POST', `/v1/authorizations/${first.authorization.id}/revoke`, clerk, { reason: 'Hết nhu cầu' })).statusCode).toBe(200);

    const byPoint = await call('GET', '/v1/reports/assisted-sellers?groupBy=pickupPoint', world.admin);
    expect(byPoint.statusCode).toBe(200);
    expect(byPoint.json().rows.find((r: { key: string }) => r.key === code)).toEqual({ key: code, label: 'Điểm giao nhận thử', assistedSellers: 2, liveAuthorizations: 1, orders: 0, units: 0, revenueVnd: 0 });
    const byCommune = (await call('GET', '/v1/reports/assisted-sellers?groupBy=commune', world.admin)).json();
    expect(byCommune.rows.find((r: { key: string }) => r.key === '30112').assistedSellers).toBeGreaterThanOrEqual(1);
    const file = await call('GET', '/v1/reports/assisted-sellers?groupBy=pickupPoint&format=csv', world.admin);
    expect(file.headers['content-type']).toMatch(/^text\/csv/);
    expect(file.body).toContain(`${code},Điểm giao nhận thử,2,1,0,0,0`);
    expect((await call('GET', '/v1/reports/assisted-sellers', clerk)).statusCode).toBe(403);
  });
});
