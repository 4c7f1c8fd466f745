import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser, productBody, type TestUser } from '../support/fixtures.ts';

/** One error body everywhere, { error: { code, message, field? } }, in Vietnamese unless the client prefers English. */
describe('error bodies and their language', () => {
  let app: FastifyInstance;
  let manager: TestUser;

  beforeAll(async () => {
    app = await buildTestApp();
    const seller = await makeSeller(app);
    manager = await makeUser(app, 'seller_manager', { sellerId: seller.id });
  });
  afterAll(async () => {
    await app.close();
  });

  const createProduct = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/products', headers: { ...bearer(manager), ...headers }, payload: productBody(body) });

  it('answers in Vietnamese by default', async () => {
    const res = await createProduct({ priceVnd: 0 });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'Trường «priceVnd»: phải ≥ 1', field: 'priceVnd' } });
  });

  it('answers in English for Accept-Language: en', async () => {
    const res = await createProduct({ priceVnd: 0 }, { 'accept-language': 'en' });
    expect(res.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: "Field 'priceVnd': must be ≥ 1", field: 'priceVnd' } });
  });

  it.each([
    ['en-US,en;q=0.9', 'en'],
    ['vi;q=0.4, en;q=0.8', 'en'],
    ['en;q=0.3, vi', 'vi'],
    ['fr-FR, de', 'vi'],
    ['vi-VN', 'vi'],
  ])('picks the language from Accept-Language %j → %s, honouring q-values', async (header, lang) => {
    const res = await app.inject({ method: 'GET', url: '/v1/me', headers: { 'accept-language': header } });
    expect(errorOf(res).message).toBe(
      lang === 'en' ? 'Authentication required: missing or invalid bearer token' : 'Cần đăng nhập: thiếu hoặc sai mã truy cập (Bearer token)',
    );
  });

  it('translates domain errors too: 404 and 403 in both languages', async () => {
    const missing = '/v1/products/01890000-0000-7000-8000-000000000000';
    expect(errorOf(await app.inject({ method: 'GET', url: missing, headers: bearer(manager) })).message).toBe('Không tìm thấy sản phẩm');
    expect(errorOf(await app.inject({ method: 'GET', url: missing, headers: { ...bearer(manager), 'accept-language': 'en' } })).message).toBe(
      'Product not found',
    );
    const forbidden = await app.inject({ method: 'GET', url: '/v1/users', headers: { ...bearer(manager), 'accept-language': 'en' } });
    expect(forbidden.statusCode).toBe(403);
    expect(errorOf(forbidden)).toEqual({ code: 'FORBIDDEN', message: 'Your role is not allowed to do this' });
  });

  it('rejects an unknown body property with 400 naming it, instead of silently dropping it', async () => {
    const res = await createProduct({ discountPercent: 10 });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toEqual({
      code: 'VALIDATION_FAILED',
      field: 'discountPercent',
      message: 'Trường «discountPercent»: không được phép (trường không xác định)',
    });
  });

  it('rejects an unknown query parameter with 400 naming it', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/products?sort=price', headers: { ...bearer(manager), 'accept-language': 'en' } });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toEqual({ code: 'VALIDATION_FAILED', field: 'sort', message: "Field 'sort': is not allowed (unknown field)" });
  });

  it('explains a name of only spaces in words rather than as a format error', async () => {
    const vi = errorOf(await createProduct({ name: '    ' }));
    expect(vi).toEqual({ code: 'VALIDATION_FAILED', field: 'name', message: 'Trường «name»: phải có ít nhất 2 ký tự, không tính khoảng trắng' });
    const en = errorOf(await createProduct({ name: '    ' }, { 'accept-language': 'en' }));
    expect(en.message).toBe("Field 'name': must have at least 2 characters besides spaces");
  });

  it('names nested fields with dots and indexes', async () => {
    const res = await createProduct({ certifications: [{ type: 'VIETGAP', number: 'A', issuedAt: '2024-01-01', expiresAt: 'soon' }] });
    expect(errorOf(res).field).toBe('certifications[0].expiresAt');
  });

  it('leaves field out of errors that are not about one field', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/me' });
    const body = res.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
  });

  it('a conflict names the field: the same SKU twice for one seller answers 409 on sku', async () => {
    const body = productBody();
    expect((await createProduct(body)).statusCode).toBe(201);
    const again = await createProduct(body, { 'accept-language': 'en' });
    expect(again.statusCode).toBe(409);
    expect(errorOf(again)).toEqual({ code: 'CONFLICT', field: 'sku', message: `Conflict on 'sku': the seller already has a product with SKU ${body.sku}` });
  });
});
