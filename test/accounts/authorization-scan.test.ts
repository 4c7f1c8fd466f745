import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema/audit-log.ts';
import { buildTestApp } from '../support/app.ts';
import { bearer, errorOf } from '../support/http.ts';
import { makePickupPoint, makeUser, uniquePhone, type TestUser } from '../support/fixtures.ts';
import { gif, jpeg, multipart, png, type Part } from '../catalog/image-fixtures.ts';

/** The scan of a signed authorization paper: attached like a product photo, private, read by those who may read the authorization. */
describe('authorization scan', () => {
  let app: FastifyInstance;
  let dir: string;
  let clerk: TestUser;
  let foreignClerk: TestUser;
  let staff: TestUser;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dtpc-scan-'));
    app = await buildTestApp({ MEDIA_DIR: dir, PUBLIC_URL: 'http://scan.test' });
    const [office, other] = await Promise.all([makePickupPoint(app), makePickupPoint(app)]);
    [clerk, foreignClerk, staff] = await Promise.all([
      makeUser(app, 'post_office_clerk', { pickupPointId: office }),
      makeUser(app, 'post_office_clerk', { pickupPointId: other }),
      makeUser(app, 'provincial_staff'),
    ]);
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A household farmer registered at the clerk's counter, with their authorization: the authorization's id. */
  async function onboarded(): Promise<string> {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/counter/farmers',
      headers: bearer(clerk),
      payload: { name: 'Nguyễn Văn Ba', phone: uniquePhone(), wardCode: '30226', address: 'Ấp 3', authorization: { scopes: ['catalog'], validUntil: new Date(Date.now() + 90 * 86_400_000).toISOString(), documentNumber: 'UQ-2026-01' } },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().authorization.id as string;
  }
  const put = (id: string, parts: Part[], who: TestUser = clerk) => {
    const body = multipart(parts);
    return app.inject({ method: 'PUT', url: `/v1/authorizations/${id}/scan`, headers: { ...bearer(who), ...body.headers, 'accept-language': 'en' }, payload: body.payload });
  };
  const get = (id: string, who: TestUser = clerk) => app.inject({ url: `/v1/authorizations/${id}/scan`, headers: bearer(who) });
  const view = async (id: string) => (await app.inject({ url: `/v1/authorizations/${id}`, headers: bearer(clerk) })).json();

  it('keeps the photo of the paper upright and without its GPS position, and shows it only with a token', async () => {
    const id = await onboarded();
    expect((await get(id)).statusCode).toBe(404);
    const res = await put(id, [{ field: 'scan', type: 'image/jpeg', data: await jpeg(2400, 1800, { gps: true, orientation: 6 }) }]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id, scanUrl: `/v1/authorizations/${id}/scan` });
    expect(res.json().scanUploadedAt).toMatch(/\+07:00$/);
    expect((await view(id)).scanUrl).toBe(`/v1/authorizations/${id}/scan`);

    const got = await get(id);
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('image/jpeg');
    expect(got.headers['cache-control']).toBe('private, no-store');
    const meta = await sharp(got.rawPayload).metadata();
    expect(meta.exif).toBeUndefined();
    // Turned upright (orientation 6: the phone was held sideways), at most 1280 px on the long side.
    expect([meta.width, meta.height]).toEqual([960, 1280]);
    expect((await get(id, staff)).statusCode).toBe(200);

    // Not under a public /media name, whatever name is tried.
    const [file] = (await readdir(dir)).filter((f) => f.startsWith('scan-'));
    expect((await app.inject({ url: `/media/${file}` })).statusCode).toBe(400);
    expect((await app.inject({ url: `/media/${file!.slice('scan-'.length)}` })).statusCode).toBe(404);

    const [audit] = await app.db.select().from(auditLog).where(and(eq(auditLog.action, 'authorization.scan'), eq(auditLog.entityId, id)));
    expect(audit).toBeDefined();
  });

  it('refuses what is not one photo within the limits with a 4xx naming the field, and keeps no scan', async () => {
    const id = await onboarded();
    const notImage = await put(id, [{ field: 'scan', type: 'image/gif', data: await gif() }]);
    expect(notImage.statusCode).toBe(400);
    expect(errorOf(notImage)).toMatchObject({ code: 'IMAGE_NOT_ACCEPTED', field: 'scan' });

    const lying = await put(id, [{ field: 'scan', type: 'image/jpeg', data: await png() }]);
    expect(lying.statusCode).toBe(400);
    expect(errorOf(lying)).toMatchObject({ code: 'IMAGE_NOT_ACCEPTED', field: 'scan' });

    const big = await put(id, [{ field: 'scan', type: 'image/jpeg', data: Buffer.concat([await jpeg(100, 100), Buffer.alloc(15 * 1024 * 1024 + 1)]) }]);
    expect(big.statusCode).toBe(413);
    expect(errorOf(big)).toMatchObject({ code: 'IMAGE_TOO_LARGE', field: 'scan' });

    const two = await put(id, [{ field: 'scan', type: 'image/jpeg', data: await jpeg() }, { field: 'back', type: 'image/jpeg', data: await jpeg(300, 300) }]);
    expect(two.statusCode).toBe(400);
    expect(errorOf(two).field).toBe('back');

    const none = await put(id, []);
    expect(none.statusCode).toBe(400);
    expect(errorOf(none).field).toBe('file');

    const json = await app.inject({ method: 'PUT', url: `/v1/authorizations/${id}/scan`, headers: bearer(clerk), payload: { scan: 'x' } });
    expect(json.statusCode).toBe(415);
    expect((await view(id)).scanUrl).toBeNull();
  });

  it('answers 404 to a clerk of another office and 403 to provincial staff, before reading the upload', async () => {
    const id = await onboarded();
    const foreign = await put(id, [{ type: 'image/jpeg', data: await jpeg() }], foreignClerk);
    expect(foreign.statusCode).toBe(404);
    expect((await put(id, [{ type: 'image/jpeg', data: await jpeg() }], staff)).statusCode).toBe(403);
    expect((await put(id, [{ type: 'image/jpeg', data: await jpeg() }])).statusCode).toBe(200);
    expect((await get(id, foreignClerk)).statusCode).toBe(404);
  });

  it('replaces an earlier scan and removes its file', async () => {
    const id = await onboarded();
    expect((await put(id, [{ type: 'image/jpeg', data: await jpeg(500, 300, { color: '#112233' }) }])).statusCode).toBe(200);
    const first = (await get(id)).rawPayload;
    const before = new Set((await readdir(dir)).filter((f) => f.startsWith('scan-')));
    expect((await put(id, [{ type: 'image/png', data: await png(400, 600) }])).statusCode).toBe(200);
    const second = (await get(id)).rawPayload;
    expect(second.equals(first)).toBe(false);
    const after = new Set((await readdir(dir)).filter((f) => f.startsWith('scan-')));
    expect([...after].filter((f) => !before.has(f))).toHaveLength(1);
    expect([...before].filter((f) => !after.has(f))).toHaveLength(1);
  });
});
