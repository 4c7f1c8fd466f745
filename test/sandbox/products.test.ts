import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { activeProduct, call, connectShop, control, nowS, productBody, startTestSandbox, uniqueSku, WebhookReceiver, type Shop } from '../support/sandbox.ts';

let sb: RunningSandbox;
let shop: Shop;
let receiver: WebhookReceiver;

beforeAll(async () => {
  sb = await startTestSandbox();
  receiver = await new WebhookReceiver().start();
  shop = await connectShop(sb.url);
  await control(sb.url, 'PUT', `/partners/${shop.partnerId}/webhook`, { url: receiver.url });
});
afterAll(async () => {
  await sb?.close();
  await receiver?.close();
});

describe('products (postmart-api.md#products)', () => {
  it('creates a product in PENDING_REVIEW and answers {product_id, version, status}', async () => {
    const res = await call(sb.url, shop, 'POST', '/products', { body: productBody([{ seller_sku: uniqueSku() }]) });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ product_id: expect.any(String), version: 1, status: 'PENDING_REVIEW' });
    const got = await call(sb.url, shop, 'GET', `/products/${res.body.data.product_id}`);
    expect(got.body.data).toMatchObject({ name: 'Xoài cát Hòa Lộc loại 1', unit: 'kg', version: 1, status: 'PENDING_REVIEW', origin: { ward_code: '28261' } });
    expect(got.body.data.update_time).toBeGreaterThan(nowS() - 60);
  });

  it('names the bad field in INVALID_PARAM details', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ unit: 'tan' }, 'unit'],
      [{ weight_grams: 0 }, 'weight_grams'],
      [{ skus: [{ seller_sku: 'A', variant_name: 'x', price: 1000.5, stock: 1 }] }, 'skus[0].price'],
      [{ skus: [{ seller_sku: 'A', variant_name: 'x', price: '1000', stock: 1 }] }, 'skus[0].price'],
      [{ certifications: [{ type: 'OCOP_6_STAR', number: '1', expires_at: 1 }] }, 'certifications[0].type'],
      [{ origin: { province_code: '82', ward_code: '1' } }, 'origin.ward_code'],
      [{ colour: 'yellow' }, 'colour'],
    ];
    for (const [over, field] of cases) {
      const res = await call(sb.url, shop, 'POST', '/products', { body: productBody([{ seller_sku: uniqueSku() }], over) });
      expect(res.status, field).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'INVALID_PARAM', retryable: false });
      expect(res.body.error.details[0].field, JSON.stringify(res.body.error)).toBe(field);
    }
    const { name: _n, ...noName } = productBody([{ seller_sku: uniqueSku() }]);
    const missing = await call(sb.url, shop, 'POST', '/products', { body: noName });
    expect(missing.body.error.details[0].field).toBe('name');
  });

  it('refuses text that is not NFC', async () => {
    const res = await call(sb.url, shop, 'POST', '/products', { body: productBody([{ seller_sku: uniqueSku() }], { name: 'Xoài cát Hòa Lộc'.normalize('NFD') }) });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('name');
  });

  it('seller_sku is unique per shop: DUPLICATE_SELLER_SKU, also within one body; freed by DELETE', async () => {
    const sku = uniqueSku();
    const id = (await call(sb.url, shop, 'POST', '/products', { body: productBody([{ seller_sku: sku }]) })).body.data.product_id;
    const dup = await call(sb.url, shop, 'POST', '/products', { body: productBody([{ seller_sku: sku }]) });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('DUPLICATE_SELLER_SKU');
    const twice = await call(sb.url, shop, 'POST', '/products', { body: productBody([{ seller_sku: 'SAME-X' }, { seller_sku: 'SAME-X' }]) });
    expect(twice.body.error).toMatchObject({ code: 'DUPLICATE_SELLER_SKU', details: [{ field: 'skus[1].seller_sku' }] });
    // Another shop may use the same SKU.
    const other = await connectShop(sb.url, 'HTX khác');
    expect((await call(sb.url, other, 'POST', '/products', { body: productBody([{ seller_sku: sku }]) })).status).toBe(200);

    const del = await call(sb.url, shop, 'DELETE', `/products/${id}`);
    expect(del.body.data.status).toBe('DELETED');
    expect((await call(sb.url, shop, 'POST', '/products', { body: productBody([{ seller_sku: sku }]) })).status).toBe(200);
    const stats = await control(sb.url, 'GET', `/stats?shop_id=${shop.shopId}`);
    expect(stats.objects_created.per_seller_sku).toContainEqual({ shop_id: shop.shopId, seller_sku: sku, count: 2 });
  });

  it('PATCH is partial, bumps version, and a stale If-Match is VERSION_CONFLICT', async () => {
    const id = await activeProduct(sb.url, shop, [{ seller_sku: uniqueSku() }]);
    const v1 = (await call(sb.url, shop, 'GET', `/products/${id}`)).body.data;
    const patched = await call(sb.url, shop, 'PATCH', `/products/${id}`, { body: { name: 'Xoài cát chu' }, headers: { 'If-Match': String(v1.version) } });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ name: 'Xoài cát chu', description: v1.description, version: v1.version + 1, status: 'ACTIVE' });
    const stale = await call(sb.url, shop, 'PATCH', `/products/${id}`, { body: { name: 'Cũ' }, headers: { 'If-Match': String(v1.version) } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'VERSION_CONFLICT', retryable: false });
    const noIfMatch = await call(sb.url, shop, 'PATCH', `/products/${id}`, { body: { shelf_life_days: 10 } });
    expect(noIfMatch.body.data.version).toBe(v1.version + 2);
  });

  it('prices:batch and stock:batch answer per item; one bad item does not fail the batch', async () => {
    const a = uniqueSku();
    const b = uniqueSku();
    const id = await activeProduct(sb.url, shop, [{ seller_sku: a }, { seller_sku: b }]);
    const prices = await call(sb.url, shop, 'POST', '/products/prices:batch', {
      body: { items: [{ seller_sku: a, price: 70_000 }, { seller_sku: 'NO-SUCH-SKU', price: 1 }, { seller_sku: b, price: -5 }, { seller_sku: b, price: 80_000 }] },
    });
    expect(prices.status).toBe(200);
    expect(prices.body.data.items).toEqual([
      { seller_sku: a, ok: true },
      { seller_sku: 'NO-SUCH-SKU', ok: false, error: { code: 'NOT_FOUND', message: expect.any(String) } },
      { seller_sku: b, ok: false, error: { code: 'INVALID_PARAM', message: expect.stringContaining('price') } },
      { seller_sku: b, ok: true },
    ]);
    const stock = await call(sb.url, shop, 'POST', '/products/stock:batch', { body: { items: [{ seller_sku: a, stock: 0 }, { seller_sku: b, stock: 2.5 }] } });
    expect(stock.body.data.items.map((i: { ok: boolean }) => i.ok)).toEqual([true, false]);
    const p = (await call(sb.url, shop, 'GET', `/products/${id}`)).body.data;
    expect(p.skus).toEqual([
      { seller_sku: a, variant_name: 'Hộp 2 kg', price: 70_000, stock: 0 },
      { seller_sku: b, variant_name: 'Hộp 2 kg', price: 80_000, stock: 10 },
    ]);
    const tooMany = await call(sb.url, shop, 'POST', '/products/stock:batch', { body: { items: Array.from({ length: 51 }, () => ({ seller_sku: a, stock: 1 })) } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details[0].field).toBe('items');
  });

  it('unlist, relist and delete follow ACTIVE ↔ UNLISTED, DELETED; others are INVALID_STATE_TRANSITION', async () => {
    const id = await activeProduct(sb.url, shop, [{ seller_sku: uniqueSku() }]);
    expect((await call(sb.url, shop, 'POST', `/products/${id}/relist`)).body.error.code).toBe('INVALID_STATE_TRANSITION');
    expect((await call(sb.url, shop, 'POST', `/products/${id}/unlist`, { body: {} })).body.data.status).toBe('UNLISTED');
    expect((await call(sb.url, shop, 'POST', `/products/${id}/relist`)).body.data.status).toBe('ACTIVE');
    expect((await call(sb.url, shop, 'DELETE', `/products/${id}`)).body.data.status).toBe('DELETED');
    const res = await call(sb.url, shop, 'POST', `/products/${id}/unlist`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('INVALID_STATE_TRANSITION');
  });

  it('review: APPROVE → ACTIVE, REJECT → REJECTED with reject_reason, each with a product.review_result webhook', async () => {
    const approved = await activeProduct(sb.url, shop, [{ seller_sku: uniqueSku() }]);
    const created = await call(sb.url, shop, 'POST', '/products', { body: productBody([{ seller_sku: uniqueSku() }]) });
    const rejectedId = created.body.data.product_id;
    const rejected = await control(sb.url, 'POST', `/products/${rejectedId}/review`, { result: 'REJECT', reason: 'Ảnh mờ' });
    expect(rejected).toMatchObject({ status: 'REJECTED', reject_reason: 'Ảnh mờ' });
    const e1 = await receiver.next((r) => r.json.type === 'product.review_result' && r.json.data.product_id === approved);
    expect(e1.json.data).toMatchObject({ status: 'ACTIVE', update_time: expect.any(Number) });
    const e2 = await receiver.next((r) => r.json.type === 'product.review_result' && r.json.data.product_id === rejectedId);
    expect(e2.json.data).toMatchObject({ status: 'REJECTED', reject_reason: 'Ảnh mờ' });
    // Editing a rejected product resubmits it.
    const fixed = await call(sb.url, shop, 'PATCH', `/products/${rejectedId}`, { body: { images: ['https://cdn.example/xoai-2.jpg'] } });
    expect(fixed.body.data.status).toBe('PENDING_REVIEW');
  });

  it('approves automatically after review_delay_ms', async () => {
    await control(sb.url, 'PUT', '/config', { review_delay_ms: 100 });
    try {
      const created = await call(sb.url, shop, 'POST', '/products', { body: productBody([{ seller_sku: uniqueSku() }]) });
      const id = created.body.data.product_id;
      const event = await receiver.next((r) => r.json.type === 'product.review_result' && r.json.data.product_id === id, 5_000);
      expect(event.json.data.status).toBe('ACTIVE');
      expect((await call(sb.url, shop, 'GET', `/products/${id}`)).body.data.status).toBe('ACTIVE');
    } finally {
      await control(sb.url, 'PUT', '/config', { review_delay_ms: 60_000 });
    }
  });

  it('lists by status and update window, page_size ≤ 100, with a cursor that visits each product once', async () => {
    const mine = await connectShop(sb.url, 'HTX danh sách');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await call(sb.url, mine, 'POST', '/products', { body: productBody([{ seller_sku: uniqueSku() }]) })).body.data.product_id);
    await control(sb.url, 'POST', `/products/${ids[0]}/review`, { result: 'APPROVE' });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await call(sb.url, mine, 'GET', '/products', { query: { page_size: '2', updated_from: String(nowS() - 600), ...(cursor ? { cursor } : {}) } });
      expect(res.status).toBe(200);
      seen.push(...res.body.data.products.map((p: { product_id: string }) => p.product_id));
      if (!res.body.data.has_more) {
        expect(res.body.data.next_cursor).toBeNull();
        break;
      }
      cursor = res.body.data.next_cursor;
    }
    expect([...seen].sort()).toEqual([...ids].sort());
    const active = await call(sb.url, mine, 'GET', '/products', { query: { status: 'ACTIVE' } });
    expect(active.body.data.products.map((p: { product_id: string }) => p.product_id)).toEqual([ids[0]]);
    const old = await call(sb.url, mine, 'GET', '/products', { query: { updated_to: String(nowS() - 3600) } });
    expect(old.body.data.products).toEqual([]);
    const big = await call(sb.url, mine, 'GET', '/products', { query: { page_size: '101' } });
    expect(big.body.error.details[0].field).toBe('page_size');
  });

  it('answers 404 NOT_FOUND for another shop\u2019s product', async () => {
    const id = await activeProduct(sb.url, shop, [{ seller_sku: uniqueSku() }]);
    const other = await connectShop(sb.url, 'HTX lạ');
    const res = await call(sb.url, other, 'GET', `/products/${id}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});
