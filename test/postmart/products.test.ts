import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { connectShop, control, failure, productPayload, startAppAndSandbox, type ConnectedShop } from '../support/postmart.ts';

let app: FastifyInstance;
let sandbox: RunningSandbox;
let close: () => Promise<void>;
let shop: ConnectedShop;

beforeAll(async () => {
  ({ app, sandbox, close } = await startAppAndSandbox());
  shop = await connectShop(app, sandbox);
});
afterAll(async () => {
  await shop?.close();
  await close?.();
});


describe('Postmart client: products over real HTTP against the sandbox', () => {
  it('creates, reads, patches with If-Match, unlists, relists and deletes a product', async () => {
    const { client, shopId } = shop;
    const created = await client.createProduct(shopId, productPayload('XOAI-LIFE'), 'create:life');
    expect(created.status).toBe('PENDING_REVIEW');
    await control(sandbox, 'POST', `/products/${created.product_id}/review`, { result: 'APPROVE' });

    const got = await client.getProduct(shopId, created.product_id);
    expect(got.status).toBe('ACTIVE');
    expect(got.skus?.[0]).toMatchObject({ seller_sku: 'XOAI-LIFE', price: 65000, stock: 100 });

    const patched = await client.updateProduct(shopId, created.product_id, { name: 'Xoài cát Hòa Lộc loại 1' }, 'patch:life:1', got.version);
    expect(patched.version).toBe(got.version + 1);
    expect(patched.name).toBe('Xoài cát Hòa Lộc loại 1');

    const stale = await failure(client.updateProduct(shopId, created.product_id, { name: 'Xoài cát' }, 'patch:life:2', got.version));
    expect(stale).toMatchObject({ code: 'VERSION_CONFLICT', status: 409, retryable: false });
    expect(stale.requestId).toBeTruthy();

    await client.unlistProduct(shopId, created.product_id, 'unlist:life');
    expect((await client.getProduct(shopId, created.product_id)).status).toBe('UNLISTED');
    await client.relistProduct(shopId, created.product_id, 'relist:life');
    expect((await client.getProduct(shopId, created.product_id)).status).toBe('ACTIVE');
    await client.deleteProduct(shopId, created.product_id, 'delete:life');
    expect((await client.getProduct(shopId, created.product_id)).status).toBe('DELETED');
  });

  it('pages through the shop products with a cursor', async () => {
    const { client, shopId } = shop;
    for (const n of [1, 2, 3]) await client.createProduct(shopId, productPayload(`PAGE-${n}`), `create:page:${n}`);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listProducts(shopId, { page_size: 2, ...(cursor ? { cursor } : {}) });
      expect(page.products.length).toBeLessThanOrEqual(2);
      seen.push(...page.products.flatMap((p) => (p.skus ?? []).map((s) => s.seller_sku)));
      cursor = page.has_more ? (page.next_cursor ?? undefined) : undefined;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining(['PAGE-1', 'PAGE-2', 'PAGE-3']));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('pushes prices and stock in batches with per-item results', async () => {
    const { client, shopId } = shop;
    await client.createProduct(shopId, productPayload('BATCH-1'), 'create:batch:1');
    const prices = await client.batchPrices(shopId, [
      { seller_sku: 'BATCH-1', price: 70000 },
      { seller_sku: 'NO-SUCH-SKU', price: 1000 },
    ], 'prices:1');
    expect(prices.items.find((i) => i.seller_sku === 'BATCH-1')?.ok).toBe(true);
    expect(prices.items.find((i) => i.seller_sku === 'NO-SUCH-SKU')).toMatchObject({ ok: false });
    const stock = await client.batchStock(shopId, [{ seller_sku: 'BATCH-1', stock: 7 }], 'stock:1');
    expect(stock.items).toEqual([expect.objectContaining({ seller_sku: 'BATCH-1', ok: true })]);
    const remote = await control<{ products: { skus: { seller_sku: string; price: number; stock: number }[] }[] }>(sandbox, 'GET', `/shops/${shopId}/products`);
    const sku = remote.products.flatMap((p) => p.skus).find((s) => s.seller_sku === 'BATCH-1');
    expect(sku).toMatchObject({ price: 70000, stock: 7 });
  });

  it('replays an idempotent create instead of creating twice, and refuses a reused key with another body', async () => {
    const { client, shopId } = shop;
    const first = await client.createProduct(shopId, productPayload('IDEM-1'), 'create:idem');
    const again = await client.createProduct(shopId, productPayload('IDEM-1'), 'create:idem');
    expect(again.product_id).toBe(first.product_id);
    const reused = await failure(client.createProduct(shopId, productPayload('IDEM-2'), 'create:idem'));
    expect(reused).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 409, retryable: false });
    const stats = await control(sandbox, 'GET', `/stats?shop_id=${shopId}`);
    expect(stats.objects_created.per_idempotency_key.find((k: { idempotency_key: string }) => k.idempotency_key === 'create:idem').count).toBe(1);
    expect(stats.idempotent_replays).toBeGreaterThanOrEqual(1);
  });

  it('surfaces the contract error codes as typed, non-retryable errors', async () => {
    const { client, shopId } = shop;
    const invalid = await failure(client.createProduct(shopId, { ...productPayload('BAD'), weight_grams: -1 }, 'create:bad'));
    expect(invalid).toMatchObject({ code: 'INVALID_PARAM', status: 400, retryable: false });
    expect(JSON.stringify(invalid.opts.details)).toContain('weight_grams');

    await client.createProduct(shopId, productPayload('DUP-1'), 'create:dup:a');
    const dup = await failure(client.createProduct(shopId, productPayload('DUP-1'), 'create:dup:b'));
    expect(dup).toMatchObject({ code: 'DUPLICATE_SELLER_SKU', status: 409 });

    const missing = await failure(client.getProduct(shopId, 'no-such-product'));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', status: 404, retryable: false });
  });
});
