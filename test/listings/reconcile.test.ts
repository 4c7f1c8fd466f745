import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

type RemoteProduct = { product_id: string; status: string; name: string; skus: { seller_sku: string; price: number; stock: number }[] };
const remoteBySku = async (sku: string) =>
  (await world.control<{ products: RemoteProduct[] }>('GET', `/shops/${seller.shopId}/products`)).products.filter((p) => p.status !== 'DELETED' && p.skus.some((s) => s.seller_sku === sku));
const listingOf = async (id: string) => (await world.app.inject({ url: `/v1/products/${id}/listing`, headers: bearer(seller.manager) })).json();
const latestReport = async () => (await world.app.inject({ url: '/v1/admin/reconcile?limit=1', headers: bearer(world.admin) })).json().items[0];
/** Asks for a reconcile and waits for the report of that run (newer than any before it, finished). */
const reconcile = async () => {
  const previous = Number((await latestReport())?.id ?? 0);
  const res = await world.app.inject({ method: 'POST', url: '/v1/admin/reconcile', headers: bearer(world.admin), payload: { sellerId: seller.sellerId } });
  expect(res.statusCode).toBe(202);
  return eventually(latestReport, (r) => r && Number(r.id) > previous && r.finishedAt !== null);
};
const pm = () => world.app.postmart();

describe('reconcile', () => {
  it('repairs drift made on Postmart: the catalog wins', async () => {
    const res = await world.app.inject({ method: 'POST', url: '/v1/products', headers: bearer(seller.manager), payload: productBody({ status: 'active', images: ['https://example.org/a.jpg'], priceVnd: 50000 }) });
    const product = res.json();
    const [remote] = await eventually(() => remoteBySku(product.sku), (r) => r.length === 1 && r[0]!.skus[0]!.price === 50000);
    await eventually(() => listingOf(product.id), (l) => l.syncedVersion === product.version);
    // Someone edits the listing on Postmart directly.
    const { client } = await pm();
    await client.batchPrices(seller.shopId, [{ seller_sku: product.sku, price: 1000 }], `drift-${product.id}`);
    await client.updateProduct(seller.shopId, remote!.product_id, { name: 'Tên bị sửa trên sàn' }, `drift-name-${product.id}`);
    const report = await reconcile();
    expect(report.repaired).toBeGreaterThanOrEqual(1);
    expect(report.details).toEqual(expect.arrayContaining([expect.objectContaining({ productId: product.id, action: 'repaired' })]));
    await eventually(() => remoteBySku(product.sku), (r) => r[0]?.skus[0]?.price === 50000 && r[0]?.name === product.name);
    expect(await remoteBySku(product.sku)).toHaveLength(1);
  });

  it('adopts a listing that already exists on Postmart for a known seller SKU instead of creating a second one', async () => {
    const res = await world.app.inject({ method: 'POST', url: '/v1/products', headers: bearer(seller.manager), payload: productBody({ images: ['https://example.org/b.jpg'] }) });
    const draft = res.json();
    const { client } = await pm();
    const made = await client.createProduct(
      seller.shopId,
      { name: 'Tạo tay trên sàn', description: '', category_id: 'fruit', images: ['https://example.org/x.jpg'], unit: 'kg', weight_grams: 1000, origin: { province_code: '82', ward_code: '30112' }, certifications: [], shelf_life_days: null, skus: [{ seller_sku: draft.sku, variant_name: 'kg', price: 1, stock: 1 }] },
      `by-hand-${draft.id}`,
    );
    const report = await reconcile();
    expect(report.adopted).toBeGreaterThanOrEqual(1);
    expect((await listingOf(draft.id)).postmartProductId).toBe(made.product_id);
    // Activated later, the product updates the adopted listing: still one listing for the SKU.
    await world.app.inject({ method: 'PATCH', url: `/v1/products/${draft.id}`, headers: bearer(seller.manager), payload: { status: 'active' } });
    await eventually(() => remoteBySku(draft.sku), (r) => r[0]?.name === draft.name && r[0]?.skus[0]?.price === draft.priceVnd);
    expect(await remoteBySku(draft.sku)).toHaveLength(1);
  });

  it('counts a remote listing whose SKU the catalog does not know as orphaned and unlists it', async () => {
    const { client } = await pm();
    const sku = `ORPHAN-${Date.now()}`;
    const made = await client.createProduct(
      seller.shopId,
      { name: 'Không có trong danh mục', description: '', category_id: 'fruit', images: ['https://example.org/o.jpg'], unit: 'kg', weight_grams: 500, origin: { province_code: '82', ward_code: '30112' }, certifications: [], shelf_life_days: null, skus: [{ seller_sku: sku, variant_name: 'kg', price: 1000, stock: 5 }] },
      `orphan-${sku}`,
    );
    await world.control('POST', `/products/${made.product_id}/review`, { result: 'APPROVE' });
    const report = await reconcile();
    expect(report.orphaned).toBeGreaterThanOrEqual(1);
    expect(report.details).toEqual(expect.arrayContaining([expect.objectContaining({ postmartProductId: made.product_id, action: 'orphaned' })]));
    expect((await remoteBySku(sku))[0]!.status).toBe('UNLISTED');
  });
});
