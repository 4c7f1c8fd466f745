import { displayPhone } from '../../src/lib/phone.ts';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, vnToday } from '../../src/lib/time.ts';
import { updateOutletSettings } from '../../src/services/outlets/outlet-points.ts';
import { haversineKm, tourLength } from '../../src/services/outlets/route-plan.ts';
import { buildTestApp } from '../support/app.ts';
import { makePickupPoint, makeSeller, makeUser, type TestUser } from '../support/fixtures.ts';
import { bearer, errorOf } from '../support/http.ts';
import { asPrincipal } from '../support/outlets.ts';

let app: FastifyInstance;
let admin: TestUser;
beforeAll(async () => {
  app = await buildTestApp();
  admin = await makeUser(app, 'admin');
});
afterAll(async () => {
  await app.close();
});

/** An office at a position, picking up at farms within radiusKm, capacity per window. Each test works in its own corner of the map. */
async function office(at: { lat: number; lng: number }, farm: { radiusKm: number; capacity: number } | null, wardCode = '30226') {
  const id = await makePickupPoint(app, { ...at, wardCode });
  if (farm) await updateOutletSettings(app.db, asPrincipal(admin), id, { acceptsFarmPickup: true, farmPickupRadiusKm: farm.radiusKm, farmPickupCapacity: farm.capacity });
  return { id, clerk: await makeUser(app, 'post_office_clerk', { pickupPointId: id }) };
}
async function sellerWithManager() {
  const seller = await makeSeller(app);
  return { seller, manager: await makeUser(app, 'seller_manager', { sellerId: seller.id }) };
}
const book = (by: TestUser, body: Record<string, unknown>) => app.inject({ method: 'POST', url: '/v1/farm-pickups', headers: bearer(by), payload: body });

describe('farm pickup', () => {
  // Lai Vung's centroid (db/seed): a farm without a pin is placed there.
  const LAI_VUNG = { lat: 10.29831, lng: 105.56541 };

  it('is taken by the nearest office in reach that picks up at farms, whatever its commune; a full window is refused with the next free one', async () => {
    const tomorrow = addDays(vnToday(), 1);
    // Next door, but it does not pick up at farms; 3.3 km north, in Mỹ Hiệp commune, it does; 22 km away, beyond its 10 km radius.
    await office({ lat: LAI_VUNG.lat + 0.001, lng: LAI_VUNG.lng }, null);
    const near = await office({ lat: LAI_VUNG.lat + 0.03, lng: LAI_VUNG.lng }, { radiusKm: 10, capacity: 1 }, '30112');
    await office({ lat: LAI_VUNG.lat + 0.2, lng: LAI_VUNG.lng }, { radiusKm: 10, capacity: 5 });
    const a = await sellerWithManager();
    const b = await sellerWithManager();

    const first = await book(a.manager, { day: tomorrow, window: '07:00-09:00', parcels: 3, wardCode: '30226', address: 'Ấp Tân Hòa, vườn quýt hồng' });
    expect(first.statusCode, first.body).toBe(201);
    const pickup = first.json();
    expect(pickup).toMatchObject({ pickupPointId: near.id, sellerId: a.seller.id, state: 'booked', positionGiven: false, lat: LAI_VUNG.lat, contactPhone: displayPhone(a.seller.phone), parcels: 3 });
    expect(pickup.distanceKm).toBeGreaterThan(3);
    expect(pickup.distanceKm).toBeLessThan(3.6);

    const full = await book(b.manager, { day: tomorrow, window: '07:00-09:00', parcels: 1, wardCode: '30226', address: 'Ấp Long Thạnh' });
    expect(full.statusCode).toBe(409);
    expect(errorOf(full)).toMatchObject({ code: 'FARM_PICKUP_FULL', field: 'window' });
    expect(errorOf(full).message).toContain(`khung giờ trống gần nhất: ${tomorrow} 09:00-11:00`);

    // The office moves the first pickup to the next window; the early window frees up.
    const moved = await app.inject({ method: 'POST', url: `/v1/farm-pickups/${pickup.id}/reschedule`, headers: bearer(near.clerk), payload: { day: tomorrow, window: '09:00-11:00', reason: 'Xe hỏng buổi sáng' } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ day: tomorrow, window: '09:00-11:00' });
    expect((await book(b.manager, { day: tomorrow, window: '07:00-09:00', parcels: 1, wardCode: '30226', address: 'Ấp Long Thạnh' })).statusCode).toBe(201);
    // The seller cannot move it back into the now full window.
    const back = await app.inject({ method: 'POST', url: `/v1/farm-pickups/${pickup.id}/reschedule`, headers: bearer(a.manager), payload: { day: tomorrow, window: '07:00-09:00', reason: 'Đổi ý' } });
    expect(back.statusCode).toBe(409);
    const history = (await app.inject({ method: 'GET', url: `/v1/farm-pickups/${pickup.id}`, headers: bearer(a.manager) })).json();
    expect(history.events.map((e: { kind: string; reason: string; actorUserId: string }) => [e.kind, e.reason, e.actorUserId])).toEqual([
      ['booked', '', a.manager.id],
      ['rescheduled', 'Xe hỏng buổi sáng', near.clerk.id],
    ]);
    // Neither the other seller nor a clerk elsewhere sees it.
    expect((await app.inject({ method: 'GET', url: `/v1/farm-pickups/${pickup.id}`, headers: bearer(b.manager) })).statusCode).toBe(404);
  });

  it('is refused when no office that picks up at farms reaches the farm, and for a past day', async () => {
    const { manager } = await sellerWithManager();
    const far = await book(manager, { day: addDays(vnToday(), 1), window: '13:30-15:30', parcels: 1, wardCode: '30226', address: 'Cồn xa', lat: 11.9, lng: 106.9 });
    expect(far.statusCode).toBe(422);
    expect(errorOf(far).code).toBe('FARM_PICKUP_OUT_OF_RANGE');
    const past = await book(manager, { day: addDays(vnToday(), -1), window: '13:30-15:30', parcels: 1, wardCode: '30226', address: 'Ấp 1' });
    expect(past.statusCode).toBe(400);
    expect(errorOf(past).field).toBe('day');
  });

  it('orders the office’s day into the best round from the office, printable with phones and parcel counts', async () => {
    const depot = { lat: 10.9, lng: 105.2 };
    const o = await office(depot, { radiusKm: 30, capacity: 10 });
    const { manager } = await sellerWithManager();
    const day = addDays(vnToday(), 2);
    const farms = [
      { lat: 10.9, lng: 105.25 }, { lat: 10.9, lng: 105.305 }, { lat: 10.95, lng: 105.3 },
      { lat: 10.95, lng: 105.245 }, { lat: 10.93, lng: 105.35 }, { lat: 10.955, lng: 105.19 },
    ];
    const ids: string[] = [];
    for (const [i, f] of farms.entries()) {
      const res = await book(manager, { day, window: '07:00-09:00', parcels: i + 1, wardCode: '30226', address: `Vườn ${i}`, contactPhone: `09120000${10 + i}`, ...f });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().id);
    }
    const res = await app.inject({ method: 'GET', url: `/v1/pickup-points/${o.id}/farm-route?day=${day}`, headers: bearer(o.clerk) });
    expect(res.statusCode, res.body).toBe(200);
    const route = res.json();
    const visited = route.stops.map((s: { pickupId: string }) => ids.indexOf(s.pickupId));

    // The known best round, by trying every order (720).
    const nodes = [depot, ...farms];
    const d = (i: number, j: number) => haversineKm(nodes[i]!, nodes[j]!);
    let best = { len: Infinity, order: [] as number[] };
    const permute = (rest: number[], acc: number[]) => {
      if (!rest.length) {
        const len = tourLength(d, acc.map((x) => x + 1));
        if (len < best.len - 1e-9) best = { len, order: acc };
      }
      rest.forEach((x, i) => permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, x]));
    };
    permute([0, 1, 2, 3, 4, 5], []);
    expect([best.order, [...best.order].reverse()]).toContainEqual(visited);
    expect(route.totalKm).toBeCloseTo(best.len, 1);
    expect(route.stops[0]).toMatchObject({ order: 1, window: '07:00-09:00' });

    const html = await app.inject({ method: 'GET', url: `/v1/pickup-points/${o.id}/farm-route?day=${day}&format=html`, headers: bearer(o.clerk) });
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toContain('0912000010');
    expect(html.body).toContain('21 kiện');
    // A collected pickup leaves the round; the seller cannot mark it, the clerk can, once.
    expect((await app.inject({ method: 'POST', url: `/v1/farm-pickups/${ids[0]}/collected`, headers: bearer(manager) })).statusCode).toBe(403);
    const collected = await app.inject({ method: 'POST', url: `/v1/farm-pickups/${ids[0]}/collected`, headers: bearer(o.clerk) });
    expect(collected.json()).toMatchObject({ state: 'collected' });
    expect((await app.inject({ method: 'POST', url: `/v1/farm-pickups/${ids[0]}/collected`, headers: bearer(o.clerk) })).statusCode).toBe(409);
    const after = (await app.inject({ method: 'GET', url: `/v1/pickup-points/${o.id}/farm-route?day=${day}`, headers: bearer(o.clerk) })).json();
    expect(after.stops.map((s: { pickupId: string }) => s.pickupId)).not.toContain(ids[0]);
    expect(after.stops).toHaveLength(5);
    // Other farms' phones: never shown to a seller manager.
    expect((await app.inject({ method: 'GET', url: `/v1/pickup-points/${o.id}/farm-route?day=${day}`, headers: bearer(manager) })).statusCode).toBe(404);
  });
});
