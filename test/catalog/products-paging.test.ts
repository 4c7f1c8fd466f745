import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser, productBody, type TestUser } from '../support/fixtures.ts';

type Page = { items: { id: string; sellerId: string; createdAt: string }[]; nextCursor: string | null };

/** Keyset paging on the time-ordered id: pages neither repeat nor skip rows while rows are being added. */
describe('cursor paging', () => {
  let app: FastifyInstance;
  let admin: TestUser;
  let manager: TestUser;
  let sellerId: string;
  const existing: string[] = [];

  beforeAll(async () => {
    app = await buildTestApp();
    sellerId = (await makeSeller(app)).id;
    [admin, manager] = await Promise.all([makeUser(app, 'admin'), makeUser(app, 'seller_manager', { sellerId })]);
    for (let i = 0; i < 23; i++) existing.push(await create(`Sản phẩm ${i}`));
  });
  afterAll(async () => {
    await app.close();
  });

  async function create(name: string): Promise<string> {
    const res = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(manager), payload: productBody({ name }) });
    expect(res.statusCode).toBe(201);
    return res.json().id;
  }

  async function page(user: TestUser, query: string, cursor: string | null): Promise<Page> {
    const res = await app.inject({ method: 'GET', url: `/v1/products?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: bearer(user) });
    expect(res.statusCode).toBe(200);
    return res.json();
  }

  it('pages through a seller’s products newest first without duplicates or gaps while new products are inserted concurrently', async () => {
    const seen: string[] = [];
    const added: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      // Each fetch races two inserts for the same seller.
      const [p, a, b]: [Page, string, string] = await Promise.all([
        page(admin, `sellerId=${sellerId}&limit=4`, cursor),
        create(`Mới thêm ${pages}a`),
        create(`Mới thêm ${pages}b`),
      ]);
      added.push(a, b);
      expect(p.items.length).toBeLessThanOrEqual(4);
      seen.push(...p.items.map((i) => i.id));
      cursor = p.nextCursor;
      pages += 1;
      expect(pages).toBeLessThan(50);
    } while (cursor);

    expect(new Set(seen).size).toBe(seen.length);
    for (const id of existing) expect(seen.filter((s) => s === id)).toHaveLength(1);
    // Newest first: ids (UUIDv7) strictly descending across all pages.
    expect([...seen].sort().reverse()).toEqual(seen);
    // Whatever was seen belongs to the seller: the existing products plus, at most, inserts that won the race to page one.
    for (const id of seen) expect(existing.includes(id) || added.includes(id)).toBe(true);
  });

  it('gives a seller manager the same complete, duplicate-free walk of their own catalog', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const p = await page(manager, 'limit=7', cursor);
      for (const item of p.items) expect(item.sellerId).toBe(sellerId);
      seen.push(...p.items.map((i) => i.id));
      cursor = p.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of existing) expect(seen).toContain(id);
  });

  it('ends with nextCursor null on the last page, and a full last page has no phantom next page', async () => {
    const all = await page(admin, `sellerId=${sellerId}&limit=100`, null);
    expect(all.nextCursor).toBeNull();
    const exact = await page(admin, `sellerId=${sellerId}&limit=${all.items.length}`, null);
    expect(exact.items).toHaveLength(all.items.length);
    expect(exact.nextCursor).toBeNull();
  });

  it('keeps the filter when paging a search', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const p = await page(admin, `sellerId=${sellerId}&q=${encodeURIComponent('san pham')}&limit=5`, cursor);
      seen.push(...p.items.map((i) => i.id));
      cursor = p.nextCursor;
    } while (cursor);
    expect([...seen].sort()).toEqual([...existing].sort());
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['JSON without an id', Buffer.from('{"x":"1"}').toString('base64url')],
    ['an id that is not a UUID', Buffer.from(`{"id":"1 OR 1=1"}`).toString('base64url')],
  ])('refuses a cursor that is %s with 400 naming cursor', async (_what, cursor) => {
    const res = await app.inject({ method: 'GET', url: `/v1/products?cursor=${cursor}`, headers: bearer(admin) });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'cursor' });
  });

  it.each(['0', '101', 'ten'])('refuses limit=%s with 400 naming limit', async (limit) => {
    const res = await app.inject({ method: 'GET', url: `/v1/products?limit=${limit}`, headers: bearer(admin) });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).field).toBe('limit');
  });

  it('pages sellers the same way: every seller that existed before is seen exactly once while sellers are added', async () => {
    const before = await Promise.all([makeSeller(app), makeSeller(app), makeSeller(app)]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const [res]: [LightMyRequestResponse, unknown] = await Promise.all([
        app.inject({ method: 'GET', url: `/v1/sellers?limit=10${cursor ? `&cursor=${cursor}` : ''}`, headers: bearer(admin) }),
        makeSeller(app),
      ]);
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().items.map((s: { id: string }) => s.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const s of before) expect(seen.filter((id) => id === s.id)).toHaveLength(1);
    expect(seen).toContain(sellerId);
  });
});
