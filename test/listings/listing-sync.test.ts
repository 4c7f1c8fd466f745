import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productListings } from '../../db/schema/listings.ts';
import { products } from '../../db/schema/products.ts';
import { recordTimeDependentChanges } from '../../src/services/outbox/listing-outbox.ts';
import { reserveStock, setStockLocked } from '../../src/services/stock/ledger.ts';
import { bearer } from '../support/http.ts';
import { productBody } from '../support/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { startWorld, type World } from '../support/world.ts';

let world: World;
let seller: Awaited<ReturnType<World['connectSeller']>>;

beforeAll(async () => {
  world = await startWorld();
  seller = await world.connectSeller();
});
afterAll(() => world?.close());

type RemoteProduct = { product_id: string; status: string; name: string; version: number; certifications: { type: string }[]; skus: { seller_sku: string; price: number; stock: number }[] };
const remoteProducts = async () => (await world.control<{ products: RemoteProduct[] }>('GET', `/shops/${seller.shopId}/products`)).products;
const remoteBySku = async (sku: string) => (await remoteProducts()).filter((p) => p.skus.some((s) => s.seller_sku === sku) && p.status !== 'DELETED');
const listingOf = async (id: string) => (await world.app.inject({ url: `/v1/products/${id}/listing`, headers: bearer(seller.manager) })).json();
const patch = (id: string, body: Record<string, unknown>) => world.app.inject({ method: 'PATCH', url: `/v1/products/${id}`, headers: bearer(seller.manager), payload: body });
const callsTo = async (fragment: string) => {
  const stats = await world.control('GET', `/stats?shop_id=${seller.shopId}`);
  return Object.entries(stats.calls as Record<string, Record<string, number>>)
    .filter(([endpoint]) => endpoint.includes(fragment))
    .reduce((n, [, byStatus]) => n + (byStatus['200'] ?? 0), 0);
};
async function createListed(over: Record<string, unknown> = {}) {
  const body = productBody({ status: 'active', images: ['https://example.org/p.jpg'], ...over });
  const res = await world.app.inject({ method: 'POST', url: '/v1/products', headers: bearer(seller.manager), payload: body });
  expect(res.statusCode).toBe(201);
  const product = res.json();
  const [remote] = await eventually(() => remoteBySku(product.sku), (r) => r.length === 1);
  await world.control('POST', `/products/${remote!.product_id}/review`, { result: 'APPROVE' });
  return { product, remoteId: remote!.product_id as string };
}

describe('listing sync: catalog changes reach Postmart', () => {
  it('creates a listing for an active product and shows where it stands', async () => {
    const { product, remoteId } = await createListed({ name: 'Xoài cát Hòa Lộc VietGAP' });
    const [remote] = await remoteBySku(product.sku);
    expect(remote).toMatchObject({ product_id: remoteId, name: 'Xoài cát Hòa Lộc VietGAP', skus: [{ seller_sku: product.sku, price: product.priceVnd, stock: product.stock }] });
    const listing = await eventually(() => listingOf(product.id), (l) => l.postmartProductId === remoteId && l.syncedVersion === product.version);
    expect(listing).toMatchObject({ productId: product.id, lastError: null, notSellableReasons: [] });
    expect(['pending', 'listed']).toContain(listing.status);
    const detail = await world.app.inject({ url: `/v1/products/${product.id}`, headers: bearer(seller.manager) });
    expect(['pending', 'listed']).toContain(detail.json().listingStatus);
  });

  it('does not list a draft, and lists it once it is activated', async () => {
    const res = await world.app.inject({ method: 'POST', url: '/v1/products', headers: bearer(seller.manager), payload: productBody({ images: ['https://example.org/d.jpg'] }) });
    const draft = res.json();
    await eventually(() => listingOf(draft.id), (l) => l.syncedVersion === draft.version);
    expect(await remoteBySku(draft.sku)).toHaveLength(0);
    expect((await listingOf(draft.id)).notSellableReasons).toEqual(['not_active']);
    await patch(draft.id, { status: 'active' });
    await eventually(() => remoteBySku(draft.sku), (r) => r.length === 1);
  });

  it('sends a field change with PATCH and price and stock through the batch endpoints', async () => {
    const { product } = await createListed();
    const batchesBefore = (await callsTo('prices:batch')) + (await callsTo('stock:batch'));
    await patch(product.id, { name: 'Xoài cát Hòa Lộc loại 1' });
    await eventually(() => remoteBySku(product.sku), (r) => r[0]?.name === 'Xoài cát Hòa Lộc loại 1');
    await patch(product.id, { priceVnd: 71000 });
    await world.app.inject({ method: 'POST', url: `/v1/products/${product.id}/stock`, headers: bearer(seller.manager), payload: { set: 3, reason: 'Kiểm kho' } });
    await eventually(() => remoteBySku(product.sku), (r) => r[0]?.skus[0]?.price === 71000 && r[0]?.skus[0]?.stock === 3);
    expect((await callsTo('prices:batch')) + (await callsTo('stock:batch'))).toBeGreaterThan(batchesBefore);
  });

  it("pushes the stock after an order even when a restock brings it back to the value last pushed (Postmart moved its own)", async () => {
    const { product } = await createListed({ stock: 10 });
    await eventually(() => remoteBySku(product.sku), (r) => r[0]?.skus[0]?.stock === 10);
    const syncedStock = async () => (await world.app.db.select({ s: productListings.syncedStock }).from(productListings).where(eq(productListings.productId, product.id)))[0]?.s;
    await eventually(syncedStock, (s) => s === 10);
    // Postmart takes an order's 2 units off its own stock (postmart-api.md#orders), as the sandbox does when a buyer orders.
    await world.app.db.execute(sql`UPDATE postmart_sandbox.skus SET stock = stock - 2 WHERE seller_sku = ${product.sku} AND NOT deleted`);
    // Here the order is reserved and the seller restocks 2 before any push: our stock is 10 again, what we last pushed.
    await world.app.db.transaction(async (tx) => {
      expect(await reserveStock(tx, `TEST-${product.sku}`, [{ productId: product.id, qty: 2 }])).toBe(true);
      const [current] = await tx.select().from(products).where(eq(products.id, product.id)).for('update');
      await setStockLocked(tx, { userId: null }, current!, { delta: 2, reason: 'Nhập thêm' }, 'adjust');
    });
    await eventually(() => remoteBySku(product.sku), (r) => r[0]?.skus[0]?.stock === 10);
  });

  it('collapses ten quick edits into one update carrying the last values', async () => {
    const { product, remoteId } = await createListed();
    await eventually(() => listingOf(product.id), (l) => l.syncedVersion === product.version);
    const patchesBefore = await callsTo('PATCH');
    // "Quick" must not depend on how fast a loaded machine serves ten requests: with the queue paused
    // the ten edits certainly land within one debounce window, whatever the load.
    await world.app.queues.listingSync.pause();
    for (let i = 1; i <= 10; i++) await patch(product.id, { name: `Xoài cát lần sửa ${i}` });
    await world.app.queues.listingSync.resume();
    await eventually(() => remoteBySku(product.sku), (r) => r[0]?.name === 'Xoài cát lần sửa 10');
    await eventually(() => listingOf(product.id), (l) => l.syncedVersion === product.version + 10);
    expect((await callsTo('PATCH')) - patchesBefore).toBe(1);
    expect((await remoteBySku(product.sku))[0]!.product_id).toBe(remoteId);
  });

  it('unlists an archived product and relists it when it is active again', async () => {
    const { product } = await createListed();
    await eventually(() => remoteBySku(product.sku), (r) => r[0]?.status === 'ACTIVE');
    await world.app.inject({ method: 'DELETE', url: `/v1/products/${product.id}`, headers: bearer(seller.manager) });
    await eventually(() => remoteBySku(product.sku), (r) => r[0]?.status === 'UNLISTED');
    // Our row follows Postmart's answer, so it is written just after the remote change is visible.
    await eventually(() => listingOf(product.id), (l) => l.status === 'unlisted');
    await patch(product.id, { status: 'active' });
    await eventually(() => remoteBySku(product.sku), (r) => r[0]?.status === 'ACTIVE');
    await eventually(() => listingOf(product.id), (l) => l.status === 'listed');
  });
});

describe('listing sync: sellable rules', () => {
  it('unlists a product whose harvest window has closed and relists it when a new window opens', async () => {
    const { product } = await createListed({ harvestFrom: '2026-01-01', harvestTo: '2099-12-31' });
    await eventually(() => remoteBySku(product.sku), (r) => r[0]?.status === 'ACTIVE');
    await patch(product.id, { harvestTo: '2026-02-01' });
    await eventually(() => remoteBySku(product.sku), (r) => r[0]?.status === 'UNLISTED');
    expect((await listingOf(product.id)).notSellableReasons).toContain('harvest_closed');
    await patch(product.id, { harvestTo: '2099-12-31' });
    await eventually(() => remoteBySku(product.sku), (r) => r[0]?.status === 'ACTIVE');
  });

  it('unlists a product whose certificate expired, removing the certificate from the listing, and relists it when renewed', async () => {
    const cert = { type: 'VIETGAP', number: 'VG-1', issuedAt: '2025-01-01', expiresAt: '2099-01-01' };
    const { product } = await createListed({ certifications: [cert] });
    await eventually(() => remoteBySku(product.sku), (r) => r[0]?.status === 'ACTIVE' && r[0]?.certifications.length === 1);
    // Time passes: the certificate is now past its expiry (written directly, as the API refuses expired entries).
    await world.app.db.update(products).set({ certifications: [{ ...cert, expiresAt: '2026-01-01' } as never] }).where(eq(products.id, product.id));
    await recordTimeDependentChanges(world.app.db); // what the daily scheduled job runs
    await eventually(() => remoteBySku(product.sku), (r) => r[0]?.status === 'UNLISTED' && r[0]?.certifications.length === 0);
    expect((await listingOf(product.id)).notSellableReasons).toContain('certificate_expired');
    await patch(product.id, { certifications: [{ ...cert, number: 'VG-2', expiresAt: '2099-06-01' }] });
    await eventually(() => remoteBySku(product.sku), (r) => r[0]?.status === 'ACTIVE' && r[0]?.certifications.length === 1);
  });

  it("unlists while the seller's shop is disconnected and relists after it reconnects", async () => {
    const other = await world.connectSeller();
    const res = await world.app.inject({ method: 'POST', url: '/v1/products', headers: bearer(other.manager), payload: productBody({ status: 'active', images: ['https://example.org/s.jpg'] }) });
    const product = res.json();
    const listingFor = async () => (await world.app.inject({ url: `/v1/products/${product.id}/listing`, headers: bearer(other.manager) })).json();
    const listed = await eventually(listingFor, (l) => l.postmartProductId !== null);
    await world.control('POST', `/products/${listed.postmartProductId}/review`, { result: 'APPROVE' });
    // The shop revokes us: Postmart refuses the token, the shop is marked disconnected.
    const { postmartShops } = await import('../../db/schema/postmart.ts');
    const { TokenStore } = await import('../../src/postmart/client/token-store.ts');
    const { SecretBox } = await import('../../src/lib/secret-box.ts');
    await new TokenStore(world.app.db, new SecretBox(world.app.config.tokenEncryptionKey), async () => {
      throw new Error('unused');
    }).markDisconnected(other.shopId, 'test: revoked by the seller');
    const off = await eventually(listingFor, (l) => l.status === 'unlisted');
    expect(off.notSellableReasons).toContain('shop_disconnected');
    expect(off.lastError.code).toBe('SHOP_NOT_CONNECTED');
    expect((await world.app.db.select().from(postmartShops).where(eq(postmartShops.shopId, other.shopId)))[0]!.status).toBe('disconnected');
    // Reconnect through OAuth again.
    const start = await world.app.inject({ method: 'POST', url: `/v1/sellers/${other.sellerId}/postmart/connect`, headers: bearer(world.admin) });
    const { request } = await import('undici');
    const redirect = await request(`${start.json().authorizeUrl}&shop_id=${other.shopId}`, { method: 'GET' });
    await redirect.body.dump();
    const back = new URL(String(redirect.headers.location));
    expect((await world.app.inject({ url: `${back.pathname}${back.search}` })).statusCode).toBe(200);
    const on = await eventually(listingFor, (l) => l.status === 'listed' && l.lastError === null);
    expect(on.notSellableReasons).toEqual([]);
  });
});

describe('listing sync: errors', () => {
  it('does not retry a listing Postmart refuses as invalid, and shows why', async () => {
    // 150 kg: fine for the catalog, beyond Postmart's 100 kg per item.
    const res = await world.app.inject({ method: 'POST', url: '/v1/products', headers: bearer(seller.manager), payload: productBody({ status: 'active', images: ['https://example.org/h.jpg'], weightGrams: 150_000 }) });
    const product = res.json();
    const listing = await eventually(() => listingOf(product.id), (l) => l.status === 'error');
    expect(listing.lastError.code).toBe('INVALID_PARAM');
    expect(listing.lastError.message).toContain('weight_grams');
    expect(listing.attempts).toBe(1);
    const refused = async () => {
      const stats = await world.control('GET', `/stats?shop_id=${seller.shopId}`);
      return (stats.calls['POST /api/v1/products']?.['400'] ?? 0) as number;
    };
    expect(await refused()).toBe(1);
    // Its outbox notes are settled, so the sweeper will not drive it again and again.
    const { outbox } = await import('../../db/schema/outbox.ts');
    const { and, isNull } = await import('drizzle-orm');
    const open = await world.app.db.select().from(outbox).where(and(eq(outbox.productId, product.id), isNull(outbox.processedAt)));
    expect(open).toEqual([]);
    // Fixing the product syncs it.
    await patch(product.id, { weightGrams: 20_000 });
    await eventually(() => listingOf(product.id), (l) => l.postmartProductId !== null && l.lastError === null);
  });
});

describe('listing sync: delete', () => {
  it('deletes the listing of an archived product on Postmart, and lists it anew when it is active again', async () => {
    const { product, remoteId } = await createListed();
    const refused = await world.app.inject({ method: 'DELETE', url: `/v1/products/${product.id}/listing`, headers: bearer(seller.manager) });
    expect(refused.statusCode).toBe(409);
    await world.app.inject({ method: 'DELETE', url: `/v1/products/${product.id}`, headers: bearer(seller.manager) });
    const accepted = await world.app.inject({ method: 'DELETE', url: `/v1/products/${product.id}/listing`, headers: bearer(seller.manager) });
    expect(accepted.statusCode).toBe(202);
    const gone = await eventually(() => listingOf(product.id), (l) => l.status === 'not_listed' && l.postmartProductId === null);
    expect(gone.lastError).toBeNull();
    const all = (await world.control<{ products: RemoteProduct[] }>('GET', `/shops/${seller.shopId}/products`)).products;
    expect(all.find((p) => p.product_id === remoteId)!.status).toBe('DELETED');
    await patch(product.id, { status: 'active' });
    const [again] = await eventually(() => remoteBySku(product.sku), (r) => r.length === 1);
    expect(again!.product_id).not.toBe(remoteId);
  });
});

describe('listing sync: review results and reconcile', () => {
  it('takes the review result from the product.review_result webhook, with the reason of a rejection', async () => {
    const res = await world.app.inject({ method: 'POST', url: '/v1/products', headers: bearer(seller.manager), payload: productBody({ status: 'active', images: ['https://example.org/w.jpg'] }) });
    const product = res.json();
    const [remote] = await eventually(() => remoteBySku(product.sku), (r) => r.length === 1);
    await eventually(() => listingOf(product.id), (l) => l.status === 'pending');
    await world.control('POST', `/products/${remote!.product_id}/review`, { result: 'REJECT', reason: 'Thiếu giấy chứng nhận VietGAP' });
    const listing = await eventually(() => listingOf(product.id), (l) => l.status === 'rejected');
    expect(listing.rejectReason).toBe('Thiếu giấy chứng nhận VietGAP');
  });

  it('shows the reason when Postmart rejects the listing (found by reconcile)', async () => {
    const res = await world.app.inject({ method: 'POST', url: '/v1/products', headers: bearer(seller.manager), payload: productBody({ status: 'active', images: ['https://example.org/r.jpg'] }) });
    const product = res.json();
    const [remote] = await eventually(() => remoteBySku(product.sku), (r) => r.length === 1);
    await world.control('POST', `/products/${remote!.product_id}/review`, { result: 'REJECT', reason: 'Ảnh sản phẩm không rõ' });
    const reconcile = await world.app.inject({ method: 'POST', url: '/v1/admin/reconcile', headers: bearer(world.admin), payload: { sellerId: seller.sellerId } });
    expect(reconcile.statusCode).toBe(202);
    const listing = await eventually(() => listingOf(product.id), (l) => l.status === 'rejected');
    expect(listing.rejectReason).toBe('Ảnh sản phẩm không rõ');
  });
});
