import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { activeProduct, call, connectShop, control, productBody, startTestSandbox, uniqueSku, type Shop } from '../support/sandbox.ts';

let sb: RunningSandbox;
let shop: Shop;

beforeAll(async () => {
  sb = await startTestSandbox();
  shop = await connectShop(sb.url);
});
afterAll(async () => {
  await sb?.close();
});

describe('Idempotency-Key (postmart-api.md#idempotency-and-versions)', () => {
  it('is required on POST, PATCH and DELETE: 400 INVALID_PARAM naming the header', async () => {
    const id = await activeProduct(sb.url, shop, [{ seller_sku: uniqueSku() }]);
    for (const [method, path, body] of [
      ['POST', '/products', productBody([{ seller_sku: uniqueSku() }])],
      ['PATCH', `/products/${id}`, { name: 'Xoài mới' }],
      ['DELETE', `/products/${id}`, undefined],
    ] as const) {
      const res = await call(sb.url, shop, method, path, { body, idempotencyKey: null });
      expect(res.status, method).toBe(400);
      expect(res.body.error.code).toBe('INVALID_PARAM');
      expect(res.body.error.details[0].field).toBe('Idempotency-Key');
    }
  });

  it('replays the first answer for the same key and body, creating one product only', async () => {
    const key = randomUUID();
    const sku = uniqueSku();
    const body = productBody([{ seller_sku: sku }]);
    const first = await call(sb.url, shop, 'POST', '/products', { body, idempotencyKey: key });
    expect(first.status).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const second = await call(sb.url, shop, 'POST', '/products', { body, idempotencyKey: key });
    expect(second.status).toBe(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body); // the first response, request_id included

    const { products } = await control(sb.url, 'GET', `/shops/${shop.shopId}/products`);
    expect(products.filter((p: { skus: { seller_sku: string }[] }) => p.skus.some((s) => s.seller_sku === sku))).toHaveLength(1);
    const stats = await control(sb.url, 'GET', `/stats?shop_id=${shop.shopId}`);
    expect(stats.idempotent_replays).toBeGreaterThanOrEqual(1);
    expect(stats.objects_created.per_idempotency_key).toContainEqual({ shop_id: shop.shopId, idempotency_key: key, count: 1 });
    expect(stats.objects_created.per_seller_sku).toContainEqual({ shop_id: shop.shopId, seller_sku: sku, count: 1 });
  });

  it('replays error answers too (a 409 stays a 409)', async () => {
    const sku = uniqueSku();
    await call(sb.url, shop, 'POST', '/products', { body: productBody([{ seller_sku: sku }]) });
    const key = randomUUID();
    const body = productBody([{ seller_sku: sku }]);
    const dup = await call(sb.url, shop, 'POST', '/products', { body, idempotencyKey: key });
    expect(dup.status).toBe(409);
    const replay = await call(sb.url, shop, 'POST', '/products', { body, idempotencyKey: key });
    expect(replay.status).toBe(409);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(dup.body);
  });

  it('the same key with a different body is 409 IDEMPOTENCY_KEY_REUSED', async () => {
    const key = randomUUID();
    expect((await call(sb.url, shop, 'POST', '/products', { body: productBody([{ seller_sku: uniqueSku() }]), idempotencyKey: key })).status).toBe(200);
    const res = await call(sb.url, shop, 'POST', '/products', { body: productBody([{ seller_sku: uniqueSku() }]), idempotencyKey: key });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', retryable: false });
  });

  it('concurrent duplicates with one key create one object and both get its answer', async () => {
    const key = randomUUID();
    const body = productBody([{ seller_sku: uniqueSku() }]);
    const [a, b] = await Promise.all([
      call(sb.url, shop, 'POST', '/products', { body, idempotencyKey: key }),
      call(sb.url, shop, 'POST', '/products', { body, idempotencyKey: key }),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.data.product_id).toBe(b.body.data.product_id);
  });

  it('keys belong to one shop: another shop may use the same key for its own request', async () => {
    const other = await connectShop(sb.url, 'HTX Sầu riêng');
    const key = randomUUID();
    const a = await call(sb.url, shop, 'POST', '/products', { body: productBody([{ seller_sku: uniqueSku() }]), idempotencyKey: key });
    const b = await call(sb.url, other, 'POST', '/products', { body: productBody([{ seller_sku: uniqueSku() }]), idempotencyKey: key });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(a.body.data.product_id).not.toBe(b.body.data.product_id);
  });
});
