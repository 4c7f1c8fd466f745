import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { activeProduct, call, connectShop, control, plain, productBody, startTestSandbox, uniqueSku } from '../support/sandbox.ts';

let sb: RunningSandbox;

beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb?.close();
});

describe('control API (postmart-api.md#the-sandbox)', () => {
  it('partners, webhooks and shops answer the shapes of the contract', async () => {
    const partner = await control(sb.url, 'POST', '/partners', { name: 'Kết nối Đồng Tháp' });
    expect(partner).toEqual({ partner_id: expect.any(String), partner_key: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const hook = await plain(sb.url, 'PUT', `/sandbox/partners/${partner.partner_id}/webhook`, { url: 'http://127.0.0.1:9/hook' });
    expect(hook.status).toBe(204);
    expect(hook.body).toBeNull();
    const shop = await control(sb.url, 'POST', '/shops', { partner_id: partner.partner_id, name: 'HTX Nông nghiệp Mỹ Hiệp' });
    expect(shop).toEqual({ shop_id: expect.any(String) });
    const unknown = await plain(sb.url, 'POST', '/sandbox/shops', { partner_id: 'ptn_nobody', name: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const bad = await plain(sb.url, 'POST', '/sandbox/partners', { name: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('name');
  });

  it('lists a shop\u2019s products (any status) and orders (full details) in contract form', async () => {
    const shop = await connectShop(sb.url);
    const sku = uniqueSku('NHAN');
    const id = await activeProduct(sb.url, shop, [{ seller_sku: sku, price: 55_000, stock: 5 }]);
    const doomed = await call(sb.url, shop, 'POST', '/products', { body: productBody([{ seller_sku: uniqueSku() }]) });
    await call(sb.url, shop, 'DELETE', `/products/${doomed.body.data.product_id}`);
    const { products } = await control(sb.url, 'GET', `/shops/${shop.shopId}/products`);
    expect(products.map((p: { status: string }) => p.status).sort()).toEqual(['ACTIVE', 'DELETED']);
    expect(products.find((p: { product_id: string }) => p.product_id === id)).toMatchObject({ skus: [{ seller_sku: sku, price: 55_000, stock: 5 }], version: 1 });

    const placed = await control(sb.url, 'POST', '/orders', {
      shop_id: shop.shopId,
      items: [{ seller_sku: sku, qty: 2 }],
      payment_method: 'BANK_TRANSFER',
      fulfillment: { mode: 'HOME_DELIVERY' },
      recipient: { name: 'Trần Thị Mai', ward_code: '29905' },
    });
    expect(placed).toEqual({ order_sn: expect.stringMatching(/^\d{6}[0-9A-Z]{8}$/) });
    const { orders } = await control(sb.url, 'GET', `/shops/${shop.shopId}/orders`);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({
      order_sn: placed.order_sn,
      status: 'READY_TO_SHIP',
      payment_method: 'BANK_TRANSFER',
      total_amount: 2 * 55_000 + 25_000,
      recipient: { name: 'Trần Thị Mai', ward_code: '29905', ward_name: 'Sa Đéc', province_code: '82', province_name: 'Đồng Tháp' },
      tracking_events: [],
    });
    const wrongWard = await plain(sb.url, 'POST', '/sandbox/orders', { shop_id: shop.shopId, items: [{ seller_sku: sku, qty: 1 }], recipient: { ward_code: '99999' } });
    expect(wrongWard.body.error.details[0].field).toBe('recipient.ward_code');
    const unknownEvent = await plain(sb.url, 'POST', `/sandbox/orders/${placed.order_sn}/events`, { type: 'LOST_AT_SEA' });
    expect(unknownEvent.body.error.details[0].field).toBe('type');
  });

  it('PUT /sandbox/config merges any subset and answers the whole config', async () => {
    const config = await control(sb.url, 'PUT', '/config', { faults: { latency_ms: 0 }, webhooks: { delay_ms: 0 } });
    expect(Object.keys(config).sort()).toEqual(
      ['access_token_ttl_s', 'faults', 'order_visibility_delay_ms', 'rate_limit', 'retry_after_grace_ms', 'review_delay_ms', 'webhook_retry_factor', 'webhooks'].sort(),
    );
    expect(config.faults).toEqual({ error_rate: 0, reset_rate: 0, latency_ms: 0 });
    expect(config.webhooks).toEqual({ enabled: true, duplicate_rate: 0, reorder: false, delay_ms: 0, drop_rate: 0 });
    const bad = await plain(sb.url, 'PUT', '/sandbox/config', { faults: { error_rate: 2 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('faults.error_rate');
    expect(await control(sb.url, 'GET', '/config')).toEqual(config);
  });

  it('the buyer generator places orders at the given rate until total, and stops on DELETE', async () => {
    const shop = await connectShop(sb.url);
    await activeProduct(sb.url, shop, [{ seller_sku: uniqueSku('GEN'), stock: 1000 }]);
    const started = await control(sb.url, 'POST', '/generator', { shop_ids: [shop.shopId], orders_per_second: 50, total: 10 });
    expect(started).toMatchObject({ running: true, orders_per_second: 50, total: 10 });
    let status = started;
    for (let i = 0; i < 100 && status.running; i++) {
      await sleep(50);
      status = await control(sb.url, 'GET', '/generator');
    }
    expect(status).toMatchObject({ running: false, created: 10, refused: 0 });
    expect((await control(sb.url, 'GET', `/shops/${shop.shopId}/orders`)).orders).toHaveLength(10);

    await control(sb.url, 'POST', '/generator', { shop_ids: [shop.shopId], orders_per_second: 5 });
    const stopped = await control(sb.url, 'DELETE', '/generator');
    expect(stopped.running).toBe(false);
    const unknown = await plain(sb.url, 'POST', '/sandbox/generator', { shop_ids: ['shop_nobody'], orders_per_second: 1 });
    expect(unknown.status).toBe(404);
  });

  it('GET /sandbox/stats answers calls by endpoint and status and the other counters', async () => {
    const shop = await connectShop(sb.url);
    await call(sb.url, shop, 'GET', '/products');
    await call(sb.url, shop, 'GET', '/products/nope');
    await call(sb.url, shop, 'POST', '/products/prices:batch', { body: { items: [{ seller_sku: 'nope', price: 1 }] } });
    const stats = await control(sb.url, 'GET', `/stats?shop_id=${shop.shopId}`);
    expect(stats).toMatchObject({
      calls: {
        'GET /api/v1/products': { '200': 1 },
        'GET /api/v1/products/{product_id}': { '404': 1 },
        'POST /api/v1/products/prices:batch': { '200': 1 },
      },
      total_calls: 3,
      rate_limited: 0,
      calls_during_retry_after: 0,
      idempotent_replays: 0,
      objects_created: { per_idempotency_key: [], per_seller_sku: [] },
      webhooks: { sent: 0, acknowledged: 0, failed: 0 },
    });
    const all = await control(sb.url, 'GET', '/stats');
    expect(all.total_calls).toBeGreaterThanOrEqual(3);
  });

  it('POST /sandbox/reset is refused unless resets are allowed', async () => {
    const res = await plain(sb.url, 'POST', '/sandbox/reset');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('unknown routes answer the failure envelope', async () => {
    const res = await plain(sb.url, 'GET', '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['x-ratelimit-limit']).toBeDefined();
    expect(res.body).toEqual({ request_id: expect.any(String), error: { code: 'NOT_FOUND', message: expect.any(String), details: [], retryable: false } });
    const control404 = await plain(sb.url, 'GET', '/sandbox/nothing-here');
    expect(control404.status).toBe(404);
    expect(control404.body.error.code).toBe('NOT_FOUND');
  });
});
