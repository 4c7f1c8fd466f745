import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorOf } from '../support/http.ts';
import { makeUser } from '../support/fixtures.ts';
import { startWorld, type World } from '../support/world.ts';

let world: World;
let seller: Awaited<ReturnType<World['connectSeller']>>;

beforeAll(async () => {
  world = await startWorld();
  seller = await world.connectSeller();
});
afterAll(() => world?.close());

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, who: { token: string }, payload?: unknown, headers: Record<string, string> = {}) =>
  world.app.inject({ method, url, headers: { ...bearer(who), ...headers }, ...(payload === undefined ? {} : { payload: payload as never }) });
const sync = async () => {
  const res = await call('POST', '/v1/pickup-points/sync', world.admin);
  expect(res.statusCode).toBe(200);
  return res.json() as { listed: number; added: number; updated: number; deactivated: number };
};
const byCode = async (code: string) => {
  const all: any[] = [];
  let cursor: string | null = null;
  do {
    const res = await call('GET', `/v1/pickup-points?limit=100${cursor ? `&cursor=${cursor}` : ''}`, world.admin);
    all.push(...res.json().items);
    cursor = res.json().nextCursor;
  } while (cursor);
  return all.find((p) => p.code === code);
};
/**
 * One of the sandbox's post offices copied under a code no other test uses, so a test can make an
 * office vanish from Postmart's list without changing the list the other tests see.
 */
const remoteCopyOf = async (code: string) => {
  const copy = `PX${randomInt(1e9)}`;
  await world.app.db.execute(sql`
    INSERT INTO postmart_sandbox.post_offices (code, name, kind, address, ward_code, province_code, lat, lng, opening_hours, accepts_dropoff, buyer_pickup)
    SELECT ${copy}, name, kind, address, ward_code, province_code, lat, lng, opening_hours, accepts_dropoff, buyer_pickup FROM postmart_sandbox.post_offices WHERE code = ${code}`);
  return copy;
};
const removeRemote = (code: string) => world.app.db.execute(sql`DELETE FROM postmart_sandbox.post_offices WHERE code = ${code}`);
const count = async (query: ReturnType<typeof sql>) => (await world.app.db.execute<{ n: number }>(query)).rows[0]!.n;

describe("the registry follows Postmart's post-office list", () => {
  it('adds every office, deactivates one that vanished, and keeps a local capacity through the sync', async () => {
    const vanishing = await remoteCopyOf('PO30112');
    // Offices of the list that this file's other tests have already synced are updated, not added.
    const known = await count(sql`SELECT count(*)::int AS n FROM pickup_points p JOIN postmart_sandbox.post_offices o ON o.code = p.code WHERE p.source = 'postmart'`);
    const first = await sync();
    expect(first.listed).toBeGreaterThan(100);
    expect(first.listed).toBe(await count(sql`SELECT count(*)::int AS n FROM postmart_sandbox.post_offices`));
    expect(first).toMatchObject({ added: first.listed - known, updated: known });
    expect(await count(sql`SELECT count(*)::int AS n FROM postmart_sandbox.post_offices o LEFT JOIN pickup_points p ON p.code = o.code AND p.active WHERE p.id IS NULL`)).toBe(0);

    const laiVung = await byCode('PO30226');
    expect(laiVung).toMatchObject({ source: 'postmart', active: true, kind: 'BUU_DIEN_VAN_HOA_XA', wardCode: '30226' });
    expect(laiVung.openingHours.mon).toEqual([{ open: '07:00', close: '11:30' }, { open: '13:30', close: '17:00' }]);
    const patched = await call('PATCH', `/v1/pickup-points/${laiVung.id}`, world.admin, { dailyCapacity: 7, coldStorage: true, holdDays: 5 });
    expect(patched.statusCode).toBe(200);
    // Postmart's own fields are the sync's to change.
    expect(errorOf(await call('PATCH', `/v1/pickup-points/${laiVung.id}`, world.admin, { name: 'Tên khác' })).field).toBe('name');

    await removeRemote(vanishing);
    const second = await sync();
    expect(second).toMatchObject({ added: 0, deactivated: 1, updated: first.listed - 1 });
    expect(await byCode(vanishing)).toMatchObject({ active: false });
    expect((await byCode(vanishing)).vanishedAt).not.toBeNull();
    expect(await byCode('PO30226')).toMatchObject({ dailyCapacity: 7, coldStorage: true, holdDays: 5, active: true });
    expect((await sync()).deactivated).toBe(0);
  });

  it('imports offices Postmart does not list from CSV, reporting bad rows by line, and a second import changes nothing', async () => {
    const csv = [
      'code,name,kind,wardCode,address,lat,lng,dailyCapacity,coldStorage,openingHours',
      'LOCAL-1,Điểm giao dịch chợ Lai Vung,DIEM_GIAO_DICH,30226,Chợ Lai Vung,10.29,105.66,12,true,"Thứ 2–Thứ 7: 06:00–10:00"',
      'LOCAL-2,Điểm sai xã,DIEM_GIAO_DICH,99999,Không rõ,10.3,105.6,5,false,',
      'LOCAL-3,Điểm giờ lạ,DIEM_GIAO_DICH,30226,Chợ,10.3,105.6,5,false,mở cả ngày',
    ].join('\n');
    const post = () => world.app.inject({ method: 'POST', url: '/v1/pickup-points/import', headers: { ...bearer(world.admin), 'content-type': 'text/csv', 'accept-language': 'en' }, payload: csv });
    const report = (await post()).json();
    expect(report).toMatchObject({ rows: 3, created: 1, updated: 0, unchanged: 0 });
    expect(report.rejected.map((r: { line: number; field: string }) => [r.line, r.field])).toEqual([[3, 'wardCode'], [4, 'openingHours']]);
    expect((await post()).json()).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect(await byCode('LOCAL-1')).toMatchObject({ source: 'local', dailyCapacity: 12, coldStorage: true });
  });

  it('lets provincial staff and seller managers read, and refuses them changes', async () => {
    await sync();
    const staff = await makeUser(world.app, 'provincial_staff');
    const point = await byCode('PO30226');
    expect((await call('GET', `/v1/pickup-points/${point.id}`, staff)).statusCode).toBe(200);
    expect((await call('GET', `/v1/pickup-points/${point.id}`, seller.manager)).statusCode).toBe(200);
    expect((await call('PATCH', `/v1/pickup-points/${point.id}`, staff, { dailyCapacity: 1 })).statusCode).toBe(403);
    expect((await call('PATCH', `/v1/pickup-points/${point.id}`, seller.manager, { dailyCapacity: 1 })).statusCode).toBe(403);
  });
});

/** The reference centroids, read from the seed file itself, and a haversine written here. */
const centroids = new Map(
  readFileSync(new URL('../../db/seed/dong_thap_communes_2025.csv', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .map((c) => [c[0]!, { lat: Number(c[7]), lng: Number(c[8]) }] as const),
);
function haversineKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }) {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lng - a.lng) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

describe('finding points by great-circle distance', () => {
  it('orders the commune offices around Lai Vung as hand-computed from the commune centroids', async () => {
    await sync();
    const laiVung = await byCode('PO30226');
    expect((await call('PATCH', `/v1/pickup-points/${laiVung.id}`, world.admin, { dailyCapacity: 7 })).statusCode).toBe(200);
    const origin = centroids.get('30226')!;
    const res = await call('GET', '/v1/pickup-points?wardCode=30226&radiusKm=15&limit=100', seller.manager);
    expect(res.statusCode).toBe(200);
    // Commune offices sit at their commune's centroid (code PO<commune>); others (town centres, local points, other tests' copies) are left aside.
    const items = (res.json().items as { code: string; distanceKm: number; remainingToday: number; openNow: boolean }[]).filter((p) => /^PO\d{5}$/.test(p.code));
    const expected = [...centroids]
      .map(([code, c]) => ({ code: `PO${code}`, km: haversineKm(origin, c) }))
      .filter((e) => e.km <= 15)
      .sort((a, b) => a.km - b.km);
    expect(items.map((p) => p.code)).toEqual(expected.map((e) => e.code));
    for (const [i, p] of items.entries()) expect(p.distanceKm).toBeCloseTo(expected[i]!.km, 2);
    expect(items[0]).toMatchObject({ code: 'PO30226', distanceKm: 0, remainingToday: 7 });
    expect(items.length).toBeGreaterThan(3);

    const near = await call('GET', `/v1/pickup-points?near=${origin.lat},${origin.lng}&radiusKm=15&limit=100`, seller.manager);
    expect(near.json().items.map((p: { code: string }) => p.code)).toEqual(res.json().items.map((p: { code: string }) => p.code));
  });

  it('leaves out inactive points and refuses a malformed origin', async () => {
    const gone = await remoteCopyOf('PO30112');
    await sync();
    const origin = centroids.get('30112')!;
    const around = async () => (await call('GET', `/v1/pickup-points?near=${origin.lat},${origin.lng}&radiusKm=1`, seller.manager)).json().items.map((p: { code: string }) => p.code);
    // Found while Postmart lists it, so its absence below is the deactivation, not the radius.
    expect(await around()).toContain(gone);
    await removeRemote(gone);
    await sync();
    expect(await around()).not.toContain(gone);
    expect(await around()).toContain('PO30112');
    expect((await call('GET', '/v1/pickup-points?near=abc', seller.manager)).statusCode).toBe(400);
    expect((await call('GET', '/v1/pickup-points?wardCode=99999', seller.manager)).statusCode).toBe(400);
  });

  it('shows a clerk only their own point; another point is 404', async () => {
    await sync();
    const own = await byCode('PO30226');
    const other = await byCode('PO30037');
    const clerk = await makeUser(world.app, 'post_office_clerk', { pickupPointId: own.id });
    expect((await call('GET', `/v1/pickup-points/${own.id}`, clerk)).statusCode).toBe(200);
    expect((await call('GET', `/v1/pickup-points/${other.id}`, clerk)).statusCode).toBe(404);
    expect((await call('GET', `/v1/pickup-points/${other.id}/parcels`, clerk)).statusCode).toBe(404);
    expect((await call('GET', '/v1/pickup-points', clerk)).json().items.map((p: { id: string }) => p.id)).toEqual([own.id]);
    const count = await world.app.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM pickup_points WHERE active`);
    expect(count.rows[0]!.n).toBeGreaterThan(100);
  });
});
