import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema/audit-log.ts';
import { outbox } from '../../db/schema/outbox.ts';
import { loadProduct } from '../../src/services/catalog/products.ts';
import { toPostmartPayload } from '../../src/services/listings/listing-payload.ts';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser, productBody, type TestUser } from '../support/fixtures.ts';
import { gif, jpeg, multipart, png, webp, type Part } from './image-fixtures.ts';

type Image = { id: string; url: string; thumbnailUrl: string; width: number; height: number; position: number };

/** Uploading, serving, deleting and reordering product photos on the local-disk driver. */
describe('product photos', () => {
  let app: FastifyInstance;
  let dir: string;
  let manager: TestUser;
  let stranger: TestUser;
  let staff: TestUser;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dtpc-media-'));
    app = await buildTestApp({ MEDIA_DIR: dir, PUBLIC_URL: 'http://photos.test' });
    const [mine, other] = await Promise.all([makeSeller(app), makeSeller(app)]);
    [manager, stranger, staff] = await Promise.all([
      makeUser(app, 'seller_manager', { sellerId: mine.id }),
      makeUser(app, 'seller_manager', { sellerId: other.id }),
      makeUser(app, 'provincial_staff'),
    ]);
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function newProduct(): Promise<{ id: string; version: number }> {
    const res = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(manager), payload: productBody() });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }
  const upload = (id: string, parts: Part[], who: TestUser = manager, lang?: string) => {
    const body = multipart(parts);
    return app.inject({ method: 'POST', url: `/v1/products/${id}/images`, headers: { ...bearer(who), ...body.headers, ...(lang ? { 'accept-language': lang } : {}) }, payload: body.payload });
  };
  const getProduct = async (id: string) => (await app.inject({ method: 'GET', url: `/v1/products/${id}`, headers: bearer(manager) })).json();
  const served = (url: string) => app.inject({ method: 'GET', url: new URL(url).pathname });

  it('turns a phone photo upright, strips its EXIF and GPS, and serves 1280 px and 320 px JPEGs with immutable caching', async () => {
    const p = await newProduct();
    // 2000×1000 as stored, orientation 6: the phone was held upright, so the photo is 1000 wide, 2000 high.
    const original = await jpeg(2000, 1000, { orientation: 6, gps: true });
    const inputExif = (await sharp(original).metadata()).exif!;
    // The input really carries a GPS directory (tag 0x8825) and the camera's name.
    expect(inputExif.includes(Buffer.from([0x88, 0x25])) || inputExif.includes(Buffer.from([0x25, 0x88]))).toBe(true);
    expect(inputExif.includes(Buffer.from('TestPhone'))).toBe(true);
    const res = await upload(p.id, [{ type: 'image/jpeg', data: original }]);
    expect(res.statusCode, res.body).toBe(201);
    const [img] = res.json().items as Image[];
    expect(img).toMatchObject({ width: 640, height: 1280, position: 0 });
    expect(img!.url).toMatch(/^http:\/\/photos\.test\/media\/[0-9a-f]{64}\.jpg$/);

    const large = await served(img!.url);
    expect(large.statusCode).toBe(200);
    expect(large.headers['content-type']).toBe('image/jpeg');
    expect(large.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const meta = await sharp(large.rawPayload).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 640, height: 1280 });
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    // No trace of the camera or the position anywhere in the bytes.
    expect(large.rawPayload.includes(Buffer.from('Exif'))).toBe(false);
    expect(large.rawPayload.includes(Buffer.from('TestPhone'))).toBe(false);

    const thumb = await served(img!.thumbnailUrl);
    const tmeta = await sharp(thumb.rawPayload).metadata();
    expect([tmeta.width, tmeta.height]).toEqual([160, 320]);
    expect(tmeta.exif).toBeUndefined();

    // The listing payload sends products.images: the served URL, and the change reached the outbox.
    const product = await getProduct(p.id);
    expect(product.images).toEqual([img!.url]);
    expect(product.version).toBe(p.version + 1);
    const [note] = await app.db.select().from(outbox).where(eq(outbox.productId, p.id)).orderBy(desc(outbox.id)).limit(1);
    expect(note).toMatchObject({ productVersion: p.version + 1, reason: 'product.images.add', kind: 'listing.full' });
    const [audit] = await app.db.select().from(auditLog).where(and(eq(auditLog.entityId, p.id), eq(auditLog.action, 'product.images.add')));
    expect(audit!.changes).toMatchObject({ images: { from: [], to: [img!.url] } });

    // The file on disk is the served one, under its content hash.
    expect(await readdir(dir)).toEqual(expect.arrayContaining([img!.url.split('/').pop(), img!.thumbnailUrl.split('/').pop()]));
  });

  it('accepts PNG and WebP in one request, keeping a small photo at its size', async () => {
    const p = await newProduct();
    const res = await upload(p.id, [
      { type: 'image/png', filename: 'a.png', data: await png(300, 200) },
      { type: 'image/webp', filename: 'b.webp', data: await webp(500, 500) },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const items = res.json().items as Image[];
    expect(items.map((i) => [i.width, i.height, i.position])).toEqual([[300, 200, 0], [500, 500, 1]]);
    // A PNG's transparency becomes white, not black.
    const { data } = await sharp((await served(items[0]!.url)).rawPayload).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]! + data[1]!).toBeGreaterThan(200);
  });

  it('accepts a large photo of several megabytes, well above the JSON body limit', async () => {
    const p = await newProduct();
    const noise = Buffer.alloc(2400 * 2400 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const big = await sharp(noise, { raw: { width: 2400, height: 2400, channels: 3 } }).jpeg({ quality: 100 }).toBuffer();
    expect(big.length).toBeGreaterThan(4 * 1024 * 1024);
    const res = await upload(p.id, [{ type: 'image/jpeg', data: big }]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().items[0]).toMatchObject({ width: 1280, height: 1280 });
  });

  it('refuses other types and bytes that do not match the claimed type, with a Vietnamese 400 naming the field', async () => {
    const p = await newProduct();
    const cases: [Part, RegExp][] = [
      [{ field: 'photo', type: 'image/gif', filename: 'x.gif', data: await gif() }, /image\/gif không được nhận/],
      [{ field: 'photo', type: 'image/jpeg', filename: 'x.jpg', data: await png() }, /nội dung tệp \(png\) không khớp với kiểu đã khai báo image\/jpeg/],
      [{ field: 'photo', type: 'image/png', filename: 'x.png', data: await gif() }, /nội dung tệp \(gif\) không khớp/],
      [{ field: 'photo', type: 'image/jpeg', filename: 'virus.jpg', data: Buffer.from('MZ this is not a photo at all') }, /không phải là ảnh/],
      [{ field: 'photo', type: 'application/pdf', filename: 'x.pdf', data: Buffer.from('%PDF-1.4') }, /application\/pdf không được nhận/],
    ];
    for (const [part, message] of cases) {
      const res = await upload(p.id, [part]);
      expect(res.statusCode, `${part.type} ${part.filename}`).toBe(400);
      const err = errorOf(res);
      expect(err).toMatchObject({ code: 'IMAGE_NOT_ACCEPTED', field: 'photo' });
      expect(err.message).toMatch(/^Trường «photo»: /);
      expect(err.message).toMatch(message);
    }
    const en = errorOf(await upload(p.id, [{ field: 'photo', type: 'image/jpeg', data: await png() }], manager, 'en'));
    expect(en.message).toMatch(/does not match its declared type image\/jpeg/);
    // A truncated JPEG: the header parses, the pixels do not.
    const whole = await jpeg(800, 800);
    const cut = errorOf(await upload(p.id, [{ field: 'photo', type: 'image/jpeg', data: whole.subarray(0, 300) }]));
    expect(cut).toMatchObject({ code: 'IMAGE_NOT_ACCEPTED', field: 'photo' });
    // Nothing was added by any of these, and one bad file refuses the whole request.
    const mixed = await upload(p.id, [{ type: 'image/jpeg', data: whole }, { field: 'photo', type: 'image/gif', data: await gif() }]);
    expect(mixed.statusCode).toBe(400);
    expect((await getProduct(p.id)).images).toEqual([]);
  });

  it('refuses a file over 15 MB (413), a body that is not multipart (415) and a request with no file (400)', async () => {
    const p = await newProduct();
    const big = Buffer.concat([await jpeg(100, 100), Buffer.alloc(15 * 1024 * 1024 + 1)]);
    const res = await upload(p.id, [{ field: 'photo', type: 'image/jpeg', data: big }]);
    expect(res.statusCode).toBe(413);
    expect(errorOf(res)).toMatchObject({ code: 'IMAGE_TOO_LARGE', field: 'photo' });
    expect(errorOf(res).message).toMatch(/lớn hơn 15 MB/);

    const json = await app.inject({ method: 'POST', url: `/v1/products/${p.id}/images`, headers: bearer(manager), payload: { url: 'x' } });
    expect(json.statusCode).toBe(415);
    expect(errorOf(json).code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const empty = multipart([]);
    const none = await app.inject({ method: 'POST', url: `/v1/products/${p.id}/images`, headers: { ...bearer(manager), ...empty.headers }, payload: empty.payload });
    expect(none.statusCode).toBe(400);
    expect(errorOf(none).field).toBe('file');
    expect((await getProduct(p.id)).images).toEqual([]);
  });

  it('keeps at most 10 photos per product, and the same photo once', async () => {
    const p = await newProduct();
    const photos = await Promise.all(Array.from({ length: 11 }, (_, i) => jpeg(200 + i, 100)));
    const first = await upload(p.id, photos.slice(0, 8).map((data) => ({ type: 'image/jpeg', data })));
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().items).toHaveLength(8);
    const again = await upload(p.id, [{ type: 'image/jpeg', data: photos[0]! }]);
    expect(again.statusCode).toBe(201);
    expect(again.json().items).toHaveLength(8);

    const tooMany = await upload(p.id, photos.slice(8, 11).map((data) => ({ type: 'image/jpeg', data })));
    expect(tooMany.statusCode).toBe(409);
    expect(errorOf(tooMany)).toMatchObject({ code: 'TOO_MANY_IMAGES', field: 'file' });
    expect(errorOf(tooMany).message).toMatch(/tối đa 10 ảnh \(hiện có 8\)/);
    const fill = await upload(p.id, photos.slice(8, 10).map((data) => ({ type: 'image/jpeg', data })));
    expect(fill.json().items).toHaveLength(10);
    const tenUrls = (await getProduct(p.id)).images as string[];
    expect(tenUrls).toHaveLength(10);
    // Postmart shows nine: the listing sends the first nine, cover first.
    expect(toPostmartPayload((await loadProduct(app.db, p.id))!, '2026-01-01').images).toEqual(tenUrls.slice(0, 9));
    expect((await upload(p.id, [{ type: 'image/jpeg', data: photos[10]! }])).statusCode).toBe(409);
  });

  it('deletes a photo (its files too, once unused) and reorders the rest; products.images follows', async () => {
    const p = await newProduct();
    const items = (await upload(p.id, await Promise.all([1, 2, 3].map(async (i) => ({ type: 'image/jpeg', data: await jpeg(300, 100 * i) }))))).json().items as Image[];
    const [a, b, c] = items;
    const del = await app.inject({ method: 'DELETE', url: `/v1/products/${p.id}/images/${b!.id}`, headers: bearer(manager) });
    expect(del.statusCode, del.body).toBe(200);
    expect(del.json().items.map((i: Image) => i.id)).toEqual([a!.id, c!.id]);
    expect((await served(b!.url)).statusCode).toBe(404);
    expect((await served(b!.thumbnailUrl)).statusCode).toBe(404);
    expect((await served(a!.url)).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: `/v1/products/${p.id}/images/${b!.id}`, headers: bearer(manager) })).statusCode).toBe(404);

    const order = await app.inject({ method: 'PUT', url: `/v1/products/${p.id}/images/order`, headers: bearer(manager), payload: { imageIds: [c!.id, a!.id] } });
    expect(order.statusCode, order.body).toBe(200);
    expect(order.json().items.map((i: Image) => [i.id, i.position])).toEqual([[c!.id, 0], [a!.id, 1]]);
    expect((await getProduct(p.id)).images).toEqual([c!.url, a!.url]);
    const listed = await app.inject({ method: 'GET', url: `/v1/products/${p.id}/images`, headers: bearer(staff) });
    expect(listed.json().items.map((i: Image) => i.id)).toEqual([c!.id, a!.id]);

    for (const imageIds of [[c!.id], [c!.id, c!.id], [c!.id, a!.id, b!.id]]) {
      const bad = await app.inject({ method: 'PUT', url: `/v1/products/${p.id}/images/order`, headers: bearer(manager), payload: { imageIds } });
      expect(bad.statusCode).toBe(400);
      expect(errorOf(bad).field).toBe('imageIds');
    }
  });

  it('keeps a file that another product still uses when one deletes it', async () => {
    const [p, q] = await Promise.all([newProduct(), newProduct()]);
    const photo = await jpeg(333, 222);
    const [mine] = (await upload(p.id, [{ type: 'image/jpeg', data: photo }])).json().items as Image[];
    const [theirs] = (await upload(q.id, [{ type: 'image/jpeg', data: photo }])).json().items as Image[];
    expect(theirs!.url).toBe(mine!.url);
    await app.inject({ method: 'DELETE', url: `/v1/products/${p.id}/images/${mine!.id}`, headers: bearer(manager) });
    expect((await served(theirs!.url)).statusCode).toBe(200);
  });

  it("follows the product's access rules: another seller gets 404, provincial staff 403", async () => {
    const p = await newProduct();
    const photo = { type: 'image/jpeg', data: await jpeg() };
    expect((await upload(p.id, [photo], stranger)).statusCode).toBe(404);
    expect((await upload(p.id, [photo], staff)).statusCode).toBe(403);
    const [img] = (await upload(p.id, [photo])).json().items as Image[];
    expect((await app.inject({ method: 'DELETE', url: `/v1/products/${p.id}/images/${img!.id}`, headers: bearer(stranger) })).statusCode).toBe(404);
    expect((await app.inject({ method: 'PUT', url: `/v1/products/${p.id}/images/order`, headers: bearer(staff), payload: { imageIds: [img!.id] } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: `/v1/products/${p.id}/images`, headers: bearer(stranger) })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: `/v1/products/${p.id}/images`, ...multipart([photo]) })).statusCode).toBe(401);
  });
});
