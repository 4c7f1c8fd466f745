import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickupPointDays, pickupPoints, shipments } from '../../db/schema/pickup-points.ts';
import { addDays, vnToday } from '../../src/lib/time.ts';
import { updateOutletSettings } from '../../src/services/outlets/outlet-points.ts';
import { eventually } from '../support/eventually.ts';
import { bearer, errorOf } from '../support/http.ts';
import { asPrincipal } from '../support/outlets.ts';
import { startOrderWorld, type OrderKit, type Seller } from '../support/order-world.ts';
import type { World } from '../support/world.ts';

let world: World;
let seller: Seller;
let kit: OrderKit;
let office: typeof pickupPoints.$inferSelect;

beforeAll(async () => {
  ({ world, seller, kit } = await startOrderWorld()); // the seller is in Lai Vung (30226)
  expect((await world.app.inject({ method: 'POST', url: '/v1/pickup-points/sync', headers: bearer(world.admin) })).statusCode).toBe(200);
  // The Mỹ Hiệp office (another commune than the seller's) picks up at farms; the farm's pin is
  // at the office's own position so that no office other tests make elsewhere on the map is nearer.
  office = (await world.app.db.select().from(pickupPoints).where(eq(pickupPoints.code, 'PO30112')))[0]!;
  await updateOutletSettings(world.app.db, asPrincipal(world.admin), office.id, { acceptsFarmPickup: true, farmPickupRadiusKm: 2, farmPickupCapacity: 2 });
});
afterAll(() => world?.close());

const call = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
  world.app.inject({ method, url, headers: { ...bearer(seller.manager), 'accept-language': 'en' }, ...(payload === undefined ? {} : { payload: payload as never }) });

async function processedOrder() {
  const product = await kit.createListed({ stock: 20 });
  const sn = await kit.placeOrder(product.sku, 1);
  const order = (await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved'))!;
  expect((await call('POST', `/v1/orders/${order.id}/confirm`)).statusCode).toBe(202);
  await eventually(() => kit.orderBySn(sn), (o) => o?.status === 'processed');
  return { id: order.id, sn };
}
const shipmentOf = async (orderId: string) => (await world.app.db.select().from(shipments).where(eq(shipments.orderId, orderId)))[0];
const dropoffsBooked = async (day: string) =>
  (await world.app.db.select().from(pickupPointDays).where(and(eq(pickupPointDays.pickupPointId, office.id), eq(pickupPointDays.day, day))))[0]?.booked ?? 0;

describe('a farm pickup with its orders', () => {
  it("ships each order through the office that picks up: Postmart's ship call names that office, and no drop-off slot is taken", async () => {
    const a = await processedOrder();
    const b = await processedOrder();
    const day = addDays(vnToday(), 2);
    const res = await call('POST', '/v1/farm-pickups', { day, window: '13:30-15:30', parcels: 2, orderIds: [a.id, b.id], wardCode: '30226', address: 'Ấp Tân Hòa', lat: office.lat, lng: office.lng });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ pickupPointId: office.id, pickupPointCode: 'PO30112', pickupPointName: office.name, orderIds: [a.id, b.id].sort(), parcels: 2 });
    for (const o of [a, b]) {
      const s = await eventually(() => shipmentOf(o.id), (x) => x?.state === 'accepted');
      expect(s).toMatchObject({ pickupPointId: office.id, day });
      // The sandbox recorded the picking-up office as where the parcel enters the network.
      const { client } = await world.app.postmart();
      const tracking = await client.tracking(seller.shopId, o.sn);
      expect(tracking.events.find((e) => e.vnpost_code)?.post_office_code).toBe('PO30112');
      expect(tracking.events.every((e) => e.post_office_code === null || e.post_office_code === 'PO30112')).toBe(true);
    }
    expect(await dropoffsBooked(day)).toBe(0);
    // After the carrier's receipt the sandbox's tracking says the parcel was accepted at that office.
    await world.control('POST', `/orders/${a.sn}/events`, { type: 'CARRIER_RECEIVED' });
    const { client } = await world.app.postmart();
    const accepted = (await client.tracking(seller.shopId, a.sn)).events.at(-1)!;
    expect(accepted.post_office_code).toBe('PO30112');

    // Moved to another day: the parcels' shipments move with it (same office, no new ship call).
    const moved = await call('POST', `/v1/farm-pickups/${res.json().id}/reschedule`, { day: addDays(day, 1), window: '07:00-09:00', reason: 'Mưa lớn, đường ngập' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await shipmentOf(b.id))!.day).toBe(addDays(day, 1));
  });

  it('refuses an order that is not ready to ship, naming it, and books nothing', async () => {
    const product = await kit.createListed({ stock: 20 });
    const sn = await kit.placeOrder(product.sku, 1);
    const fresh = (await eventually(() => kit.orderBySn(sn), (o) => o?.stockState === 'reserved'))!; // not confirmed
    const day = addDays(vnToday(), 8);
    const res = await call('POST', '/v1/farm-pickups', { day, window: '07:00-09:00', parcels: 1, orderIds: [fresh.id], wardCode: '30226', address: 'Ấp Tân Hòa', lat: office.lat, lng: office.lng });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'CONFLICT', field: 'orderIds[0]' });
    expect(await shipmentOf(fresh.id)).toBeUndefined();
    const mine = (await call('GET', `/v1/farm-pickups?day=${day}`)).json().items;
    expect(mine.filter((m: { window: string; day: string }) => m.window === '07:00-09:00' && m.day === day).flatMap((m: { orderIds: string[] }) => m.orderIds)).not.toContain(fresh.id);
    // Fewer parcels than orders is refused by field.
    const few = await call('POST', '/v1/farm-pickups', { day, window: '07:00-09:00', parcels: 1, orderIds: [fresh.id, product.id], wardCode: '30226', address: 'Ấp Tân Hòa', lat: office.lat, lng: office.lng });
    expect(errorOf(few)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'parcels' });
  });

  it('gives the next free window as details a client can offer', async () => {
    const day = addDays(vnToday(), 5);
    const body = { day, window: '15:30-17:30', parcels: 1, wardCode: '30226', address: 'Ấp Tân Hòa', lat: office.lat, lng: office.lng };
    for (let i = 0; i < 2; i++) expect((await call('POST', '/v1/farm-pickups', body)).statusCode).toBe(201);
    const full = await call('POST', '/v1/farm-pickups', body);
    expect(full.statusCode).toBe(409);
    expect(full.json().error).toMatchObject({ code: 'FARM_PICKUP_FULL', details: { next: { day: addDays(day, 1), window: '07:00-09:00', office: office.name } } });
  });
});
