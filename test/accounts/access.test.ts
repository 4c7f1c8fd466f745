import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Seller } from '../../src/services/accounts/sellers.ts';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makePickupPoint, makeUser, productBody, uniquePhone, uniqueTaxCode, type TestUser } from '../support/fixtures.ts';

/**
 * Who reaches what (src/services/access.ts): admin everything; provincial staff read everything
 * and change nothing (403); a seller manager only their own seller (others answer 404, so their
 * existence is not revealed); a post-office clerk sees no sellers or products.
 */
describe('role reach on sellers and products', () => {
  let app: FastifyInstance;
  let sellerA: Seller;
  let sellerB: Seller;
  let admin: TestUser;
  let staff: TestUser;
  let managerA: TestUser;
  let clerk: TestUser;
  let productA: { id: string; version: number };
  let productB: { id: string; version: number; name: string; stock: number };

  const csv = (sku: string) => `sku,name,category,unit,priceVnd,weightGrams,originWardCode\n${sku},Bưởi da xanh,fruit,kg,40000,1200,30112\n`;

  beforeAll(async () => {
    app = await buildTestApp();
    [sellerA, sellerB] = await Promise.all([makeSeller(app), makeSeller(app)]);
    [admin, staff, managerA, clerk] = await Promise.all([
      makeUser(app, 'admin'),
      makeUser(app, 'provincial_staff'),
      makeUser(app, 'seller_manager', { sellerId: sellerA.id }),
      makeUser(app, 'post_office_clerk', { pickupPointId: await makePickupPoint(app) }),
    ]);
    const a = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(managerA), payload: productBody() });
    const b = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(admin), payload: productBody({ sellerId: sellerB.id, name: 'Sen Tháp Mười' }) });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    productA = a.json();
    productB = b.json();
  });
  afterAll(async () => {
    await app.close();
  });

  const get = (u: TestUser, url: string) => app.inject({ method: 'GET', url, headers: bearer(u) });
  const productBNow = async () => (await get(admin, `/v1/products/${productB.id}`)).json();

  describe('admin', () => {
    it('lists every seller and reads any seller and product', async () => {
      const ids = new Set<string>();
      let cursor: string | null = null;
      do {
        const res = await get(admin, `/v1/sellers?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode).toBe(200);
        for (const s of res.json().items) ids.add(s.id);
        cursor = res.json().nextCursor;
      } while (cursor && !(ids.has(sellerA.id) && ids.has(sellerB.id)));
      expect(ids.has(sellerA.id) && ids.has(sellerB.id)).toBe(true);
      expect((await get(admin, `/v1/sellers/${sellerB.id}`)).statusCode).toBe(200);
      expect((await get(admin, `/v1/products/${productA.id}`)).statusCode).toBe(200);
    });

    it('creates a product for any seller, naming it with sellerId', async () => {
      const res = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(admin), payload: productBody({ sellerId: sellerA.id }) });
      expect(res.statusCode).toBe(201);
      expect(res.json().sellerId).toBe(sellerA.id);
    });

    it('must name the seller when creating a product (400 naming sellerId)', async () => {
      const res = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(admin), payload: productBody() });
      expect(res.statusCode).toBe(400);
      expect(errorOf(res).field).toBe('sellerId');
    });
  });

  describe('provincial staff', () => {
    it('reads every seller and product', async () => {
      expect((await get(staff, `/v1/sellers/${sellerA.id}`)).statusCode).toBe(200);
      expect((await get(staff, `/v1/sellers/${sellerB.id}`)).statusCode).toBe(200);
      expect((await get(staff, `/v1/products/${productB.id}`)).statusCode).toBe(200);
      expect((await get(staff, `/v1/products/${productB.id}/stock-movements`)).statusCode).toBe(200);
      const list = await get(staff, `/v1/products?sellerId=${sellerB.id}`);
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((p: { id: string }) => p.id)).toContain(productB.id);
    });

    it('gets 403 FORBIDDEN on every product write, and the product is unchanged', async () => {
      const before = await productBNow();
      const writes = [
        { method: 'POST' as const, url: '/v1/products', payload: productBody({ sellerId: sellerB.id }) },
        { method: 'PATCH' as const, url: `/v1/products/${productB.id}`, payload: { name: 'Đổi tên' } },
        { method: 'DELETE' as const, url: `/v1/products/${productB.id}` },
        { method: 'POST' as const, url: `/v1/products/${productB.id}/stock`, payload: { delta: 5, reason: 'thử' } },
      ];
      for (const w of writes) {
        const res = await app.inject({ ...w, headers: bearer(staff) });
        expect(res.statusCode, `${w.method} ${w.url}`).toBe(403);
        expect(errorOf(res).code).toBe('FORBIDDEN');
      }
      const imp = await app.inject({
        method: 'POST',
        url: `/v1/products/import?sellerId=${sellerB.id}`,
        headers: { ...bearer(staff), 'content-type': 'text/csv' },
        payload: csv(`STAFF-${randomUUID().slice(0, 8)}`),
      });
      expect(imp.statusCode).toBe(403);
      expect(await productBNow()).toEqual(before);
    });

    it('gets 403 creating or changing a seller', async () => {
      const create = await app.inject({
        method: 'POST',
        url: '/v1/sellers',
        headers: bearer(staff),
        payload: { kind: 'household', name: 'Hộ ông Ba', phone: uniquePhone(), wardCode: '30226', address: 'Ấp 2' },
      });
      expect(create.statusCode).toBe(403);
      const patch = await app.inject({ method: 'PATCH', url: `/v1/sellers/${sellerB.id}`, headers: bearer(staff), payload: { name: 'Đổi tên' } });
      expect(patch.statusCode).toBe(403);
      expect((await get(admin, `/v1/sellers/${sellerB.id}`)).json().name).toBe(sellerB.name);
    });
  });

  describe('seller manager', () => {
    it('lists only their own seller', async () => {
      const res = await get(managerA, '/v1/sellers');
      expect(res.statusCode).toBe(200);
      expect(res.json().items.map((s: { id: string }) => s.id)).toEqual([sellerA.id]);
    });

    it('lists only their own seller’s products, even when asking for another seller', async () => {
      const own = await get(managerA, '/v1/products?limit=100');
      expect(own.statusCode).toBe(200);
      expect(own.json().items.length).toBeGreaterThan(0);
      expect(own.json().items.every((p: { sellerId: string }) => p.sellerId === sellerA.id)).toBe(true);
      const other = await get(managerA, `/v1/products?sellerId=${sellerB.id}`);
      expect(other.statusCode).toBe(200);
      expect(other.json().items).toEqual([]);
    });

    it('reads and changes their own seller and products', async () => {
      expect((await get(managerA, `/v1/sellers/${sellerA.id}`)).statusCode).toBe(200);
      const patchSeller = await app.inject({ method: 'PATCH', url: `/v1/sellers/${sellerA.id}`, headers: bearer(managerA), payload: { address: 'Ấp Tân Hòa' } });
      expect(patchSeller.statusCode).toBe(200);
      expect(patchSeller.json().address).toBe('Ấp Tân Hòa');
      const patch = await app.inject({ method: 'PATCH', url: `/v1/products/${productA.id}`, headers: bearer(managerA), payload: { priceVnd: 70000 } });
      expect(patch.statusCode).toBe(200);
      expect(patch.json().priceVnd).toBe(70000);
    });

    it('gets 404 reading another seller and 404 changing it, which stays unchanged', async () => {
      const read = await get(managerA, `/v1/sellers/${sellerB.id}`);
      expect(read.statusCode).toBe(404);
      expect(errorOf(read).code).toBe('NOT_FOUND');
      const patch = await app.inject({ method: 'PATCH', url: `/v1/sellers/${sellerB.id}`, headers: bearer(managerA), payload: { name: 'Chiếm quyền' } });
      expect(patch.statusCode).toBe(404);
      expect((await get(admin, `/v1/sellers/${sellerB.id}`)).json().name).toBe(sellerB.name);
    });

    it('gets 404 reading another seller’s product, exactly as for a product that does not exist', async () => {
      const other = await get(managerA, `/v1/products/${productB.id}`);
      const missing = await get(managerA, `/v1/products/${randomUUID()}`);
      expect(other.statusCode).toBe(404);
      expect(missing.statusCode).toBe(404);
      expect(errorOf(other)).toEqual(errorOf(missing));
      expect((await get(managerA, `/v1/products/${productB.id}/stock-movements`)).statusCode).toBe(404);
    });

    it('gets 404 changing, archiving or restocking another seller’s product, and nothing changes', async () => {
      const before = await productBNow();
      const writes = [
        { method: 'PATCH' as const, url: `/v1/products/${productB.id}`, payload: { name: 'Sen bị sửa' } },
        { method: 'DELETE' as const, url: `/v1/products/${productB.id}` },
        { method: 'POST' as const, url: `/v1/products/${productB.id}/stock`, payload: { set: 0, reason: 'xóa tồn' } },
      ];
      for (const w of writes) {
        const res = await app.inject({ ...w, headers: bearer(managerA) });
        expect(res.statusCode, `${w.method} ${w.url}`).toBe(404);
        expect(errorOf(res).code).toBe('NOT_FOUND');
      }
      expect(await productBNow()).toEqual(before);
    });

    it('gets 404 creating or importing products for another seller, and nothing is stored', async () => {
      const body = productBody({ sellerId: sellerB.id });
      const create = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(managerA), payload: body });
      expect(create.statusCode).toBe(404);
      const sku = `IMP-${randomUUID().slice(0, 8)}`;
      const imp = await app.inject({
        method: 'POST',
        url: `/v1/products/import?sellerId=${sellerB.id}`,
        headers: { ...bearer(managerA), 'content-type': 'text/csv' },
        payload: csv(sku),
      });
      expect(imp.statusCode).toBe(404);
      const listed = (await get(admin, `/v1/products?sellerId=${sellerB.id}&limit=100`)).json().items.map((p: { sku: string }) => p.sku);
      expect(listed).not.toContain(body.sku);
      expect(listed).not.toContain(sku);
    });

    it('gets 403 registering a new seller', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/sellers',
        headers: bearer(managerA),
        payload: { kind: 'household', name: 'Hộ bà Tư', taxCode: uniqueTaxCode(), phone: uniquePhone(), wardCode: '30226', address: 'Ấp 3' },
      });
      expect(res.statusCode).toBe(403);
    });
  });

  describe('post office clerk', () => {
    it('gets 403 listing products and 404 reading one', async () => {
      const list = await get(clerk, '/v1/products');
      expect(list.statusCode).toBe(403);
      expect(errorOf(list).code).toBe('FORBIDDEN');
      const one = await get(clerk, `/v1/products/${productA.id}`);
      expect(one.statusCode).toBe(404);
      expect(errorOf(one).code).toBe('NOT_FOUND');
    });

    it('gets 403 listing sellers and 404 reading one', async () => {
      expect((await get(clerk, '/v1/sellers')).statusCode).toBe(403);
      expect((await get(clerk, `/v1/sellers/${sellerA.id}`)).statusCode).toBe(404);
    });

    it('cannot write products: 403 creating, 404 changing one', async () => {
      const create = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(clerk), payload: productBody({ sellerId: sellerA.id }) });
      expect(create.statusCode).toBe(403);
      const patch = await app.inject({ method: 'PATCH', url: `/v1/products/${productA.id}`, headers: bearer(clerk), payload: { name: 'Không được' } });
      expect(patch.statusCode).toBe(404);
    });

    it('still reads their own account at /v1/me', async () => {
      const res = await get(clerk, '/v1/me');
      expect(res.statusCode).toBe(200);
      expect(res.json().role).toBe('post_office_clerk');
    });
  });
});
