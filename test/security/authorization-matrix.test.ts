import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/http.ts';
import { makePickupPoint, makeSeller, makeUser, productBody, uniquePhone, uniqueTaxCode, type TestUser } from '../support/fixtures.ts';
import { shipments } from '../../db/schema/pickup-points.ts';
import { newId } from '../../src/lib/ids.ts';
import { order } from '../support/reports.ts';
import { appWithRoutes, isThirdParty, routeKey } from './route-table.ts';

/**
 * The authorization matrix, generated from the route table (issue 15): every route × every role
 * (anonymous, admin, provincial staff, seller A's manager, the clerk of point P1) × an object of
 * seller A / point P1 ("own") and one of seller B / point P2 ("foreign"). The expected answer is
 * declared once per route below; a route the app serves without an entry here fails the suite.
 *
 * 'ok' means authorization let the request through (any answer but 401/403/404 and no 5xx); 403
 * is a forbidden action on a visible object, 404 an object the role may not see (access.ts).
 */
type Outcome = 'ok' | 401 | 403 | 404;
type Cell = Outcome | readonly [own: Outcome, foreign: Outcome];
type Expect = { admin: Cell; staff: Cell; manager: Cell; clerk: Cell; anonymous?: Outcome };
const ROLES = ['anonymous', 'admin', 'staff', 'manager', 'clerk'] as const;

const pub: Expect = { admin: 'ok', staff: 'ok', manager: 'ok', clerk: 'ok', anonymous: 'ok' };
const signed: Expect = { admin: 401, staff: 401, manager: 401, clerk: 401, anonymous: 401 };
const adminOnly: Expect = { admin: 'ok', staff: 403, manager: 403, clerk: 403 };
const readAll: Expect = { admin: 'ok', staff: 'ok', manager: 'ok', clerk: 403 };
const sellerRead: Expect = { admin: 'ok', staff: 'ok', manager: ['ok', 404], clerk: 404 };
const sellerWrite: Expect = { admin: 'ok', staff: 403, manager: ['ok', 404], clerk: 404 };
const orderAction: Expect = { admin: 'ok', staff: 403, manager: ['ok', 404], clerk: [403, 404] };
const counter: Expect = { admin: 'ok', staff: 403, manager: [403, 404], clerk: ['ok', 404] };

export const MATRIX: Record<string, Expect> = {
  'GET /health': pub,
  'GET /ready': pub,
  'GET /metrics': pub, // open unless METRICS_TOKEN is set
  'GET /openapi.json': pub,
  'POST /v1/auth/login': pub,
  'GET /v1/me': { admin: 'ok', staff: 'ok', manager: 'ok', clerk: 'ok' },
  'GET /v1/users': { admin: 'ok', staff: 'ok', manager: 403, clerk: 403 },
  'POST /v1/users': adminOnly,
  'PATCH /v1/users/:id': { admin: 'ok', staff: 403, manager: 404, clerk: 404 },
  'GET /v1/sellers': readAll,
  'POST /v1/sellers': adminOnly,
  'GET /v1/sellers/:id': sellerRead,
  'PATCH /v1/sellers/:id': sellerWrite,
  'GET /v1/products': readAll,
  'POST /v1/products': { admin: 'ok', staff: 403, manager: 'ok', clerk: 403 },
  'POST /v1/products/import': { admin: 'ok', staff: 403, manager: 'ok', clerk: 403 },
  'GET /v1/products/:id': sellerRead,
  'PATCH /v1/products/:id': sellerWrite,
  'DELETE /v1/products/:id': sellerWrite,
  'POST /v1/products/:id/stock': sellerWrite,
  'GET /v1/products/:id/stock-movements': sellerRead,
  'GET /v1/communes': pub,
  'GET /v1/communes/:code': pub,
  'GET /v1/communes/legacy/:oldCode': pub,
  'GET /v1/sellers/:id/postmart': sellerRead,
  'POST /v1/sellers/:id/postmart/connect': sellerWrite,
  'GET /v1/postmart/oauth/callback': pub, // the one-time state identifies the seller
  'GET /v1/products/:id/listing': sellerRead,
  'POST /v1/products/:id/listing/resync': sellerWrite,
  'DELETE /v1/products/:id/listing': sellerWrite,
  'GET /v1/orders': readAll,
  'GET /v1/orders/:id': { admin: 'ok', staff: 'ok', manager: ['ok', 404], clerk: ['ok', 404] },
  'POST /v1/orders/:id/confirm': orderAction,
  'POST /v1/orders/:id/cancel': orderAction,
  'POST /v1/orders/:id/buyer-cancellation': orderAction,
  'GET /v1/pickup-points': { admin: 'ok', staff: 'ok', manager: 'ok', clerk: 'ok' },
  'POST /v1/pickup-points': adminOnly,
  'POST /v1/pickup-points/import': adminOnly,
  'POST /v1/pickup-points/sync': adminOnly,
  'GET /v1/pickup-points/:id': { admin: 'ok', staff: 'ok', manager: 'ok', clerk: ['ok', 404] },
  'PATCH /v1/pickup-points/:id': { admin: 'ok', staff: 403, manager: 403, clerk: [403, 404] },
  'GET /v1/pickup-points/:id/parcels': { admin: 'ok', staff: 'ok', manager: 404, clerk: ['ok', 404] },
  // Ranks points for the seller's drop-off; not a clerk's business, and not judged through the order's points.
  'GET /v1/orders/:id/pickup-suggestions': { admin: 'ok', staff: 'ok', manager: ['ok', 404], clerk: 404 },
  'POST /v1/orders/:id/ship': orderAction,
  'GET /v1/orders/:id/shipment': { admin: 'ok', staff: 'ok', manager: ['ok', 404], clerk: ['ok', 404] },
  'POST /v1/orders/:id/handover': counter,
  'POST /v1/orders/:id/collect': counter,
  'GET /v1/reports/sales': readAll,
  'GET /v1/reports/overview': readAll,
  'POST /v1/admin/reconcile': adminOnly,
  'GET /v1/admin/reconcile': { admin: 'ok', staff: 'ok', manager: 403, clerk: 403 },
  'POST /v1/webhooks/postmart': signed, // Postmart's signature, never a bearer token
};

const { app, routes, close } = await appWithRoutes({
  // A Postmart nobody answers: connecting only builds the authorize URL, and no route here needs more.
  POSTMART_BASE_URL: 'http://127.0.0.1:9/api/v1',
  POSTMART_PARTNER_ID: 'matrix-partner',
  POSTMART_PARTNER_KEY: 'matrix-partner-key-0123456789',
});

type Objects = { seller: string; product: string; order: string; point: string; pointCode: string };
let who: Record<Exclude<(typeof ROLES)[number], 'anonymous'>, TestUser>;
let own: Objects, foreign: Objects;
let target: TestUser;

async function side(): Promise<Objects> {
  const seller = await makeSeller(app);
  const pointCode = `MX${randomInt(1e9)}`;
  const point = await makePickupPoint(app, { code: pointCode });
  const product = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(who.admin), payload: productBody({ sellerId: seller.id }) });
  const orderId = await order(app.db, { sellerId: seller.id, placedAt: new Date(), status: 'ready_for_pickup', postOfficeCode: pointCode, lines: [{ productId: product.json().id, qty: 1, unitPriceVnd: 10_000 }] });
  // Dropped off at the same point, so the shipment routes have a shipment to answer with.
  await app.db.insert(shipments).values({ orderId, bookingId: newId(), pickupPointId: point, day: '2026-11-30', state: 'accepted', declaredWeightGrams: 1000 });
  return { seller: seller.id, product: product.json().id, order: orderId, point, pointCode };
}

beforeAll(async () => {
  const admin = await makeUser(app, 'admin');
  who = { admin } as typeof who;
  own = await side();
  foreign = await side();
  who.staff = await makeUser(app, 'provincial_staff');
  who.manager = await makeUser(app, 'seller_manager', { sellerId: own.seller });
  who.clerk = await makeUser(app, 'post_office_clerk', { pickupPointId: own.point });
  target = await makeUser(app, 'provincial_staff');
}, 120_000);
afterAll(() => close());

/** A request that passes validation, so what answers is the authorization (and then the domain rules). */
function request(key: string, o: Objects): { url: string; payload?: unknown; contentType?: string; headers?: Record<string, string> } {
  const id = key.includes('/v1/users/:id') ? target.id : key.includes('/pickup-points/:id') ? o.point : key.includes('/orders/:id') ? o.order : key.includes('/sellers/:id') ? o.seller : o.product;
  const url = key.split(' ')[1]!.replace(':id', id).replace(':code', '30226').replace(':oldCode', '28252');
  const csv = (text: string) => ({ payload: text, contentType: 'text/csv' });
  switch (key) {
    case 'POST /v1/auth/login': return { url, payload: { phone: who.admin.phone, password: who.admin.password } };
    case 'POST /v1/users': return { url, payload: { phone: uniquePhone(), name: 'Cán bộ ma trận', password: 'Ma-tran-quyen-han-2026', role: 'provincial_staff' } };
    case 'PATCH /v1/users/:id': return { url, payload: { name: 'Tên khác' } };
    case 'POST /v1/sellers': return { url, payload: { kind: 'household', name: 'Hộ ma trận', taxCode: uniqueTaxCode(), phone: uniquePhone(), wardCode: '30226', address: 'Ấp 1' } };
    case 'PATCH /v1/sellers/:id': return { url, payload: { address: 'Ấp 9' } };
    case 'POST /v1/products': return { url, payload: productBody({ sellerId: own.seller }) };
    case 'POST /v1/products/import': return { url: `${url}?sellerId=${own.seller}`, ...csv(`sku,name,category,unit,priceVnd,weightGrams,originWardCode\nMX-${randomInt(1e9)},Xoài,fruit,kg,50000,1000,30112\n`) };
    case 'PATCH /v1/products/:id': return { url, payload: { priceVnd: 70_000 } };
    case 'POST /v1/products/:id/stock': return { url, payload: { delta: 1, reason: 'kiểm kê' } };
    case 'GET /v1/postmart/oauth/callback': return { url: `${url}?code=x&shop_id=y&state=not-a-state` };
    case 'POST /v1/orders/:id/cancel': return { url, payload: { reason: 'OUT_OF_STOCK' } };
    case 'POST /v1/orders/:id/buyer-cancellation': return { url, payload: { accept: true } };
    case 'POST /v1/orders/:id/ship': return { url, payload: { pickupPointId: o.point } };
    case 'POST /v1/orders/:id/handover': return { url, payload: { weightGrams: 1000 } };
    case 'POST /v1/orders/:id/collect': return { url, payload: { phone: '0900000009' } };
    case 'POST /v1/pickup-points': return { url, payload: { code: `MXN${randomInt(1e9)}`, name: 'Điểm ma trận', kind: 'DIEM_GIAO_DICH', wardCode: '30226', address: 'Lai Vung', lat: 10.3, lng: 105.6 } };
    case 'POST /v1/pickup-points/import': return { url, ...csv(`code,name,kind,wardCode,address,lat,lng\nMXI${randomInt(1e9)},Điểm nhập,DIEM_GIAO_DICH,30226,Lai Vung,10.3,105.6\n`) };
    case 'PATCH /v1/pickup-points/:id': return { url, payload: { dailyCapacity: 30 } };
    case 'POST /v1/webhooks/postmart': return { url, payload: {} };
    case 'POST /v1/admin/reconcile': return { url, payload: {} };
    default: return { url };
  }
}

const matches = (status: number, body: string, expected: Outcome): boolean =>
  expected === 'ok' ? ![401, 403, 404].includes(status) && (status < 500 || /"code":"UNAVAILABLE"/.test(body)) : status === expected;

describe('authorization matrix', () => {
  it('has exactly one entry per route the app serves (a new route needs one)', () => {
    const served = routes.filter((r) => !isThirdParty(r)).map(routeKey).sort();
    expect(served.filter((k) => !(k in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((k) => !served.includes(k))).toEqual([]);
  });

  it('answers every role on every route, own and foreign objects, as declared', async () => {
    const wrong: string[] = [];
    for (const key of Object.keys(MATRIX)) {
      const method = key.split(' ')[0] as 'GET';
      for (const role of ROLES) {
        const cell: Cell = role === 'anonymous' ? (MATRIX[key]!.anonymous ?? 401) : MATRIX[key]![role];
        for (const [which, objects] of [['own', own], ['foreign', foreign]] as const) {
          const expected = typeof cell === 'object' ? cell[which === 'own' ? 0 : 1] : cell;
          const r = request(key, objects);
          const res = await app.inject({
            method,
            url: r.url,
            headers: { ...(role === 'anonymous' ? {} : bearer(who[role])), ...(r.contentType ? { 'content-type': r.contentType } : {}), ...r.headers },
            ...(r.payload !== undefined ? { payload: r.payload as never } : {}),
          });
          if (!matches(res.statusCode, res.body, expected)) wrong.push(`${key} as ${role} on ${which}: expected ${expected}, got ${res.statusCode} ${res.body.slice(0, 160)}`);
          if (!key.includes(':id')) break; // no object in the URL: one request is the whole cell
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 180_000);
});
