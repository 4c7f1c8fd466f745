import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/http.ts';
import { makePickupPoint, makeSeller, makeUser, productBody, uniquePhone, uniqueTaxCode, type TestUser } from '../support/fixtures.ts';
import { shipments } from '../../db/schema/pickup-points.ts';
import { authorizations } from '../../db/schema/counter.ts';
import { eq } from 'drizzle-orm';
import { newId } from '../../src/lib/ids.ts';
import { order } from '../support/reports.ts';
import type { LightMyRequestResponse } from 'fastify';
import { jpeg, multipart } from '../catalog/image-fixtures.ts';
import { csrfTokenFor } from '../../src/plugins/web/session.ts';
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

  // Product photos (product read / update); the files themselves are public, named by their hash.
  'GET /v1/products/:id/images': sellerRead,
  'POST /v1/products/:id/images': sellerWrite,
  'DELETE /v1/products/:id/images/:imageId': sellerWrite,
  'PUT /v1/products/:id/images/order': sellerWrite,
  'GET /media/:file': pub,
  // Labels (order read; phones masked for staff and clerks, a view rule).
  'GET /v1/orders/:id/label.pdf': { admin: 'ok', staff: 'ok', manager: ['ok', 404], clerk: ['ok', 404] },
  'POST /v1/labels': { admin: 'ok', staff: 'ok', manager: ['ok', 404], clerk: ['ok', 404] },
  // The counter API.
  'GET /v1/parcels/:packageNumber': { admin: 'ok', staff: 'ok', manager: ['ok', 404], clerk: ['ok', 404] },
  'GET /v1/pickup-points/:id/cash': { admin: 'ok', staff: 'ok', manager: 404, clerk: ['ok', 404] },
  'POST /v1/pickup-points/:id/cash/close': { admin: 'ok', staff: 403, manager: 403, clerk: ['ok', 404] },
  'GET /v1/pickup-points/:id/returns': { admin: 'ok', staff: 'ok', manager: 404, clerk: ['ok', 404] },
  'POST /v1/orders/:id/return': counter,
  'POST /v1/orders/:id/collection-unlock': counter,
  'GET /v1/products/:id/history': sellerRead,
  'GET /v1/reports/assisted-sellers': readAll,
  // Authorizations (ủy quyền): recorded by an admin or the office, seen and revoked by the seller's manager too.
  'POST /v1/authorizations': { admin: 'ok', staff: 403, manager: 403, clerk: ['ok', 404] },
  'GET /v1/authorizations': { admin: 'ok', staff: 'ok', manager: 'ok', clerk: 'ok' },
  'GET /v1/authorizations/:id': { admin: 'ok', staff: 'ok', manager: ['ok', 404], clerk: ['ok', 404] },
  'POST /v1/authorizations/:id/revoke': { admin: 'ok', staff: 403, manager: ['ok', 404], clerk: ['ok', 404] },
  // The scan of the signed paper: attached by those who may change the authorization, read by those who may read it.
  'PUT /v1/authorizations/:id/scan': { admin: 'ok', staff: 403, manager: ['ok', 404], clerk: ['ok', 404] },
  'GET /v1/authorizations/:id/scan': { admin: 'ok', staff: 'ok', manager: ['ok', 404], clerk: ['ok', 404] },
  // Outlets: consignments, counter sales, settlement, farm pickups.
  'POST /v1/consignments': { admin: 'ok', staff: 403, manager: ['ok', 404], clerk: 403 },
  'GET /v1/consignments': { admin: 'ok', staff: 'ok', manager: 'ok', clerk: 'ok' },
  'GET /v1/consignments/:id': { admin: 'ok', staff: 'ok', manager: ['ok', 404], clerk: ['ok', 404] },
  'POST /v1/consignments/:id/receive': { admin: 'ok', staff: 403, manager: [403, 404], clerk: ['ok', 404] },
  'POST /v1/consignment-returns': { admin: 'ok', staff: 403, manager: [403, 404], clerk: ['ok', 404] },
  'GET /v1/pickup-points/:id/shelf': { admin: 'ok', staff: 'ok', manager: 'ok', clerk: ['ok', 404] },
  'GET /v1/products/:id/stock-by-location': sellerRead,
  'POST /v1/counter-sales': { admin: 'ok', staff: 403, manager: 403, clerk: ['ok', 404] },
  'GET /v1/counter-sales': { admin: 'ok', staff: 'ok', manager: 403, clerk: 'ok' },
  'GET /v1/counter-sales/:id': { admin: 'ok', staff: 'ok', manager: 404, clerk: ['ok', 404] },
  'GET /v1/counter-sales/:id/receipt': { admin: 'ok', staff: 'ok', manager: 404, clerk: ['ok', 404] },
  'POST /v1/counter-sales/:id/void': { admin: 'ok', staff: 403, manager: 404, clerk: ['ok', 404] },
  // Rates are the admin's alone: every other role is refused by role, before any seller is looked at.
  'POST /v1/sellers/:id/commission-rates': { admin: 'ok', staff: 403, manager: 403, clerk: 403 },
  'GET /v1/sellers/:id/commission-rates': { admin: 'ok', staff: 'ok', manager: ['ok', 404], clerk: 404 },
  'POST /v1/settlements': adminOnly,
  'GET /v1/settlements': { admin: 'ok', staff: 'ok', manager: 'ok', clerk: 'ok' },
  'GET /v1/settlements/:id': { admin: 'ok', staff: 'ok', manager: ['ok', 404], clerk: ['ok', 404] },
  'POST /v1/settlements/:id/accept': { admin: 'ok', staff: 403, manager: ['ok', 404], clerk: [403, 404] },
  'GET /v1/reports/outlets': readAll,
  'GET /v1/pickup-points/:id/outlet': { admin: 'ok', staff: 'ok', manager: 'ok', clerk: ['ok', 404] },
  'PATCH /v1/pickup-points/:id/outlet': { admin: 'ok', staff: 403, manager: 403, clerk: [403, 404] },
  'POST /v1/farm-pickups': { admin: 'ok', staff: 403, manager: ['ok', 404], clerk: 403 },
  'GET /v1/farm-pickups': { admin: 'ok', staff: 'ok', manager: 'ok', clerk: 'ok' },
  'GET /v1/farm-pickups/:id': { admin: 'ok', staff: 'ok', manager: ['ok', 404], clerk: ['ok', 404] },
  'POST /v1/farm-pickups/:id/reschedule': { admin: 'ok', staff: 403, manager: ['ok', 404], clerk: ['ok', 404] },
  'POST /v1/farm-pickups/:id/collected': { admin: 'ok', staff: 403, manager: [403, 404], clerk: ['ok', 404] },
  // Other farms' phones: never a seller manager's (hiddenFrom: the route answers 404, as for an invisible object).
  'GET /v1/pickup-points/:id/farm-route': { admin: 'ok', staff: 'ok', manager: 404, clerk: ['ok', 404] },
  // Last: registering a farmer also records a live authorization for the clerk's office.
  'POST /v1/counter/farmers': { admin: 'ok', staff: 403, manager: 403, clerk: ['ok', 404] },
};

/**
 * The server-rendered apps (cookie session, CSRF): a page for its roles ('seller' app: managers;
 * 'counter' app: clerks and admins), or public (sign-in, logout, manifest, service worker, offline
 * page, static files, and Postmart's return to the seller app, identified by its one-time state). Checked below: anonymous is sent to sign-in, a wrong role to the wrong-role
 * page, the right role gets its page.
 */
type Web = 'seller' | 'counter' | 'public';
export const WEB: Record<string, Web> = {};
for (const [base, app] of [['/app', 'seller'], ['/counter', 'counter']] as const) {
  for (const k of ['GET #/manifest.webmanifest', 'GET #/sw.js', 'GET #/offline', 'GET #/static/*', 'GET #/login', 'POST #/login', 'POST #/logout', 'GET #/wrong-role', 'GET #', ...(app === 'seller' ? ['GET #/postmart/callback'] : [])]) WEB[k.replace('#', base)] = 'public';
  const pages =
    app === 'seller'
      ? ['GET #/', 'POST #/connect', 'GET #/products', 'POST #/products/:id/quick', 'GET #/products/new', 'POST #/products/new', 'GET #/products/:id', 'POST #/products/:id', 'POST #/products/:id/resync', 'POST #/products/:id/images', 'POST #/products/:id/images/:imageId/delete', 'POST #/products/:id/images/:imageId/cover', 'GET #/import', 'POST #/import', 'GET #/orders', 'GET #/orders/:id', 'GET #/orders/:id/status', 'POST #/orders/:id/confirm', 'POST #/orders/:id/cancel', 'POST #/orders/:id/buyer-cancellation', 'GET #/orders/:id/ship', 'POST #/orders/:id/ship', 'POST #/labels', 'GET #/orders/:id/label.pdf', 'GET #/pickups', 'GET #/pickups/new', 'POST #/pickups', 'GET #/pickups/:id', 'POST #/pickups/:id/reschedule', 'POST #/settings/postmart-stock']
      : ['GET #/', 'POST #/point', 'GET #/scan', 'GET #/find', 'GET #/orders/:id', 'POST #/orders/:id/receive', 'POST #/orders/:id/collect', 'POST #/orders/:id/unlock', 'POST #/orders/:id/return', 'GET #/cash', 'POST #/cash/close', 'GET #/returns',
         'GET #/consignments', 'GET #/consignments/:id', 'POST #/consignments/:id/receive', 'GET #/shelf', 'POST #/shelf/return', 'GET #/sell', 'POST #/sales', 'GET #/sales', 'GET #/sales/:id', 'GET #/sales/:id/receipt', 'POST #/sales/:id/void',
          // The guided onboarding of a household farmer, their authorization's page, its scan and its revocation, their products.
          'GET #/farmers', 'GET #/farmers/new', 'POST #/farmers/new', 'GET #/authorizations/:id', 'GET #/authorizations/:id/scan', 'POST #/authorizations/:id/scan', 'POST #/authorizations/:id/revoke',
          'GET #/farmers/:sellerId/products/new', 'POST #/farmers/:sellerId/products/new', 'GET #/farmers/:sellerId/products/:id', 'POST #/farmers/:sellerId/products/:id/images',
          'POST #/farmers/:sellerId/products/:id/images/:imageId/delete', 'POST #/farmers/:sellerId/products/:id/images/:imageId/cover', 'POST #/farmers/:sellerId/products/:id/resync',
          // Connecting the farmer's Postmart shop, and Postmart's return to the counter (signed in: only a clerk's browser completes it).
          'POST #/farmers/:sellerId/connect', 'GET #/postmart/callback'];
  for (const k of pages) WEB[k.replace('#', base)] = app;
}


const { app, routes, close } = await appWithRoutes({
  // A Postmart nobody answers: connecting only builds the authorize URL, and no route here needs more.
  POSTMART_BASE_URL: 'http://127.0.0.1:9/api/v1',
  POSTMART_PARTNER_ID: 'matrix-partner',
  POSTMART_PARTNER_KEY: 'matrix-partner-key-0123456789',
});

type Objects = { seller: string; product: string; order: string; point: string; pointCode: string; packageNumber: string; image: string; file: string; authorization: string; consignment: string; line: string; sale: string; settlement: string; farmPickup: string; lat: number; lng: number };
let who: Record<Exclude<(typeof ROLES)[number], 'anonymous'>, TestUser>;
let own: Objects, foreign: Objects;
let target: TestUser;

/** A 2xx answer's JSON, or the test stops here naming what failed to set up. */
async function made<T = { id: string }>(what: string, res: Promise<LightMyRequestResponse>): Promise<T> {
  const r = await res;
  if (r.statusCode >= 300) throw new Error(`setting up ${what}: ${r.statusCode} ${r.body.slice(0, 300)}`);
  return r.json() as T;
}

const monthNow = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 7);
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000);

async function uploadImage(product: string): Promise<{ id: string; url: string }> {
  const body = multipart([{ type: 'image/jpeg', data: await jpeg() }]);
  const { items } = await made<{ items: { id: string; url: string }[] }>('a photo', app.inject({ method: 'POST', url: `/v1/products/${product}/images`, headers: { ...bearer(who.admin), ...body.headers }, payload: body.payload }));
  return items[items.length - 1]!;
}

async function side(at: { lat: number; lng: number }): Promise<Objects> {
  const seller = await makeSeller(app);
  const pointCode = `MX${randomInt(1e9)}`;
  const point = await makePickupPoint(app, { code: pointCode, ...at });
  const admin = bearer(who.admin);
  const product = await app.inject({ method: 'POST', url: '/v1/products', headers: admin, payload: productBody({ sellerId: seller.id, stock: 50 }) });
  const orderId = await order(app.db, { sellerId: seller.id, placedAt: new Date(), status: 'ready_for_pickup', postOfficeCode: pointCode, lines: [{ productId: product.json().id, qty: 1, unitPriceVnd: 10_000 }] });
  const packageNumber = `PKG${randomInt(1e9)}`;
  // Dropped off at the same point, so the shipment routes have a shipment to answer with.
  await app.db.insert(shipments).values({ orderId, bookingId: newId(), pickupPointId: point, day: '2026-11-30', state: 'accepted', declaredWeightGrams: 1000, packageNumber });
  const image = await uploadImage(product.json().id);
  // Not yet in force, so the clerk of P1 gains no mandate from it (which would change other cells).
  const authorization = await made('an authorization', app.inject({ method: 'POST', url: '/v1/authorizations', headers: admin, payload: { sellerId: seller.id, pickupPointId: point, scopes: ['catalog'], validFrom: inDays(30).toISOString(), validUntil: inDays(60).toISOString(), documentNumber: `UQ-${randomInt(1e9)}` } }));
  const scan = multipart([{ type: 'image/jpeg', data: await jpeg() }]);
  await made('an authorization scan', app.inject({ method: 'PUT', url: `/v1/authorizations/${authorization.id}/scan`, headers: { ...admin, ...scan.headers }, payload: scan.payload }));
  await made('outlet settings', app.inject({ method: 'PATCH', url: `/v1/pickup-points/${point}/outlet`, headers: admin, payload: { acceptsFarmPickup: true, farmPickupRadiusKm: 10, farmPickupCapacity: 100 } }));
  await made('a commission rate', app.inject({ method: 'POST', url: `/v1/sellers/${seller.id}/commission-rates`, headers: admin, payload: { rateBp: 1000 } }));
  const sent = await made<{ id: string; lines: { id: string; qtySent: number }[] }>('a consignment', app.inject({ method: 'POST', url: '/v1/consignments', headers: admin, payload: { sellerId: seller.id, pickupPointId: point, lines: [{ productId: product.json().id, qty: 10 }] } }));
  await made('a received consignment', app.inject({ method: 'POST', url: `/v1/consignments/${sent.id}/receive`, headers: admin, payload: { counts: sent.lines.map((l) => ({ lineId: l.id, qtyReceived: l.qtySent })) } }));
  // A second one, still to be counted in, for the receive cells.
  const consignment = await made('a consignment', app.inject({ method: 'POST', url: '/v1/consignments', headers: admin, payload: { sellerId: seller.id, pickupPointId: point, lines: [{ productId: product.json().id, qty: 1 }] } }));
  const sale = await made('a counter sale', app.inject({ method: 'POST', url: '/v1/counter-sales', headers: admin, payload: { pickupPointId: point, lines: [{ productId: product.json().id, qty: 1 }], payment: 'cash' } }));
  const settlement = await made('a statement', app.inject({ method: 'POST', url: '/v1/settlements', headers: admin, payload: { sellerId: seller.id, pickupPointId: point, month: monthNow() } }));
  const farmPickup = await made('a farm pickup', app.inject({ method: 'POST', url: '/v1/farm-pickups', headers: admin, payload: { sellerId: seller.id, day: inDays(2).toISOString().slice(0, 10), window: '07:00-09:00', parcels: 1, wardCode: '30226', address: 'Ấp 2, Lai Vung', lat: at.lat + 0.001, lng: at.lng } }));
  return {
    seller: seller.id, product: product.json().id, order: orderId, point, pointCode, packageNumber, image: image.id, file: new URL(image.url, 'http://x').pathname.split('/').pop()!,
    authorization: authorization.id, consignment: consignment.id, line: sent.lines[0]!.id, sale: sale.id, settlement: settlement.id, farmPickup: farmPickup.id, ...at,
  };
}

beforeAll(async () => {
  const admin = await makeUser(app, 'admin');
  who = { admin } as typeof who;
  // Some 18 km apart, each farm within reach (10 km) of its own office only.
  own = await side({ lat: 10.29, lng: 105.65 });
  foreign = await side({ lat: 10.45, lng: 105.65 });
  who.staff = await makeUser(app, 'provincial_staff');
  who.manager = await makeUser(app, 'seller_manager', { sellerId: own.seller });
  who.clerk = await makeUser(app, 'post_office_clerk', { pickupPointId: own.point });
  target = await makeUser(app, 'provincial_staff');
}, 120_000);
afterAll(() => close());

/** A request that passes validation, so what answers is the authorization (and then the domain rules). */
async function request(key: string, o: Objects): Promise<{ url: string; payload?: unknown; contentType?: string; headers?: Record<string, string> }> {
  const path = key.split(' ')[1]!;
  const byPrefix: [RegExp, string][] = [
    [/\/v1\/users\/:id/, target.id], [/\/pickup-points\/:id/, o.point], [/\/orders\/:id/, o.order], [/\/sellers\/:id/, o.seller], [/\/authorizations\/:id/, o.authorization],
    [/\/consignments\/:id/, o.consignment], [/\/counter-sales\/:id/, o.sale], [/\/settlements\/:id/, o.settlement], [/\/farm-pickups\/:id/, o.farmPickup],
  ];
  const id = byPrefix.find(([re]) => re.test(path))?.[1] ?? o.product;
  // A photo to delete each time: the admin's own request would otherwise leave the next role nothing to find.
  const imageId = key === 'DELETE /v1/products/:id/images/:imageId' ? (await uploadImage(o.product)).id : o.image;
  const url = path.replace(':id', id).replace(':imageId', imageId).replace(':packageNumber', o.packageNumber).replace(':file', o.file).replace(':code', '30226').replace(':oldCode', '28252');
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
    case 'POST /v1/products/:id/images': {
      const body = multipart([{ type: 'image/jpeg', data: await jpeg() }]);
      return { url, payload: body.payload, headers: body.headers };
    }
    case 'PUT /v1/products/:id/images/order': return { url, payload: { imageIds: [o.image] } };
    case 'POST /v1/labels': return { url, payload: { orderIds: [o.order] } };
    case 'POST /v1/pickup-points/:id/cash/close': return { url, payload: { date: '2026-11-29' } };
    case 'POST /v1/orders/:id/return': return { url, payload: { receivedByName: 'Chủ hộ', sellerPhone: '0900000009' } };
    case 'POST /v1/orders/:id/collection-unlock': return { url, payload: { identityDocument: 'cccd', identityLast4: '1234' } };
    case 'GET /v1/reports/outlets': return { url: `${url}?groupBy=pickupPoint` };
    case 'POST /v1/authorizations': return { url, payload: { sellerId: o.seller, pickupPointId: o.point, scopes: ['catalog'], validFrom: inDays(30).toISOString(), validUntil: inDays(60).toISOString(), documentNumber: `UQ-${randomInt(1e9)}` } };
    case 'PUT /v1/authorizations/:id/scan': {
      const body = multipart([{ type: 'image/jpeg', data: await jpeg() }]);
      return { url, payload: body.payload, headers: body.headers };
    }
    case 'POST /v1/authorizations/:id/revoke': return { url, payload: { reason: 'Ma trận quyền' } };
    case 'POST /v1/counter/farmers': return { url, payload: { pickupPointId: o.point, name: 'Nông dân ma trận', phone: uniquePhone(), wardCode: '30226', address: 'Ấp 3', authorization: { scopes: ['catalog'], validUntil: inDays(60).toISOString(), documentNumber: `UQ-${randomInt(1e9)}` } } };
    case 'POST /v1/consignments': return { url, payload: { sellerId: o.seller, pickupPointId: o.point, lines: [{ productId: o.product, qty: 1 }] } };
    case 'POST /v1/consignments/:id/receive': return { url, payload: { counts: [{ lineId: o.line, qtyReceived: 1 }] } };
    case 'POST /v1/consignment-returns': return { url, payload: { lineId: o.line, qty: 1, reason: 'unsold' } };
    case 'POST /v1/counter-sales': return { url, payload: { pickupPointId: o.point, lines: [{ productId: o.product, qty: 1 }], payment: 'cash' } };
    case 'POST /v1/counter-sales/:id/void': return { url, payload: { reason: 'Ma trận quyền' } };
    case 'POST /v1/sellers/:id/commission-rates': return { url, payload: { rateBp: 1000 } };
    case 'POST /v1/settlements': return { url, payload: { sellerId: o.seller, pickupPointId: o.point, month: monthNow() } };
    case 'PATCH /v1/pickup-points/:id/outlet': return { url, payload: { farmPickupCapacity: 100 } };
    case 'POST /v1/farm-pickups': return { url, payload: { sellerId: o.seller, day: inDays(3).toISOString().slice(0, 10), window: '09:00-11:00', parcels: 1, wardCode: '30226', address: 'Ấp 2, Lai Vung', lat: o.lat + 0.001, lng: o.lng } };
    case 'POST /v1/farm-pickups/:id/reschedule': return { url, payload: { day: inDays(4).toISOString().slice(0, 10), window: '13:30-15:30', reason: 'Ma trận quyền' } };
    default: return { url };
  }
}

/** Routes without an id in their path that name objects in their body or path: checked on own and foreign objects too. */
const OBJECT_IN_BODY = new Set(['POST /v1/labels', 'GET /v1/parcels/:packageNumber', 'POST /v1/authorizations', 'POST /v1/consignments', 'POST /v1/consignment-returns', 'POST /v1/counter-sales', 'POST /v1/farm-pickups', 'POST /v1/counter/farmers']);

const matches = (status: number, body: string, expected: Outcome): boolean =>
  expected === 'ok' ? ![401, 403, 404].includes(status) && (status < 500 || /"code":"UNAVAILABLE"/.test(body)) : status === expected;

describe('authorization matrix', () => {
  it('has exactly one entry per route the app serves (a new route needs one)', () => {
    const served = routes.filter((r) => !isThirdParty(r)).map(routeKey).sort();
    expect(served.filter((k) => !(k in MATRIX) && !(k in WEB))).toEqual([]);
    expect([...Object.keys(MATRIX), ...Object.keys(WEB)].filter((k) => !served.includes(k))).toEqual([]);
    expect(Object.keys(MATRIX).filter((k) => k in WEB)).toEqual([]);
  });

  it('answers every role on every route, own and foreign objects, as declared', async () => {
    const wrong: string[] = [];
    for (const key of Object.keys(MATRIX)) {
      const method = key.split(' ')[0] as 'GET';
      for (const role of ROLES) {
        const cell: Cell = role === 'anonymous' ? (MATRIX[key]!.anonymous ?? 401) : MATRIX[key]![role];
        for (const [which, objects] of [['own', own], ['foreign', foreign]] as const) {
          const expected = typeof cell === 'object' ? cell[which === 'own' ? 0 : 1] : cell;
          const r = await request(key, objects);
          const res = await app.inject({
            method,
            url: r.url,
            headers: { ...(role === 'anonymous' ? {} : bearer(who[role])), ...(r.contentType ? { 'content-type': r.contentType } : {}), ...r.headers },
            ...(r.payload !== undefined ? { payload: r.payload as never } : {}),
          });
          if (!matches(res.statusCode, res.body, expected)) wrong.push(`${key} as ${role} on ${which}: expected ${expected}, got ${res.statusCode} ${res.body.slice(0, 160)}`);
          if (!key.includes(':id') && !OBJECT_IN_BODY.has(key)) break; // no object in the URL: one request is the whole cell
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 180_000);

  it('sends anonymous to sign-in, a wrong role to the wrong-role page, and the right role to its page', async () => {
    const wrong: string[] = [];
    const session = (base: string, u: TestUser) => ({ cookie: `${base === '/app' ? 'dtpc_app' : 'dtpc_counter'}=${u.token}` });
    for (const [key, web] of Object.entries(WEB)) {
      const [method, path] = key.split(' ') as ['GET' | 'POST', string];
      const base = path.startsWith('/counter') ? '/counter' : '/app';
      // The object a page is about: an order, a consignment, a counter sale, an authorization, else a product.
      const idOf = (o: Objects) => (path.includes('/orders/') ? o.order : path.includes('/consignments/') ? o.consignment : path.includes('/sales/') ? o.sale : path.includes('/authorizations/') ? o.authorization : path.includes('/pickups/') ? o.farmPickup : o.product);
      const url = path.replace(':id', idOf(own)).replace(':sellerId', own.seller).replace(':imageId', own.image).replace('*', 'app.css');
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const send = (headers: Record<string, string>) => app.inject({ method, url, headers: { ...headers, ...(method === 'POST' ? form : {}) }, ...(method === 'POST' ? { payload: 'x=1' } : {}) });
      const where = (res: LightMyRequestResponse) => `${res.statusCode} ${String(res.headers.location ?? res.body.slice(0, 120))}`;
      const check = (what: string, res: LightMyRequestResponse, ok: boolean) => {
        if (!ok) wrong.push(`${key} ${what}: got ${where(res)}`);
      };
      const toSignIn = (res: LightMyRequestResponse) => (res.statusCode === 303 && String(res.headers.location).startsWith(`${base}/login`)) || res.statusCode === 401 || res.statusCode === 403;
      const toWrongRole = (res: LightMyRequestResponse) => (res.statusCode === 303 && res.headers.location === `${base}/wrong-role`) || res.statusCode === 403;
      const anon = await send({});
      if (web === 'public') {
        check('anonymous (public)', anon, anon.statusCode < 500);
        continue;
      }
      check('anonymous', anon, toSignIn(anon));
      // A bearer token is not a session: the apps read only their cookie.
      check('bearer only', await send(bearer(who.admin)), toSignIn(anon));
      const [right, wrongRoles] = web === 'seller' ? [who.manager, [who.clerk, who.staff, who.admin]] : [who.clerk, [who.manager, who.staff]];
      for (const u of wrongRoles) {
        const res = await send(session(base, u));
        check(`as ${u.role}`, res, toWrongRole(res));
      }
      if (method === 'GET') {
        const res = await send(session(base, right));
        check(`as ${right.role}`, res, res.statusCode < 500 && ![401, 403].includes(res.statusCode) && !(res.statusCode === 303 && /\/(login|wrong-role)/.test(String(res.headers.location))));
        if (path.includes(':id')) {
          // Another seller's object (at another point): the page asks the API as its user, which does not show it.
          // A page answers 404; the htmx status poll stops (286, empty); the ship page goes back to the list. None shows the object.
          const foreignId = idOf(foreign);
          const other = await app.inject({ method, url: path.replace(':id', foreignId).replace(':sellerId', foreign.seller), headers: session(base, right) });
          const hidden = other.statusCode === 404 || (other.statusCode === 286 && other.body === '') || (other.statusCode === 303 && !String(other.headers.location).includes(foreignId));
          check(`as ${right.role} on foreign`, other, hidden && (other.statusCode === 404 || !other.body.includes(foreignId)));
        }
      } else {
        // Without its CSRF token a signed-in form post is refused, and changes nothing.
        const res = await send(session(base, right));
        check(`as ${right.role} without CSRF`, res, res.statusCode === 403);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it("lets a clerk connect a farmer's Postmart shop only under a live authorization of their office with the scope «Sản phẩm» (catalog)", async () => {
    const admin = bearer(who.admin);
    // Offices of their own: a live authorization at P1 would give the matrix's clerk mandates and change other cells.
    const office = await makePickupPoint(app, { code: `MC${randomInt(1e9)}` });
    const otherOffice = await makePickupPoint(app, { code: `MC${randomInt(1e9)}` });
    const clerk = await makeUser(app, 'post_office_clerk', { pickupPointId: office });
    /** A farmer with an authorization at `point`; `then` makes it expired or revoked after it was recorded live. */
    const farmer = async (point: string, scopes: string[], then?: 'expire' | 'revoke') => {
      const seller = await makeSeller(app);
      const a = await made('an authorization', app.inject({ method: 'POST', url: '/v1/authorizations', headers: admin, payload: { sellerId: seller.id, pickupPointId: point, scopes, validFrom: new Date().toISOString(), validUntil: inDays(60).toISOString(), documentNumber: `UQ-${randomInt(1e9)}` } }));
      if (then === 'expire') await app.db.update(authorizations).set({ validFrom: inDays(-60), validUntil: inDays(-1) }).where(eq(authorizations.id, a.id));
      if (then === 'revoke') await made('a revocation', app.inject({ method: 'POST', url: `/v1/authorizations/${a.id}/revoke`, headers: admin, payload: { reason: 'Ma trận quyền' } }));
      return { seller: seller.id, authorization: a.id };
    };
    const cases = {
      'with the scope': await farmer(office, ['catalog']),
      'without the scope': await farmer(office, ['orders', 'shipping']),
      'of another office': await farmer(otherOffice, ['catalog']),
      expired: await farmer(office, ['catalog'], 'expire'),
      revoked: await farmer(office, ['catalog'], 'revoke'),
    };
    const expected: Record<keyof typeof cases, number> = { 'with the scope': 303, 'without the scope': 403, 'of another office': 404, expired: 404, revoked: 404 };
    const csrf = csrfTokenFor(app.config.jwtSecret, clerk.token);
    const got: Record<string, number> = {};
    const api: Record<string, number> = {};
    for (const [name, f] of Object.entries(cases)) {
      const back = `/counter/authorizations/${f.authorization}`;
      const res = await app.inject({
        method: 'POST',
        url: `/counter/farmers/${f.seller}/connect`,
        headers: { cookie: `dtpc_counter=${clerk.token}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `_csrf=${encodeURIComponent(csrf)}&back=${encodeURIComponent(back)}`,
      });
      got[name] = res.statusCode;
      if (res.statusCode === 303) {
        // To Postmart's approval page, remembering the page to come back to (on the callback's path only).
        expect(String(res.headers.location)).toMatch(/^http:\/\/127\.0\.0\.1:9\/api\/v1\/auth\/authorize\?/);
        expect(String(res.headers['set-cookie'])).toContain(`dtpc_counter_back=${back};`);
        expect(String(res.headers['set-cookie'])).toContain('Path=/counter/postmart');
      } else {
        expect(String(res.headers['content-type']), name).toMatch(/^text\/html/);
      }
      // The API decides the same (access.ts is the one place): POST /v1/sellers/:id/postmart/connect as the clerk.
      api[name] = (await app.inject({ method: 'POST', url: `/v1/sellers/${f.seller}/postmart/connect`, headers: bearer(clerk) })).statusCode;
    }
    expect(got).toEqual(expected);
    expect(api).toEqual({ ...expected, 'with the scope': 200 });
    // A return address outside the counter's farmer pages is not kept (no open redirect after Postmart).
    const ok = cases['with the scope'];
    const away = await app.inject({
      method: 'POST',
      url: `/counter/farmers/${ok.seller}/connect`,
      headers: { cookie: `dtpc_counter=${clerk.token}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(csrf)}&back=${encodeURIComponent('https://evil.example/counter/farmers')}`,
    });
    expect(away.statusCode).toBe(303);
    expect(String(away.headers['set-cookie'] ?? '')).not.toContain('dtpc_counter_back');
    // The state is single-use and names the seller; a stale or made-up one comes back to the clerk as a page, not a 5xx.
    const stale = await app.inject({ url: '/counter/postmart/callback?code=x&shop_id=y&state=made-up', headers: { cookie: `dtpc_counter=${clerk.token}; dtpc_counter_back=${encodeURIComponent(`/counter/authorizations/${ok.authorization}`)}` } });
    expect(stale.statusCode).toBe(400);
    expect(stale.body).toContain('Chưa kết nối được gian hàng');
    expect(stale.body).toContain(`href="/counter/authorizations/${ok.authorization}"`);
  });

  it('refuses a path id that is not an id before the page calls the API with it (no dot segments into another route)', async () => {
    const csrf = csrfTokenFor(app.config.jwtSecret, who.manager.token);
    const sneaky = encodeURIComponent(`../orders/${own.order}/confirm?`);
    for (const url of [`/app/products/${sneaky}/resync`, `/app/orders/${sneaky}/ship`, `/app/products/${encodeURIComponent('a\r\nX-Injected: 1')}/resync`]) {
      const res = await app.inject({ method: 'POST', url, headers: { cookie: `dtpc_app=${who.manager.token}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(csrf)}` });
      expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(400);
      expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
      expect(res.headers['x-injected']).toBeUndefined();
    }
  });
});
