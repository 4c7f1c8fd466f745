import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
// @ts-expect-error s3rver ships no types; the test uses its constructor, run() and close() only.
import S3rver from 's3rver';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser, productBody, type TestUser } from '../support/fixtures.ts';
import { jpeg, multipart } from './image-fixtures.ts';

const BUCKET = 'dtpc-media';
const KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** The S3 driver against a local S3-compatible server (s3rver), through the same API as the disk driver. */
describe('product photos on S3-compatible storage', () => {
  let s3: { run(): Promise<AddressInfo>; close(): Promise<void> };
  let dir: string;
  let endpoint: string;
  let client: S3Client;
  let app: FastifyInstance;
  let manager: TestUser;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dtpc-s3rver-'));
    s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: BUCKET }] });
    const { port } = await s3.run();
    endpoint = `http://127.0.0.1:${port}`;
    client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: KEYS });
    app = await buildTestApp({
      MEDIA_DRIVER: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: BUCKET,
      S3_ACCESS_KEY_ID: KEYS.accessKeyId,
      S3_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
      PUBLIC_URL: 'http://photos.test',
    });
    manager = await makeUser(app, 'seller_manager', { sellerId: (await makeSeller(app)).id });
  });
  afterAll(async () => {
    await app?.close();
    client?.destroy();
    await s3?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const keys = async () => ((await client.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key).sort();

  it('stores both sizes in the bucket, serves them at the public URL, and deletes them with the photo', async () => {
    const created = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(manager), payload: productBody() });
    const productId = created.json().id as string;
    const body = multipart([{ type: 'image/jpeg', data: await jpeg(1600, 1200, { gps: true }) }]);
    const res = await app.inject({ method: 'POST', url: `/v1/products/${productId}/images`, headers: { ...bearer(manager), ...body.headers }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(201);
    const [img] = res.json().items as { id: string; url: string; thumbnailUrl: string }[];
    const hash = img!.url.match(/([0-9a-f]{64})\.jpg$/)![1]!;
    expect(await keys()).toEqual([`${hash}.jpg`, `${hash}_320.jpg`]);

    // The bucket holds exactly what the API serves: a 1280 px JPEG without metadata.
    const stored = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${hash}.jpg` }));
    const storedBytes = Buffer.from(await stored.Body!.transformToByteArray());
    expect(stored.ContentType).toBe('image/jpeg');
    const servedRes = await app.inject({ method: 'GET', url: new URL(img!.url).pathname });
    expect(servedRes.statusCode).toBe(200);
    expect(servedRes.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Buffer.compare(servedRes.rawPayload, storedBytes)).toBe(0);
    const meta = await sharp(storedBytes).metadata();
    expect(meta).toMatchObject({ width: 1280, height: 960 });
    expect(meta.exif).toBeUndefined();

    const del = await app.inject({ method: 'DELETE', url: `/v1/products/${productId}/images/${img!.id}`, headers: bearer(manager) });
    expect(del.statusCode, del.body).toBe(200);
    expect(await keys()).toEqual([]);
    expect((await app.inject({ method: 'GET', url: new URL(img!.url).pathname })).statusCode).toBe(404);
  });
});
