import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.ts';
import { errorOf } from '../support/http.ts';

type Commune = { code: string; name: string; type: string; fullName: string; altSpelling: string };

/** Public reference data: the 102 communes of Đồng Tháp after the 2025 reform, and the pre-2025 mapping. */
describe('communes', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  async function search(query: string): Promise<Commune[]> {
    const res = await app.inject({ method: 'GET', url: `/v1/communes${query}` });
    expect(res.statusCode).toBe(200);
    return res.json().items;
  }
  const codes = (items: Commune[]) => items.map((c) => c.code).sort();

  it('lists all 102 communes without a login: 20 phường and 82 xã', async () => {
    const all = await search('');
    expect(all).toHaveLength(102);
    expect(all.filter((c) => c.type === 'phuong')).toHaveLength(20);
    expect(codes(await search('?type=xa'))).toHaveLength(82);
  });

  it('`cao lanh` finds Phường Cao Lãnh, ignoring case and diacritics', async () => {
    const found = await search(`?q=${encodeURIComponent('cao lanh')}`);
    expect(found.map((c) => c.fullName)).toContain('Phường Cao Lãnh');
    expect(found.every((c) => /cao lãnh/i.test(c.fullName))).toBe(true);
    expect(codes(await search(`?q=${encodeURIComponent('CAO LÃNH')}`))).toEqual(codes(found));
  });

  it('`dao thanh` finds Phường Đạo Thạnh: d matches đ', async () => {
    const found = await search(`?q=${encodeURIComponent('dao thanh')}`);
    expect(found.map((c) => c.fullName)).toEqual(['Phường Đạo Thạnh']);
  });

  it('finds a commune by either tone-mark spelling, Hoà or Hòa', async () => {
    const oldStyle = await search(`?q=${encodeURIComponent('Thanh Hoà')}`);
    const newStyle = await search(`?q=${encodeURIComponent('Thanh Hòa')}`);
    const bare = await search('?q=thanh%20hoa');
    expect(oldStyle.map((c) => c.code)).toContain('28436');
    expect(codes(newStyle)).toEqual(codes(oldStyle));
    expect(codes(bare)).toEqual(codes(oldStyle));
  });

  it('finds a commune from a query typed in NFD', async () => {
    const found = await search(`?q=${encodeURIComponent('Tháp Mười'.normalize('NFD'))}`);
    expect(found.map((c) => c.code)).toEqual(['30037']);
  });

  it('combines q with type and honours limit', async () => {
    const xa = await search('?q=tan&type=xa');
    expect(xa.length).toBeGreaterThan(1);
    expect(xa.every((c) => c.type === 'xa')).toBe(true);
    expect(await search('?q=tan&type=xa&limit=1')).toHaveLength(1);
  });

  it('returns nothing for a query that matches no commune', async () => {
    expect(await search('?q=zzzz')).toEqual([]);
  });

  it('returns one commune by code, 404 for an unknown code and 400 naming code for a malformed one', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/communes/30112' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ code: '30112', fullName: 'Xã Mỹ Hiệp', type: 'xa' });
    const missing = await app.inject({ method: 'GET', url: '/v1/communes/99999' });
    expect(missing.statusCode).toBe(404);
    expect(errorOf(missing).message).toBe('Không tìm thấy xã/phường');
    const bad = await app.inject({ method: 'GET', url: '/v1/communes/abc' });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).field).toBe('code');
  });

  it('maps a pre-2025 commune fully merged into a new one', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/communes/legacy/28252' });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      expect.objectContaining({ oldCode: '28252', oldName: 'Phường 4', mergeType: 'full', commune: expect.objectContaining({ code: '28249', fullName: 'Phường Đạo Thạnh' }) }),
    ]);
  });

  it('maps a pre-2025 commune that was split to every commune it went into', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/communes/legacy/29995' });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { mergeType: string; commune: Commune }[];
    expect(items.map((i) => i.commune.code)).toEqual(['29992', '30154']);
    expect(items.every((i) => i.mergeType === 'partial')).toBe(true);
  });

  it('answers 404 for a legacy code with no mapping', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/communes/legacy/00000', headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res)).toEqual({ code: 'NOT_FOUND', message: 'Commune not found' });
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=201', 'limit'],
    ['?type=tinh', 'type'],
    [`?q=${'a'.repeat(101)}`, 'q'],
    ['?province=82', 'province'],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    const res = await app.inject({ method: 'GET', url: `/v1/communes${query}` });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).field).toBe(field);
  });
});
