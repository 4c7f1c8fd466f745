import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { communes } from '../../../db/schema/communes.ts';
import { farmPickupEvents, farmPickups, farmPickupWindows, outlets, PICKUP_WINDOWS } from '../../../db/schema/outlets.ts';
import { pickupPoints } from '../../../db/schema/pickup-points.ts';
import { sellers } from '../../../db/schema/sellers.ts';
import type { Db, DbOrTx, Tx } from '../../db.ts';
import { AppError, invalid, notFound } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { displayPhone, normalizePhone } from '../../lib/phone.ts';
import { addDays, toVnIso, vnToday } from '../../lib/time.ts';
import { authorize, authorizeAction, canSee, type Principal } from '../accounts/access.ts';
import { EARTH_RADIUS_KM } from '../fulfillment/pickup-finder.ts';
import { farmPickupOrderIds, moveFarmPickupShipments, shipThroughFarmPickup } from './farm-pickup-ship.ts';
import { loadPoint } from './outlet-points.ts';
import { esc, page } from './printable.ts';
import { haversineKm, planRoute } from './route-plan.ts';

/**
 * Pickup at the farm (issue 14): the seller asks a post office to come for the parcels. Any office
 * that picks up at farms and whose service radius reaches the farm may take it, whatever commune
 * either is in; the nearest with room in the window does. Each office has a capacity per window;
 * when every office in reach is full the answer names the next free window. Either side may move
 * a booked pickup, with a reason. The office sees its day as a route.
 */

export type PickupWindow = (typeof PICKUP_WINDOWS)[number];
export type FarmPickupInput = {
  sellerId?: string | undefined; day: string; window: PickupWindow; parcels: number; wardCode: string; address: string;
  lat?: number | undefined; lng?: number | undefined; contactPhone?: string | undefined;
  /** The orders whose parcels are picked up (confirmed, not yet shipped); each is shipped through the picking-up office. */
  orderIds?: string[] | undefined;
};
type PickupRow = typeof farmPickups.$inferSelect;
// Phones are stored E.164 (src/lib/phone.ts) and shown in their national form.
const view = (r: PickupRow, point: { code: string; name: string }, orderIds: string[]) => ({
  ...r, pickupPointCode: point.code, pickupPointName: point.name, orderIds,
  contactPhone: displayPhone(r.contactPhone), requestedBy: undefined, createdAt: toVnIso(r.createdAt), updatedAt: toVnIso(r.updatedAt),
});
export type FarmPickupView = ReturnType<typeof view>;

async function viewOf(db: DbOrTx, r: PickupRow): Promise<FarmPickupView> {
  const point = await loadPoint(db, r.pickupPointId);
  return view(r, point!, (await farmPickupOrderIds(db, [r.id])).get(r.id) ?? []);
}

/** How far ahead the next free window is looked for. */
const LOOKAHEAD_DAYS = 14;

type Office = { id: string; code: string; name: string; capacity: number; distanceKm: number };

/** Offices that pick up at farms and whose radius reaches the position, nearest first. */
async function officesInReach(db: DbOrTx, at: { lat: number; lng: number }): Promise<Office[]> {
  const distance = sql<number>`2 * ${EARTH_RADIUS_KM}::float8 * asin(sqrt(power(sin(radians(${pickupPoints.lat} - ${at.lat}::float8) / 2), 2) + cos(radians(${at.lat}::float8)) * cos(radians(${pickupPoints.lat})) * power(sin(radians(${pickupPoints.lng} - ${at.lng}::float8) / 2), 2)))`;
  const rows = await db
    .select({ id: pickupPoints.id, code: pickupPoints.code, name: pickupPoints.name, capacity: outlets.farmPickupCapacity, radius: outlets.farmPickupRadiusKm, distanceKm: distance })
    .from(outlets)
    .innerJoin(pickupPoints, eq(pickupPoints.id, outlets.pickupPointId))
    .where(and(eq(outlets.acceptsFarmPickup, true), eq(pickupPoints.active, true)))
    .orderBy(distance, pickupPoints.id);
  return rows.filter((r) => r.distanceKm <= r.radius).map(({ radius: _r, ...o }) => o);
}

/** Takes one place in the office's window, or none when it is full (concurrent bookings of the last place: one wins). */
async function bookWindow(tx: DbOrTx, office: { id: string; capacity: number }, day: string, window: PickupWindow): Promise<boolean> {
  await tx.insert(farmPickupWindows).values({ pickupPointId: office.id, day, window }).onConflictDoNothing();
  const booked = await tx
    .update(farmPickupWindows)
    .set({ booked: sql`${farmPickupWindows.booked} + 1` })
    .where(
      and(
        eq(farmPickupWindows.pickupPointId, office.id), eq(farmPickupWindows.day, day), eq(farmPickupWindows.window, window),
        sql`${farmPickupWindows.booked} < (SELECT ${outlets.farmPickupCapacity} FROM ${outlets} WHERE ${outlets.pickupPointId} = ${office.id})`,
      ),
    )
    .returning({ booked: farmPickupWindows.booked });
  return booked.length === 1;
}

async function releaseWindow(tx: DbOrTx, pickupPointId: string, day: string, window: string): Promise<void> {
  await tx
    .update(farmPickupWindows)
    .set({ booked: sql`greatest(${farmPickupWindows.booked} - 1, 0)` })
    .where(and(eq(farmPickupWindows.pickupPointId, pickupPointId), eq(farmPickupWindows.day, day), eq(farmPickupWindows.window, window as PickupWindow)));
}

/** The first window after the requested one where one of the offices has room, within the lookahead. */
export async function nextFreeWindow(db: DbOrTx, offices: Pick<Office, 'id' | 'name' | 'capacity'>[], day: string, window: PickupWindow): Promise<NextWindow | null> {
  if (offices.length === 0) return null;
  const last = addDays(day, LOOKAHEAD_DAYS);
  const rows = await db
    .select()
    .from(farmPickupWindows)
    .where(and(inArray(farmPickupWindows.pickupPointId, offices.map((o) => o.id)), sql`${farmPickupWindows.day} BETWEEN ${day}::date AND ${last}::date`));
  const booked = new Map(rows.map((r) => [`${r.pickupPointId}|${r.day}|${r.window}`, r.booked]));
  for (let d = day; d <= last; d = addDays(d, 1)) {
    for (const w of PICKUP_WINDOWS) {
      if (d === day && w <= window) continue;
      const office = offices.find((o) => (booked.get(`${o.id}|${d}|${w}`) ?? 0) < o.capacity);
      if (office) return { day: d, window: w, office: office.name };
    }
  }
  return null;
}

type NextWindow = { day: string; window: PickupWindow; office: string };

/** The next free window travels in the message and, for a client to offer it as a choice, in the error's `details.next`. */
function fullError(day: string, window: PickupWindow, next: NextWindow | null): AppError {
  return new AppError(
    'FARM_PICKUP_FULL',
    {
      day, window,
      next: next ? `${next.day} ${next.window} (${next.office})` : { vi: `không có trong ${LOOKAHEAD_DAYS} ngày tới`, en: `none in the next ${LOOKAHEAD_DAYS} days` },
    },
    'window',
    { next },
  );
}

function checkDay(day: string): void {
  if (day < vnToday()) throw invalid('day', { vi: 'không được là ngày đã qua', en: 'must not be in the past' });
}

export async function bookFarmPickup(db: Db, p: Principal, input: FarmPickupInput): Promise<FarmPickupView> {
  authorizeAction(p, 'farm_pickup', 'create');
  // A manager books for their own seller; naming another seller is refused as an invisible one, never silently rewritten.
  if (p.role === 'seller_manager' && input.sellerId !== undefined && input.sellerId !== p.sellerId) throw notFound('seller');
  const sellerId = p.role === 'seller_manager' ? p.sellerId : input.sellerId;
  if (!sellerId) throw invalid('sellerId', { vi: 'cần chọn người bán', en: 'name the seller' });
  const [seller] = await db.select({ id: sellers.id, phone: sellers.phone }).from(sellers).where(eq(sellers.id, sellerId));
  if (!seller || !canSee(p, 'farm_pickup', { sellerId })) throw notFound('seller');
  const [commune] = await db.select({ lat: communes.lat, lng: communes.lng }).from(communes).where(eq(communes.code, input.wardCode));
  if (!commune) throw notFound('commune');
  if ((input.lat === undefined) !== (input.lng === undefined)) throw invalid(input.lat === undefined ? 'lat' : 'lng', { vi: 'cần cả vĩ độ lẫn kinh độ', en: 'give both lat and lng' });
  checkDay(input.day);
  const positionGiven = input.lat !== undefined;
  // Without a pin, the commune's centroid decides which offices reach the farm.
  const at = positionGiven ? { lat: input.lat!, lng: input.lng! } : commune;
  const contactPhone = input.contactPhone === undefined ? seller.phone : normalizePhone(input.contactPhone);
  if (!contactPhone) throw invalid('contactPhone', { vi: 'không phải số điện thoại Việt Nam hợp lệ', en: 'not a valid Vietnamese phone number' });
  const offices = await officesInReach(db, at);
  if (offices.length === 0) throw new AppError('FARM_PICKUP_OUT_OF_RANGE', {}, 'wardCode');
  const orderIds = input.orderIds ?? [];
  if (input.parcels < orderIds.length) throw invalid('parcels', { vi: `ít nhất bằng số đơn đã chọn (${orderIds.length})`, en: `at least the number of orders named (${orderIds.length})` });
  const booked = await db.transaction(async (tx) => {
    for (const office of offices) {
      if (!(await bookWindow(tx, office, input.day, input.window))) continue;
      const id = newId();
      const [row] = await tx
        .insert(farmPickups)
        .values({
          id, sellerId, pickupPointId: office.id, day: input.day, window: input.window, parcels: input.parcels, wardCode: input.wardCode, address: input.address.trim(),
          lat: at.lat, lng: at.lng, positionGiven, contactPhone, distanceKm: Math.round(office.distanceKm * 100) / 100, requestedBy: p.id,
        })
        .returning();
      await tx.insert(farmPickupEvents).values({ pickupId: id, kind: 'booked', toDay: input.day, toWindow: input.window, actorUserId: p.id });
      if (orderIds.length) await shipThroughFarmPickup(tx, p, { id, sellerId, day: input.day, window: input.window, office }, orderIds);
      return view(row!, office, [...orderIds].sort());
    }
    return null;
  });
  if (!booked) throw fullError(input.day, input.window, await nextFreeWindow(db, offices, input.day, input.window));
  return booked;
}

/** Moves a booked pickup to another window at the same office (a missed pickup, a change of plan), by the seller or the office. */
export async function rescheduleFarmPickup(db: Db, p: Principal, id: string, input: { day: string; window: PickupWindow; reason: string }): Promise<FarmPickupView> {
  checkDay(input.day);
  const result = await db.transaction(async (tx: Tx): Promise<{ row: PickupRow } | { full: { id: string; capacity: number } }> => {
    const [row] = await tx.select().from(farmPickups).where(eq(farmPickups.id, id)).for('update');
    authorize(p, 'farm_pickup', 'update', row ?? null);
    const pickup = row!;
    if (pickup.state !== 'booked') throw new AppError('CONFLICT', { detail: { vi: 'lịch lấy hàng không còn hiệu lực', en: 'the pickup is no longer booked' } }, 'state');
    if (pickup.day === input.day && pickup.window === input.window) return { row: pickup };
    const office = { id: pickup.pickupPointId, capacity: (await tx.select({ c: outlets.farmPickupCapacity }).from(outlets).where(eq(outlets.pickupPointId, pickup.pickupPointId)))[0]?.c ?? 0 };
    if (!(await bookWindow(tx, office, input.day, input.window))) return { full: office };
    await releaseWindow(tx, pickup.pickupPointId, pickup.day, pickup.window);
    const [moved] = await tx.update(farmPickups).set({ day: input.day, window: input.window, updatedAt: new Date() }).where(eq(farmPickups.id, id)).returning();
    await moveFarmPickupShipments(tx, id, input.day);
    await tx.insert(farmPickupEvents).values({ pickupId: id, kind: 'rescheduled', fromDay: pickup.day, fromWindow: pickup.window, toDay: input.day, toWindow: input.window, reason: input.reason.trim(), actorUserId: p.id });
    return { row: moved! };
  });
  if ('full' in result) {
    const point = await loadPoint(db, result.full.id);
    throw fullError(input.day, input.window, await nextFreeWindow(db, [{ ...result.full, name: point!.name }], input.day, input.window));
  }
  return viewOf(db, result.row);
}

export async function getFarmPickup(db: Db, p: Principal, id: string) {
  const [row] = await db.select().from(farmPickups).where(eq(farmPickups.id, id));
  authorize(p, 'farm_pickup', 'read', row ?? null);
  const events = await db.select().from(farmPickupEvents).where(eq(farmPickupEvents.pickupId, id)).orderBy(asc(farmPickupEvents.id));
  return { ...(await viewOf(db, row!)), events: events.map((e) => ({ ...e, createdAt: toVnIso(e.createdAt) })) };
}

export async function listFarmPickups(db: Db, p: Principal, q: { day?: string | undefined; from?: string | undefined; pickupPointId?: string | undefined }): Promise<FarmPickupView[]> {
  authorizeAction(p, 'farm_pickup', 'list');
  const scope = p.role === 'seller_manager' ? eq(farmPickups.sellerId, p.sellerId ?? '') : p.role === 'post_office_clerk' ? eq(farmPickups.pickupPointId, p.pickupPointId ?? '') : undefined;
  const rows = await db
    .select({ r: farmPickups, code: pickupPoints.code, name: pickupPoints.name })
    .from(farmPickups)
    .innerJoin(pickupPoints, eq(pickupPoints.id, farmPickups.pickupPointId))
    .where(and(scope, q.day ? eq(farmPickups.day, q.day) : undefined, q.from ? sql`${farmPickups.day} >= ${q.from}::date` : undefined, q.pickupPointId ? eq(farmPickups.pickupPointId, q.pickupPointId) : undefined))
    .orderBy(asc(farmPickups.day), asc(farmPickups.window), asc(farmPickups.id))
    .limit(500);
  const linked = await farmPickupOrderIds(db, rows.map((x) => x.r.id));
  return rows.map((x) => view(x.r, x, linked.get(x.r.id) ?? []));
}

export type DayRoute = {
  pickupPointId: string; pointName: string; day: string; totalKm: number;
  stops: { order: number; pickupId: string; sellerName: string; contactPhone: string; parcels: number; window: string; address: string; lat: number; lng: number; legKm: number }[];
};

/**
 * The office's round for a day: its booked pickups in the order of a nearest-neighbour tour from
 * the office improved by 2-opt (route-plan.ts). It lists other sellers' phones, so a seller
 * manager never sees it (the office's clerks, admin and staff do).
 */
export async function dayRoute(db: Db, p: Principal, pickupPointId: string, day: string | undefined): Promise<DayRoute> {
  authorizeAction(p, 'farm_pickup', 'list');
  const point = await loadPoint(db, pickupPointId);
  if (!point || !canSee(p, 'farm_pickup', { pickupPointId: point.id, sellerId: null })) throw notFound('pickup_point');
  const date = day ?? vnToday();
  const rows = await db
    .select({ r: farmPickups, sellerName: sellers.name })
    .from(farmPickups)
    .innerJoin(sellers, eq(sellers.id, farmPickups.sellerId))
    .where(and(eq(farmPickups.pickupPointId, point.id), eq(farmPickups.day, date), eq(farmPickups.state, 'booked')))
    .orderBy(asc(farmPickups.id));
  const order = planRoute(point, rows.map(({ r }) => r));
  let at: { lat: number; lng: number } = point;
  let totalKm = 0;
  const stops = order.map((i, n) => {
    const { r, sellerName } = rows[i]!;
    const legKm = haversineKm(at, r);
    totalKm += legKm;
    at = r;
    return { order: n + 1, pickupId: r.id, sellerName, contactPhone: displayPhone(r.contactPhone), parcels: r.parcels, window: r.window, address: r.address, lat: r.lat, lng: r.lng, legKm: Math.round(legKm * 100) / 100 };
  });
  if (stops.length) totalKm += haversineKm(at, point);
  return { pickupPointId: point.id, pointName: point.name, day: date, totalKm: Math.round(totalKm * 100) / 100, stops };
}

export function dayRouteHtml(r: DayRoute): string {
  const rows = r.stops
    .map((s) => `<tr><td>${s.order}</td><td>${esc(s.window)}</td><td>${esc(s.sellerName)}<br><span class="muted">${esc(s.address)}</span></td><td>${esc(s.contactPhone)}</td><td class="n">${s.parcels}</td><td class="n">${s.legKm.toFixed(1)} km</td></tr>`)
    .join('\n');
  const parcels = r.stops.reduce((n, s) => n + s.parcels, 0);
  return page(
    `Lấy hàng tại vườn ${r.day}`,
    `<h1>Lộ trình lấy hàng tại vườn — ${esc(r.pointName)}</h1><p>Ngày ${esc(r.day)} · ${r.stops.length} điểm · ${parcels} kiện · khoảng ${r.totalKm.toFixed(1)} km (đường chim bay)</p>
<table><thead><tr><th>#</th><th>Khung giờ</th><th>Nhà vườn</th><th>Điện thoại</th><th class="n">Số kiện</th><th class="n">Chặng</th></tr></thead><tbody>
${rows}
</tbody><tfoot><tr><td colspan="4">Tổng</td><td class="n">${parcels}</td><td class="n">${r.totalKm.toFixed(1)} km</td></tr></tfoot></table>`,
    '210mm',
  );
}

/** The office came and took the parcels: the pickup leaves the day's round. */
export async function markFarmPickupCollected(db: Db, p: Principal, id: string): Promise<FarmPickupView> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(farmPickups).where(eq(farmPickups.id, id)).for('update');
    authorize(p, 'farm_pickup', 'operate', row ?? null);
    if (row!.state !== 'booked') throw new AppError('CONFLICT', { detail: { vi: 'lịch lấy hàng không còn hiệu lực', en: 'the pickup is no longer booked' } }, 'state');
    const [done] = await tx.update(farmPickups).set({ state: 'collected', updatedAt: new Date() }).where(eq(farmPickups.id, id)).returning();
    await tx.insert(farmPickupEvents).values({ pickupId: id, kind: 'collected', actorUserId: p.id });
    return viewOf(tx, done!);
  });
}
