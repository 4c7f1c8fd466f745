import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser, productBody, type TestUser } from '../support/fixtures.ts';

/** Catalog search ignores case and Vietnamese diacritics, and đ folds to d (f_search_text in the database). */
describe('product search', () => {
  let app: FastifyInstance;
  let manager: TestUser;
  let staff: TestUser;
  let admin: TestUser;
  let sellerId: string;
  const names = {
    xoai: 'Xoài cát Hòa Lộc',
    banh: 'Bánh phồng tôm Đồng Tháp',
    dau: 'Đậu phộng rang',
    sen: 'Trà sen Tháp Mười',
    percent: 'Nước cốt 100% chanh',
  };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await buildTestApp();
    const seller = await makeSeller(app);
    sellerId = seller.id;
    [manager, staff, admin] = await Promise.all([
      makeUser(app, 'seller_manager', { sellerId }),
      makeUser(app, 'provincial_staff'),
      makeUser(app, 'admin'),
    ]);
    for (const [key, name] of Object.entries(names)) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/products',
        headers: bearer(manager),
        payload: productBody({ name, category: key === 'xoai' ? 'fruit' : 'processed', status: key === 'sen' ? 'active' : 'draft' }),
      });
      expect(res.statusCode).toBe(201);
      ids[key] = res.json().id;
    }
  });
  afterAll(async () => {
    await app.close();
  });

  /** Names found by `q`, searching only this test's seller (other files share the database). */
  async function search(q: string, extra = ''): Promise<string[]> {
    const res = await app.inject({
      method: 'GET',
      url: `/v1/products?sellerId=${sellerId}&limit=100&q=${encodeURIComponent(q)}${extra}`,
      headers: bearer(staff),
    });
    expect(res.statusCode).toBe(200);
    return res.json().items.map((p: { name: string }) => p.name).sort();
  }

  it('`xoai cat` finds `Xoài cát Hòa Lộc`', async () => {
    expect(await search('xoai cat')).toEqual([names.xoai]);
  });

  it('`dong thap` finds `Đồng Tháp`', async () => {
    expect(await search('dong thap')).toEqual([names.banh]);
  });

  it('`d` finds words spelled with `đ`, and only names containing d or đ', async () => {
    expect(await search('d')).toEqual([names.banh, names.dau].sort());
    expect(await search('dau phong')).toEqual([names.dau]);
  });

  it('ignores case and accepts the query with its diacritics too', async () => {
    expect(await search('XOÀI CÁT')).toEqual([names.xoai]);
    expect(await search('Đồng Tháp')).toEqual([names.banh]);
    expect(await search('ĐẬU')).toEqual([names.dau]);
  });

  it('treats the old tone-mark placement (Hoà) like the new one (Hòa)', async () => {
    expect(await search('Hoà Lộc')).toEqual([names.xoai]);
  });

  it('requires every term, in any order', async () => {
    expect(await search('loc hoa xoai')).toEqual([names.xoai]);
    expect(await search('thap')).toEqual([names.banh, names.sen].sort());
    expect(await search('xoai thap')).toEqual([]);
  });

  it('matches % and _ literally rather than as wildcards', async () => {
    expect(await search('%')).toEqual([names.percent]);
    expect(await search('100%')).toEqual([names.percent]);
    expect(await search('_')).toEqual([]);
  });

  it('combines the search with the category and status filters', async () => {
    expect(await search('thap', '&category=processed&status=active')).toEqual([names.sen]);
    expect(await search('xoai', '&category=processed')).toEqual([]);
  });

  it('keeps a seller manager’s search inside their own seller', async () => {
    const other = await makeSeller(app);
    const otherXoai = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(admin), payload: productBody({ sellerId: other.id }) });
    expect(otherXoai.statusCode).toBe(201);
    const res = await app.inject({ method: 'GET', url: `/v1/products?q=xoai&limit=100`, headers: bearer(manager) });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((p: { id: string }) => p.id)).toEqual([ids.xoai]);
    const all = await app.inject({ method: 'GET', url: `/v1/products?q=xoai&sellerId=${other.id}`, headers: bearer(admin) });
    expect(all.json().items.map((p: { id: string }) => p.id)).toEqual([otherXoai.json().id]);
  });

  it('refuses a query longer than 100 characters with 400 naming q', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/products?q=${'a'.repeat(101)}`, headers: bearer(staff) });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).field).toBe('q');
  });
});
