import { randomInt, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema/audit-log.ts';
import { products } from '../../db/schema/products.ts';
import { sellers } from '../../db/schema/sellers.ts';
import { users } from '../../db/schema/users.ts';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser, productBody, uniquePhone, type TestUser } from '../support/fixtures.ts';

type Method = 'POST' | 'PATCH' | 'DELETE';
type Ctx = { productId: string; sellerId: string; userId: string };
type Case = {
  what: string;
  method: Method;
  url: (c: Ctx) => string;
  as: 'admin' | 'manager' | 'anonymous';
  body?: (c: Ctx) => unknown;
  headers?: Record<string, string>;
  field: string;
  /** Which object must be left exactly as it was (or which new one must not exist). */
  untouched: 'product' | 'seller' | 'user' | 'new-product' | 'new-seller' | 'new-user' | 'none';
};

// Unique keys a rejected create must not leave behind, one per case, looked up after the request.
const marks = new Map<string, string>();
const mark = (what: string, value: string) => (marks.set(what, value), value);

function sellerBody(what: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  const body = { kind: 'household', name: `Hộ sai dữ liệu ${randomInt(1e9)}`, phone: uniquePhone(), wardCode: '30226', address: 'Ấp 4', ...over };
  mark(what, String(body.name));
  return body;
}
function userBody(what: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  const body = { phone: uniquePhone(), name: 'Người dùng sai', password: 'password-123', role: 'provincial_staff', ...over };
  mark(what, String(body.phone));
  return body;
}
function newProduct(what: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  const body = productBody(over);
  mark(what, String(body.sku));
  return body;
}
const cert = (over: Record<string, unknown> = {}) => ({ type: 'VIETGAP', number: 'VG-001', issuedAt: '2024-01-01', expiresAt: '2099-01-01', ...over });

const cases: Case[] = [
  // POST /v1/auth/login
  { what: 'login without password', method: 'POST', url: () => '/v1/auth/login', as: 'anonymous', body: () => ({ phone: '0912345678' }), field: 'password', untouched: 'none' },
  { what: 'login with a too-short phone', method: 'POST', url: () => '/v1/auth/login', as: 'anonymous', body: () => ({ phone: '0912', password: 'x' }), field: 'phone', untouched: 'none' },
  { what: 'login with an unknown property', method: 'POST', url: () => '/v1/auth/login', as: 'anonymous', body: () => ({ phone: '0912345678', password: 'x', remember: true }), field: 'remember', untouched: 'none' },

  // POST /v1/users
  ...((): Case[] => {
    const c = (what: string, over: Record<string, unknown>, field: string, omit?: string): Case => ({
      what,
      method: 'POST',
      url: () => '/v1/users',
      as: 'admin',
      body: (ctx) => {
        const b = userBody(what, typeof over.sellerId === 'function' ? { ...over, sellerId: (over.sellerId as (x: Ctx) => string)(ctx) } : over);
        if (omit) delete b[omit];
        return b;
      },
      field,
      untouched: 'new-user',
    });
    return [
      c('user without a role', {}, 'role', 'role'),
      c('user with an unknown role', { role: 'superuser' }, 'role'),
      c('user with a 7-character password', { password: 'short12' }, 'password'),
      c('user with a phone that is not Vietnamese', { phone: '12345678901' }, 'phone'),
      c('user who is seller_manager without sellerId', { role: 'seller_manager' }, 'sellerId'),
      c('user who is seller_manager of a seller that does not exist', { role: 'seller_manager', sellerId: randomUUID() }, 'sellerId'),
      c('user who is provincial_staff with a sellerId', { sellerId: (ctx: Ctx) => ctx.sellerId }, 'sellerId'),
      c('user who is post_office_clerk without pickupPointId', { role: 'post_office_clerk' }, 'pickupPointId'),
      c('user with a sellerId that is not a UUID', { role: 'seller_manager', sellerId: 'seller-1' }, 'sellerId'),
      c('user with a privileged unknown property', { disabled: false }, 'disabled'),
      c('user with a name of only spaces', { name: '    ' }, 'name'),
    ];
  })(),

  // PATCH /v1/users/:id
  ...((): Case[] => {
    const c = (what: string, body: Record<string, unknown> | ((x: Ctx) => Record<string, unknown>), field: string, url?: (x: Ctx) => string): Case => ({
      what,
      method: 'PATCH',
      url: url ?? ((x) => `/v1/users/${x.userId}`),
      as: 'admin',
      body: (x) => (typeof body === 'function' ? body(x) : body),
      field,
      untouched: 'user',
    });
    return [
      c('user patch with no fields', {}, 'body'),
      c('user patch with an unknown role', { role: 'root' }, 'role'),
      c('user patch with a short password', { password: 'short' }, 'password'),
      c('user patch with a non-boolean disabled', { disabled: 'maybe' }, 'disabled'),
      c('user patch of the phone, which is not patchable', { phone: '0912345678' }, 'phone'),
      c('user patch to seller_manager without sellerId', { role: 'seller_manager' }, 'sellerId'),
      c('user patch giving provincial_staff a seller', (x) => ({ sellerId: x.sellerId }), 'sellerId'),
      c('user patch with an id that is not a UUID', { name: 'Tên mới' }, 'id', () => '/v1/users/123'),
      c('user patch to a name of only spaces', { name: '   ' }, 'name'),
    ];
  })(),

  // POST /v1/sellers
  ...((): Case[] => {
    const c = (what: string, over: Record<string, unknown>, field: string, omit?: string): Case => ({
      what,
      method: 'POST',
      url: () => '/v1/sellers',
      as: 'admin',
      body: () => {
        const b = sellerBody(what, over);
        if (omit) delete b[omit];
        return b;
      },
      field,
      untouched: 'new-seller',
    });
    return [
      c('seller without kind', {}, 'kind', 'kind'),
      c('seller of an unknown kind', { kind: 'farm' }, 'kind'),
      c('seller with a malformed tax code', { taxCode: '12345' }, 'taxCode'),
      c('seller with a phone that is not Vietnamese', { phone: 'abcdefghij' }, 'phone'),
      c('seller in a commune outside Đồng Tháp', { wardCode: '99999' }, 'wardCode'),
      c('seller with a ward code of the wrong shape', { wardCode: '1234' }, 'wardCode'),
      c('seller with a one-letter name', { name: 'A' }, 'name'),
      c('seller without address', {}, 'address', 'address'),
      c('seller with a client-chosen id', { id: randomUUID() }, 'id'),
      c('seller with a name of only spaces', { name: '    ' }, 'name'),
      c('seller with an address of only spaces', { address: '  ' }, 'address'),
    ];
  })(),

  // PATCH /v1/sellers/:id
  ...((): Case[] => {
    const c = (what: string, body: Record<string, unknown>, field: string): Case => ({
      what,
      method: 'PATCH',
      url: (x) => `/v1/sellers/${x.sellerId}`,
      as: 'admin',
      body: () => body,
      field,
      untouched: 'seller',
    });
    return [
      c('seller patch with no fields', {}, 'body'),
      c('seller patch into a commune outside Đồng Tháp', { wardCode: '99999' }, 'wardCode'),
      c('seller patch with a too-short phone', { phone: '0912' }, 'phone'),
      c('seller patch with a phone that is not Vietnamese', { phone: '1234567890' }, 'phone'),
      c('seller patch of an unknown kind', { kind: 'farm' }, 'kind'),
      c('seller patch of createdAt', { createdAt: '2020-01-01T00:00:00Z' }, 'createdAt'),
      c('seller patch to a name of only spaces', { name: '   ' }, 'name'),
    ];
  })(),

  // POST /v1/products
  ...((): Case[] => {
    const c = (what: string, over: Record<string, unknown>, field: string, omit?: string): Case => ({
      what,
      method: 'POST',
      url: () => '/v1/products',
      as: 'manager',
      body: () => {
        const b = newProduct(what, over);
        if (omit) delete b[omit];
        return b;
      },
      field,
      untouched: 'new-product',
    });
    return [
      c('product without name', {}, 'name', 'name'),
      c('product with a zero price', { priceVnd: 0 }, 'priceVnd'),
      c('product with a fractional price', { priceVnd: 1500.5 }, 'priceVnd'),
      c('product with a non-numeric price', { priceVnd: 'rẻ' }, 'priceVnd'),
      c('product with a price over 10^12 VND', { priceVnd: 1_000_000_000_001 }, 'priceVnd'),
      c('product with negative opening stock', { stock: -1 }, 'stock'),
      c('product with a SKU containing a space', { sku: `BAD SKU ${randomInt(1e9)}` }, 'sku'),
      c('product of an unknown category', { category: 'car' }, 'category'),
      c('product in an unknown unit', { unit: 'lit' }, 'unit'),
      c('product from a commune outside Đồng Tháp', { originWardCode: '99999' }, 'originWardCode'),
      c('product with a non-http image', { images: ['ftp://example.com/a.jpg'] }, 'images[0]'),
      c('product with an impossible harvest date', { harvestFrom: '2026-02-30' }, 'harvestFrom'),
      c('product whose harvest ends before it starts', { harvestFrom: '2026-06-01', harvestTo: '2026-05-01' }, 'harvestTo'),
      c('product with an expired certificate', { certifications: [cert({ issuedAt: '2019-01-01', expiresAt: '2020-01-01' })] }, 'certifications[0].expiresAt'),
      c('product with a certificate issued in the future', { certifications: [cert({ issuedAt: '2099-01-01', expiresAt: '2099-06-01' })] }, 'certifications[0].issuedAt'),
      c('product with two OCOP ratings', { certifications: [cert({ type: 'OCOP_3_STAR' }), cert({ type: 'OCOP_4_STAR' })] }, 'certifications'),
      c('product with a certificate without number', { certifications: [{ type: 'VIETGAP', issuedAt: '2024-01-01', expiresAt: '2099-01-01' }] }, 'certifications[0].number'),
      c('product with an unknown certificate property', { certifications: [cert({ verified: true })] }, 'certifications[0].verified'),
      c('product with a client-chosen version', { version: 5 }, 'version'),
      c('product with a sellerId that is not a UUID', { sellerId: 'hợp-tác-xã' }, 'sellerId'),
      c('product with a NUL character in its name', { name: 'Xoài\u0000cát' }, 'name'),
      c('product with a name of only spaces', { name: '     ' }, 'name'),
      c('product with one visible character in its name', { name: '  X  ' }, 'name'),
    ];
  })(),

  // PATCH /v1/products/:id
  ...((): Case[] => {
    const c = (what: string, body: Record<string, unknown>, field: string, extra: Partial<Case> = {}): Case => ({
      what,
      method: 'PATCH',
      url: (x) => `/v1/products/${x.productId}`,
      as: 'manager',
      body: () => body,
      field,
      untouched: 'product',
      ...extra,
    });
    return [
      c('product patch with no fields', {}, 'body'),
      c('product patch of stock, which goes through POST /stock', { stock: 5 }, 'stock'),
      c('product patch of version', { version: 9 }, 'version'),
      c('product patch moving it to another seller', { sellerId: randomUUID() }, 'sellerId'),
      c('product patch with a negative price', { priceVnd: -1 }, 'priceVnd'),
      c('product patch to a name of only spaces', { name: '   ' }, 'name'),
      c('product patch whose harvest ends before it starts', { harvestFrom: '2026-06-01', harvestTo: '2026-05-01' }, 'harvestTo'),
      c('product patch adding an expired certificate', { certifications: [cert({ issuedAt: '2019-01-01', expiresAt: '2020-01-01' })] }, 'certifications[0].expiresAt'),
      c('product patch with a malformed If-Match', { name: 'Tên mới' }, 'if-match', { headers: { 'if-match': 'latest' } }),
      c('product patch with an id that is not a UUID', { name: 'Tên mới' }, 'id', { url: () => '/v1/products/42' }),
    ];
  })(),

  // DELETE /v1/products/:id and POST /v1/products/:id/stock
  { what: 'archive with an id that is not a UUID', method: 'DELETE', url: () => '/v1/products/not-a-uuid', as: 'manager', field: 'id', untouched: 'product' },
  { what: 'stock change without reason', method: 'POST', url: (x) => `/v1/products/${x.productId}/stock`, as: 'manager', body: () => ({ delta: 1 }), field: 'reason', untouched: 'product' },
  { what: 'stock set to a word', method: 'POST', url: (x) => `/v1/products/${x.productId}/stock`, as: 'manager', body: () => ({ set: 'nhiều', reason: 'kiểm kê' }), field: 'set', untouched: 'product' },
  { what: 'stock change with both set and delta', method: 'POST', url: (x) => `/v1/products/${x.productId}/stock`, as: 'manager', body: () => ({ set: 1, delta: 1, reason: 'kiểm kê' }), field: 'delta', untouched: 'product' },

  // POST /v1/products/import
  { what: 'import for a sellerId that is not a UUID', method: 'POST', url: () => '/v1/products/import?sellerId=abc', as: 'admin', body: () => 'x', field: 'sellerId', untouched: 'none' },
  { what: 'import with an unknown query parameter', method: 'POST', url: () => '/v1/products/import?dryRun=1', as: 'manager', body: () => 'x', field: 'dryRun', untouched: 'none' },
];

describe('bad input on every write route', () => {
  let app: FastifyInstance;
  let admin: TestUser;
  let manager: TestUser;
  let target: TestUser;
  let ctx: Ctx;

  beforeAll(async () => {
    app = await buildTestApp();
    const seller = await makeSeller(app);
    [admin, manager, target] = await Promise.all([
      makeUser(app, 'admin'),
      makeUser(app, 'seller_manager', { sellerId: seller.id }),
      makeUser(app, 'provincial_staff'),
    ]);
    const product = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(manager), payload: productBody({ stock: 5 }) });
    expect(product.statusCode).toBe(201);
    ctx = { productId: product.json().id, sellerId: seller.id, userId: target.id };
  });
  afterAll(async () => {
    await app.close();
  });

  const audits = async (id: string) => (await app.db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.entityId, id))).length;

  /** Everything a write could have touched for this case, to compare before and after. */
  async function snapshot(c: Case): Promise<unknown> {
    switch (c.untouched) {
      case 'product': {
        const [row] = await app.db.select().from(products).where(eq(products.id, ctx.productId));
        return { row, audits: await audits(ctx.productId) };
      }
      case 'seller': {
        const [row] = await app.db.select().from(sellers).where(eq(sellers.id, ctx.sellerId));
        return { row, audits: await audits(ctx.sellerId) };
      }
      case 'user': {
        const [row] = await app.db.select().from(users).where(eq(users.id, ctx.userId));
        return { row, audits: await audits(ctx.userId) };
      }
      case 'new-product':
        return app.db.select({ id: products.id }).from(products).where(eq(products.sku, marks.get(c.what)!));
      case 'new-seller':
        return app.db.select({ id: sellers.id }).from(sellers).where(eq(sellers.name, marks.get(c.what)!));
      case 'new-user':
        return app.db.select({ id: users.id }).from(users).where(eq(users.phone, marks.get(c.what)!));
      case 'none':
        return null;
    }
  }

  it.each(cases.map((c) => [c.what, c] as const))('%s: 400 naming the field, nothing stored', async (_what, c) => {
    const body = c.body?.(ctx); // builds the body first: it records the unique key a rejected create must not leave behind
    const before = await snapshot(c);
    const headers: Record<string, string> = { ...(c.as === 'anonymous' ? {} : bearer(c.as === 'admin' ? admin : manager)), ...c.headers };
    if (typeof body === 'string') headers['content-type'] = 'text/csv';
    const res = await app.inject({ method: c.method, url: c.url(ctx), headers, ...(body === undefined ? {} : { payload: body as string }) });

    expect(res.statusCode, res.body).toBe(400);
    const err = errorOf(res);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.field).toBe(c.field);
    expect(err.message).toMatch(new RegExp(`^Trường «${c.field.replace(/[[\].]/g, '\\$&')}»: `));
    expect(await snapshot(c)).toEqual(before);
    if (c.untouched.startsWith('new-')) expect(before).toEqual([]);
  });

  it('refuses an admin disabling their own account (400 naming disabled) and leaves it enabled', async () => {
    const res = await app.inject({ method: 'PATCH', url: `/v1/users/${admin.id}`, headers: bearer(admin), payload: { disabled: true } });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).field).toBe('disabled');
    const [row] = await app.db.select({ disabled: users.disabled }).from(users).where(eq(users.id, admin.id));
    expect(row?.disabled).toBe(false);
  });

  it('refuses malformed JSON with 400 INVALID_BODY and stores nothing', async () => {
    const sku = `JSON-${randomInt(1e9)}`;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: { ...bearer(manager), 'content-type': 'application/json' },
      payload: `{"sku":"${sku}","name":"Xoài",`,
    });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('INVALID_BODY');
    expect(await app.db.select().from(products).where(eq(products.sku, sku))).toEqual([]);
  });

  it('refuses an empty JSON body with 400 INVALID_BODY', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/sellers', headers: { ...bearer(admin), 'content-type': 'application/json' }, payload: '' });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('INVALID_BODY');
  });

  it('refuses a JSON array where an object is expected, naming the body', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/sellers', headers: bearer(admin), payload: [sellerBody('array body')] });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body' });
  });

  it('refuses a body over 1 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: bearer(manager),
      payload: newProduct('huge', { description: 'x'.repeat(1024 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
    expect(errorOf(res).code).toBe('PAYLOAD_TOO_LARGE');
    expect(await app.db.select().from(products).where(eq(products.sku, marks.get('huge')!))).toEqual([]);
  });

  it('refuses a product body sent as form data with 415', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: { ...bearer(manager), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'sku=A&name=B',
    });
    expect(res.statusCode).toBe(415);
    expect(errorOf(res).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});
