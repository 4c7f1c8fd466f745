import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { products } from '../../db/schema/products.ts';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser, productBody, type TestUser } from '../support/fixtures.ts';

type Product = Record<string, unknown> & { id: string; sku: string; version: number; status: string; stock: number };

/** Creating, changing and archiving products; optimistic concurrency with If-Match. */
describe('products', () => {
  let app: FastifyInstance;
  let manager: TestUser;
  let admin: TestUser;
  let sellerId: string;

  beforeAll(async () => {
    app = await buildTestApp();
    sellerId = (await makeSeller(app)).id;
    [manager, admin] = await Promise.all([makeUser(app, 'seller_manager', { sellerId }), makeUser(app, 'admin')]);
  });
  afterAll(async () => {
    await app.close();
  });

  async function create(over: Record<string, unknown> = {}): Promise<Product> {
    const res = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(manager), payload: productBody(over) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }
  const patch = (id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.inject({ method: 'PATCH', url: `/v1/products/${id}`, headers: { ...bearer(manager), ...headers }, payload: body });
  const read = async (id: string): Promise<Product> => (await app.inject({ method: 'GET', url: `/v1/products/${id}`, headers: bearer(manager) })).json();

  it('creates a product for the manager’s own seller as a draft at version 1, with times in Vietnam time', async () => {
    const body = productBody({ description: 'Loại 1', shelfLifeDays: 10, harvestFrom: '2026-03-01', harvestTo: '2026-06-30' });
    const res = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(manager), payload: body });
    expect(res.statusCode).toBe(201);
    const p = res.json();
    expect(p).toMatchObject({ ...body, sellerId, status: 'draft', version: 1, images: [], certifications: [] });
    expect(p.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+07:00$/);
    expect(await read(p.id)).toEqual(p);
  });

  it('bumps the version when a change is made, and not for a PATCH that changes nothing', async () => {
    const p = await create();
    const changed = await patch(p.id, { priceVnd: 70000, status: 'active' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ priceVnd: 70000, status: 'active', version: p.version + 1 });
    const same = await patch(p.id, { priceVnd: 70000 });
    expect(same.json().version).toBe(p.version + 1);
  });

  it('applies a PATCH whose If-Match names the current version, quoted or not', async () => {
    const p = await create();
    const first = await patch(p.id, { name: 'Xoài cát chu' }, { 'if-match': String(p.version) });
    expect(first.statusCode).toBe(200);
    const second = await patch(p.id, { name: 'Xoài tứ quý' }, { 'if-match': `"${first.json().version}"` });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ name: 'Xoài tứ quý', version: p.version + 2 });
  });

  it('refuses a PATCH with a stale If-Match with 409 VERSION_CONFLICT naming the current version, and changes nothing', async () => {
    const p = await create();
    await patch(p.id, { priceVnd: 71000 }); // someone else's change: version 2
    const before = await read(p.id);
    const res = await patch(p.id, { priceVnd: 99000 }, { 'if-match': String(p.version) });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'VERSION_CONFLICT' });
    expect(errorOf(res).message).toContain(`phiên bản hiện tại ${before.version}`);
    expect(await read(p.id)).toEqual(before);
  });

  it('lets exactly one of two concurrent PATCHes with the same If-Match win', async () => {
    const p = await create();
    const [a, b] = await Promise.all([
      patch(p.id, { priceVnd: 10000 }, { 'if-match': String(p.version) }),
      patch(p.id, { priceVnd: 20000 }, { 'if-match': String(p.version) }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const winner = a.statusCode === 200 ? a : b;
    expect(await read(p.id)).toMatchObject({ priceVnd: winner.json().priceVnd, version: p.version + 1 });
  });

  it('refuses an expired certificate at entry with 400 naming it, and stores nothing', async () => {
    const body = productBody({ certifications: [{ type: 'OCOP_4_STAR', number: 'OCOP-2019-07', issuedAt: '2019-05-01', expiresAt: '2022-05-01' }] });
    const res = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(manager), payload: body });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toEqual({
      code: 'VALIDATION_FAILED',
      field: 'certifications[0].expiresAt',
      message: 'Trường «certifications[0].expiresAt»: chứng nhận OCOP_4_STAR số OCOP-2019-07 đã hết hạn ngày 2022-05-01',
    });
    expect(await app.db.select().from(products).where(eq(products.sku, body.sku as string))).toEqual([]);
  });

  it('accepts a certificate that is still valid', async () => {
    const p = await create({ certifications: [{ type: 'VIETGAP', number: 'VG-88', issuedAt: '2024-01-15', expiresAt: '2099-01-15' }] });
    expect(p.certifications).toEqual([{ type: 'VIETGAP', number: 'VG-88', issuedAt: '2024-01-15', expiresAt: '2099-01-15' }]);
  });

  it('checks a harvest window patched one end at a time against the stored other end', async () => {
    const p = await create({ harvestFrom: '2026-05-01', harvestTo: '2026-07-01' });
    const res = await patch(p.id, { harvestTo: '2026-04-01' });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).field).toBe('harvestTo');
    expect((await read(p.id)).harvestTo).toBe('2026-07-01');
  });

  it('answers 409 naming sku when a SKU is taken by the same seller, but lets another seller use it', async () => {
    const first = await create();
    const again = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(manager), payload: productBody({ sku: first.sku }) });
    expect(again.statusCode).toBe(409);
    expect(errorOf(again).field).toBe('sku');
    const other = await makeSeller(app);
    const elsewhere = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(admin), payload: productBody({ sku: first.sku, sellerId: other.id }) });
    expect(elsewhere.statusCode).toBe(201);
  });

  it('answers 409 naming sku when renaming a SKU onto one the seller already has, and keeps the old SKU', async () => {
    const [a, b] = await Promise.all([create(), create()]);
    const res = await patch(b.id, { sku: a.sku });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).field).toBe('sku');
    expect((await read(b.id)).sku).toBe(b.sku);
  });

  it('archives on DELETE: the product stays readable with status archived, its ledger intact', async () => {
    const p = await create({ stock: 6, status: 'active' });
    const res = await app.inject({ method: 'DELETE', url: `/v1/products/${p.id}`, headers: bearer(manager) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: p.id, status: 'archived', stock: 6, version: p.version + 1 });
    expect((await read(p.id)).status).toBe('archived');
    const archived = await app.inject({ method: 'GET', url: `/v1/products?status=archived&limit=100`, headers: bearer(manager) });
    expect(archived.json().items.map((x: Product) => x.id)).toContain(p.id);
    const active = await app.inject({ method: 'GET', url: `/v1/products?status=active&limit=100`, headers: bearer(manager) });
    expect(active.json().items.map((x: Product) => x.id)).not.toContain(p.id);
    const ledger = await app.inject({ method: 'GET', url: `/v1/products/${p.id}/stock-movements`, headers: bearer(manager) });
    expect(ledger.json().items).toHaveLength(1);
  });

  it('answers a second DELETE of an archived product with the same archived product, unchanged', async () => {
    const p = await create();
    const first = await app.inject({ method: 'DELETE', url: `/v1/products/${p.id}`, headers: bearer(manager) });
    const second = await app.inject({ method: 'DELETE', url: `/v1/products/${p.id}`, headers: bearer(manager) });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
  });

  it('answers 404 for DELETE of a product that does not exist', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/v1/products/01890000-0000-7000-8000-000000000001', headers: bearer(manager) });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res).code).toBe('NOT_FOUND');
  });
});
