import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postmartShops } from '../../db/schema/postmart.ts';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { connectShop, control, failure, productPayload, startAppAndSandbox } from '../support/postmart.ts';

let app: FastifyInstance;
let sandbox: RunningSandbox;
let close: () => Promise<void>;

beforeAll(async () => ({ app, sandbox, close } = await startAppAndSandbox()));
afterAll(() => close?.());


describe('Postmart client: the rest of the error table', () => {
  it('refreshes and repeats the call once when Postmart answers ACCESS_TOKEN_EXPIRED for a token it still thought valid', async () => {
    await control(sandbox, 'PUT', '/config', { access_token_ttl_s: 0 });
    const shop = await connectShop(app, sandbox);
    await control(sandbox, 'PUT', '/config', { access_token_ttl_s: 4 * 3600 });
    // Our clock says the token is good for an hour; Postmart's says it has expired.
    await app.db.update(postmartShops).set({ accessExpiresAt: new Date(Date.now() + 3600_000) }).where(eq(postmartShops.shopId, shop.shopId));
    const page = await shop.client.listProducts(shop.shopId, { page_size: 1 });
    expect(page.has_more).toBe(false);
    const stats = await control(sandbox, 'GET', `/stats?partner_id=${shop.partnerId}`);
    const expired = Object.entries(stats.calls as Record<string, Record<string, number>>).filter(([e]) => e.includes('/products'));
    expect(expired.some(([, byStatus]) => (byStatus['401'] ?? 0) === 1)).toBe(true);
    await shop.close();
  });

  it('gives up on a retryable 5xx after its attempts with a typed, retryable INTERNAL or CARRIER_UNAVAILABLE error', async () => {
    const shop = await connectShop(app, sandbox, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
    const { product_id } = await shop.client.createProduct(shop.shopId, productPayload('ERR-1'), 'create:err');
    await control(sandbox, 'POST', `/products/${product_id}/review`, { result: 'APPROVE' });
    const { order_sn } = await control(sandbox, 'POST', '/orders', { shop_id: shop.shopId, items: [{ seller_sku: 'ERR-1', qty: 1 }] });
    await control(sandbox, 'PUT', '/config', { faults: { error_rate: 1 } });
    try {
      const internal = await failure(shop.client.listProducts(shop.shopId));
      expect(internal).toMatchObject({ code: 'INTERNAL', retryable: true });
      expect([500, 503]).toContain(internal.status);
      expect(internal.requestId).toBeTruthy();
      const carrier = await failure(shop.client.tracking(shop.shopId, order_sn));
      expect(carrier).toMatchObject({ code: 'CARRIER_UNAVAILABLE', retryable: true });
    } finally {
      await control(sandbox, 'PUT', '/config', { faults: { error_rate: 0 } });
      await shop.close();
    }
  });

  it('treats a 2xx whose body does not match the contract as UNEXPECTED_RESPONSE carrying the request id', async () => {
    // A Postmart answering off-contract cannot be produced by the faithful sandbox, so a stub stands in.
    const stub = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ request_id: 'req_stub_1', data: { products: 'not-a-list' } }));
    });
    stub.listen(0, '127.0.0.1');
    await once(stub, 'listening');
    const shop = await connectShop(app, sandbox);
    const { client } = shop.makeClient({ baseUrl: `http://127.0.0.1:${(stub.address() as AddressInfo).port}/api/v1` });
    const err = await failure(client.listProducts(shop.shopId));
    expect(err).toMatchObject({ code: 'UNEXPECTED_RESPONSE', retryable: false, requestId: 'req_stub_1' });
    expect(err.message).toContain('/products');
    await shop.close();
    stub.close();
  });
});
