import { randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { products } from '../../db/schema/products.ts';
import { bearer } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser, productBody, uniquePhone, type TestUser } from '../support/fixtures.ts';

const nfd = (s: string) => s.normalize('NFD');

/** Text is stored NFC whatever form the keyboard sent (macOS and some Android IMEs send NFD). */
describe('NFC normalization', () => {
  let app: FastifyInstance;
  let admin: TestUser;
  let manager: TestUser;
  let sellerId: string;

  beforeAll(async () => {
    app = await buildTestApp();
    sellerId = (await makeSeller(app)).id;
    [admin, manager] = await Promise.all([makeUser(app, 'admin'), makeUser(app, 'seller_manager', { sellerId })]);
  });
  afterAll(async () => {
    await app.close();
  });

  it('the NFD test input really differs from NFC (guards the tests below)', () => {
    expect(nfd('Xoài cát Hòa Lộc')).not.toBe('Xoài cát Hòa Lộc');
    expect(nfd('Xoài cát Hòa Lộc').length).toBeGreaterThan('Xoài cát Hòa Lộc'.length);
  });

  it('stores a product sent in NFD as NFC, in the reply, on reading back and in the database', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: bearer(manager),
      payload: productBody({
        name: nfd('Xoài cát Hòa Lộc sấy dẻo'),
        description: nfd('Đặc sản Đồng Tháp, không đường'),
        certifications: [{ type: 'VIETGAP', number: nfd('VG-Đồng-01'), issuedAt: '2024-01-01', expiresAt: '2099-12-31' }],
      }),
    });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created.name).toBe('Xoài cát Hòa Lộc sấy dẻo');
    expect(created.description).toBe('Đặc sản Đồng Tháp, không đường');
    expect(created.certifications[0].number).toBe('VG-Đồng-01');

    const read = (await app.inject({ method: 'GET', url: `/v1/products/${created.id}`, headers: bearer(manager) })).json();
    expect(read.name).toBe('Xoài cát Hòa Lộc sấy dẻo');
    const [row] = await app.db.select({ name: products.name, description: products.description }).from(products).where(eq(products.id, created.id));
    expect(row).toEqual({ name: 'Xoài cát Hòa Lộc sấy dẻo', description: 'Đặc sản Đồng Tháp, không đường' });
  });

  it('finds an NFD-entered product by an NFC query, an NFD query and a query without diacritics', async () => {
    const name = `Bánh phồng tôm Sa Đéc ${randomInt(1e6)}`;
    const created = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(manager), payload: productBody({ name: nfd(name) }) });
    expect(created.statusCode).toBe(201);
    for (const q of ['phồng tôm sa đéc', nfd('phồng tôm sa đéc'), 'phong tom sa dec']) {
      const res = await app.inject({ method: 'GET', url: `/v1/products?sellerId=${sellerId}&q=${encodeURIComponent(q)}`, headers: bearer(manager) });
      expect(res.statusCode).toBe(200);
      expect(res.json().items.map((p: { name: string }) => p.name), q).toEqual([name]);
    }
  });

  it('normalizes a PATCH sent in NFD, so an NFC re-send of the same name is no change', async () => {
    const created = (await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(manager), payload: productBody() })).json();
    const patched = await app.inject({ method: 'PATCH', url: `/v1/products/${created.id}`, headers: bearer(manager), payload: { name: nfd('Quýt hồng Lai Vung') } });
    expect(patched.json().name).toBe('Quýt hồng Lai Vung');
    const again = await app.inject({ method: 'PATCH', url: `/v1/products/${created.id}`, headers: bearer(manager), payload: { name: 'Quýt hồng Lai Vung' } });
    expect(again.json().version).toBe(patched.json().version);
  });

  it('measures name length in NFC characters: a 200-character name sent as NFD is accepted', async () => {
    const name = 'Ổ'.repeat(200);
    expect(nfd(name).length).toBeGreaterThan(200);
    const res = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(manager), payload: productBody({ name: nfd(name) }) });
    expect(res.statusCode).toBe(201);
    expect(res.json().name).toBe(name);
  });

  it('stores a seller and a user sent in NFD as NFC', async () => {
    const seller = await app.inject({
      method: 'POST',
      url: '/v1/sellers',
      headers: bearer(admin),
      payload: { kind: 'cooperative', name: nfd('HTX Nông nghiệp Mỹ Hiệp'), phone: uniquePhone(), wardCode: '30112', address: nfd('Ấp Mỹ Thới') },
    });
    expect(seller.statusCode).toBe(201);
    expect(seller.json()).toMatchObject({ name: 'HTX Nông nghiệp Mỹ Hiệp', address: 'Ấp Mỹ Thới' });
    const user = await app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: bearer(admin),
      payload: { phone: uniquePhone(), name: nfd('Nguyễn Thị Đào'), password: 'mật-khẩu-dài', role: 'provincial_staff' },
    });
    expect(user.statusCode).toBe(201);
    expect(user.json().name).toBe('Nguyễn Thị Đào');
  });

  it('lets a password typed in NFD log in against the same password set in NFC', async () => {
    const phone = uniquePhone();
    const password = 'Mật khẩu Đồng Tháp';
    const created = await app.inject({ method: 'POST', url: '/v1/users', headers: bearer(admin), payload: { phone, name: 'Cán bộ', password, role: 'provincial_staff' } });
    expect(created.statusCode).toBe(201);
    const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { phone, password: nfd(password) } });
    expect(login.statusCode).toBe(200);
  });

  it('stores CSV rows sent in NFD as NFC, and re-importing the NFC form changes nothing', async () => {
    const sku = `NFD-${randomInt(1e9)}`;
    const row = (name: string) => `sku,name,category,unit,priceVnd,weightGrams,originWardCode\n${sku},${name},processed,goi,50000,200,30112\n`;
    const first = await app.inject({
      method: 'POST',
      url: '/v1/products/import',
      headers: { ...bearer(manager), 'content-type': 'text/csv' },
      payload: row(nfd('Khô cá lóc đồng')),
    });
    expect(first.json()).toMatchObject({ created: 1, rejected: [] });
    const [stored] = await app.db.select({ name: products.name }).from(products).where(eq(products.sku, sku));
    expect(stored?.name).toBe('Khô cá lóc đồng');
    const second = await app.inject({
      method: 'POST',
      url: '/v1/products/import',
      headers: { ...bearer(manager), 'content-type': 'text/csv' },
      payload: row('Khô cá lóc đồng'),
    });
    expect(second.json()).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
  });
});
