import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/http.ts';
import { productBody } from '../support/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { startWorld, type World } from '../support/world.ts';
import { jpeg, multipart } from './image-fixtures.ts';

let world: World;
let seller: Awaited<ReturnType<World['connectSeller']>>;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dtpc-photo-listing-'));
  // Postmart's review runs by itself here (200 ms after submission) and downloads every photo.
  world = await startWorld({ review_delay_ms: 200 }, { MEDIA_DIR: dir });
  seller = await world.connectSeller();
});
afterAll(async () => {
  await world?.close();
  await rm(dir, { recursive: true, force: true });
});

const remoteBySku = async (sku: string) =>
  (await world.control<{ products: { product_id: string; status: string; images: string[]; reject_reason: string | null; skus: { seller_sku: string }[] }[] }>('GET', `/shops/${seller.shopId}/products`)).products.filter((p) =>
    p.skus.some((s) => s.seller_sku === sku),
  );
const publicUrl = () => world.env.PUBLIC_URL!;
const listingOf = async (id: string) => (await world.app.inject({ url: `/v1/products/${id}/listing`, headers: bearer(seller.manager) })).json();

describe('from a phone photo to an approved Postmart listing', () => {
  it('lists an active product once it has a photo; Postmart downloads the served, metadata-free URL and approves', async () => {
    const created = await world.app.inject({ method: 'POST', url: '/v1/products', headers: bearer(seller.manager), payload: productBody({ status: 'active' }) });
    const product = created.json();
    expect((await eventually(() => listingOf(product.id), (l) => l.notSellableReasons?.includes('no_images'))).notSellableReasons).toEqual(['no_images']);

    const body = multipart([{ type: 'image/jpeg', data: await jpeg(1600, 1200, { gps: true }) }]);
    const up = await world.app.inject({ method: 'POST', url: `/v1/products/${product.id}/images`, headers: { ...bearer(seller.manager), ...body.headers }, payload: body.payload });
    expect(up.statusCode, up.body).toBe(201);
    const url = up.json().items[0].url as string;
    expect(url).toMatch(new RegExp(`^${publicUrl().replace(/[.]/g, '\\.')}/media/[0-9a-f]{64}\\.jpg$`));

    const [remote] = await eventually(() => remoteBySku(product.sku), (r) => r[0]?.status === 'ACTIVE');
    expect(remote!.images).toEqual([url]);
    await eventually(() => listingOf(product.id), (l) => l.status === 'listed');
    // What Postmart downloaded over HTTP has no metadata.
    const fetched = await request(url);
    expect(fetched.statusCode).toBe(200);
    expect((await sharp(Buffer.from(await fetched.body.arrayBuffer())).metadata()).exif).toBeUndefined();
  });

  it('shows the seller why Postmart refused a listing whose photo it could not download', async () => {
    const created = await world.app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: bearer(seller.manager),
      payload: productBody({ status: 'active', images: [`${publicUrl()}/media/${'0'.repeat(64)}.jpg`] }),
    });
    const product = created.json();
    const listing = await eventually(() => listingOf(product.id), (l) => l.status === 'rejected');
    expect(listing.rejectReason).toMatch(/^Không tải được ảnh http:\/\/127\.0\.0\.1:\d+\/media\/0{64}\.jpg: HTTP 404$/);
  });
});
