import { and, eq, getTableColumns, gte, lte, ne, sql, type SQL } from 'drizzle-orm';
import { communes } from '../../../db/schema/communes.ts';
import { orderLines, orders } from '../../../db/schema/orders.ts';
import { pickupPointDays, pickupPoints } from '../../../db/schema/pickup-points.ts';
import { products } from '../../../db/schema/products.ts';
import { sellers } from '../../../db/schema/sellers.ts';
import type { Db, DbOrTx } from '../../db.ts';
import { invalid, notFound } from '../../errors.ts';
import { isOpenAt } from '../../lib/opening-hours.ts';
import { vnToday } from '../../lib/time.ts';
import { authorize, authorizeAction, type Principal } from '../accounts/access.ts';

export const EARTH_RADIUS_KM = 6371.0088;
const KM_PER_DEGREE = (EARTH_RADIUS_KM * Math.PI) / 180;
/** Products that keep a week or less travel cold when they can (issue: perishables). */
export const PERISHABLE_SHELF_LIFE_DAYS = 7;

export type Origin = { lat: number; lng: number };
export type NearbyPoint = Awaited<ReturnType<typeof findNearby>>[number];

/** Great-circle distance in km (haversine), in SQL so the database sorts and limits. */
const distanceKm = (o: Origin) =>
  sql<number>`2 * ${EARTH_RADIUS_KM}::float8 * asin(sqrt(power(sin(radians(${pickupPoints.lat} - ${o.lat}::float8) / 2), 2) + cos(radians(${o.lat}::float8)) * cos(radians(${pickupPoints.lat})) * power(sin(radians(${pickupPoints.lng} - ${o.lng}::float8) / 2), 2)))`;

/**
 * Active points within `radiusKm` of the origin, nearest first, with today's remaining drop-off
 * capacity and whether they are open at `now` (Asia/Ho_Chi_Minh). A bounding box on the
 * (lat, lng) index narrows the rows before the formula runs, so thousands of points stay cheap.
 */
export async function findNearby(db: DbOrTx, origin: Origin, opts: { radiusKm: number; limit: number; now?: Date; extra?: SQL[] }) {
  const now = opts.now ?? new Date();
  const dLat = opts.radiusKm / KM_PER_DEGREE;
  const dLng = opts.radiusKm / (KM_PER_DEGREE * Math.max(Math.cos((origin.lat * Math.PI) / 180), 0.01));
  const dist = distanceKm(origin);
  const rows = await db
    .select({ ...getTableColumns(pickupPoints), distanceKm: dist, booked: sql<number>`coalesce(${pickupPointDays.booked}, 0)` })
    .from(pickupPoints)
    .leftJoin(pickupPointDays, and(eq(pickupPointDays.pickupPointId, pickupPoints.id), eq(pickupPointDays.day, vnToday(now))))
    .where(
      and(
        eq(pickupPoints.active, true),
        gte(pickupPoints.lat, origin.lat - dLat),
        lte(pickupPoints.lat, origin.lat + dLat),
        gte(pickupPoints.lng, origin.lng - dLng),
        lte(pickupPoints.lng, origin.lng + dLng),
        sql`${dist} <= ${opts.radiusKm}::float8`,
        ...(opts.extra ?? []),
      ),
    )
    .orderBy(dist, pickupPoints.code)
    .limit(opts.limit);
  return rows.map(({ booked, createdAt: _c, updatedAt: _u, vanishedAt: _v, lastSyncedAt: _s, ...r }) => ({
    ...r,
    distanceKm: Math.round(Number(r.distanceKm) * 1000) / 1000,
    remainingToday: Math.max(0, r.dailyCapacity - Number(booked)),
    openNow: isOpenAt(r.openingHours, now),
  }));
}

export async function communeCentroid(db: DbOrTx, code: string, field: string): Promise<Origin> {
  const [c] = await db.select({ lat: communes.lat, lng: communes.lng }).from(communes).where(eq(communes.code, code));
  if (!c) throw invalid(field, { vi: `mã xã/phường ${code} không thuộc tỉnh Đồng Tháp`, en: `commune code ${code} is not a commune of Đồng Tháp` });
  return c;
}

/** GET /v1/pickup-points?near=lat,lng or ?wardCode= (from the commune's centroid). */
export async function searchPickupPoints(db: Db, p: Principal, q: { near?: string | undefined; wardCode?: string | undefined; radiusKm?: number | undefined; limit: number }, now = new Date()) {
  authorizeAction(p, 'pickup_point', 'list');
  let origin: Origin;
  if (q.near) {
    const [lat, lng] = q.near.split(',').map(Number) as [number, number];
    if (Math.abs(lat) > 90 || Math.abs(lng) > 180) throw invalid('near', { vi: 'tọa độ ngoài phạm vi', en: 'coordinates out of range' });
    origin = { lat, lng };
  } else origin = await communeCentroid(db, q.wardCode!, 'wardCode');
  const extra = p.role === 'post_office_clerk' ? [eq(pickupPoints.id, p.pickupPointId!)] : [];
  return findNearby(db, origin, { radiusKm: q.radiusKm ?? 30, limit: q.limit, now, extra });
}

/** Whether any product of the order keeps a week or less. */
export async function isPerishableOrder(db: DbOrTx, orderId: string): Promise<boolean> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(orderLines)
    .innerJoin(products, eq(products.id, orderLines.productId))
    .where(and(eq(orderLines.orderId, orderId), lte(products.shelfLifeDays, PERISHABLE_SHELF_LIFE_DAYS)));
  return (row?.n ?? 0) > 0;
}

/**
 * Points for the seller's drop-off, best first: only active ones accepting drop-off with a slot
 * left today; cold storage first for a perishable order, then open now, then nearest to the
 * seller's commune. Searches wider when nothing is near.
 */
export async function rankDropoffPoints(db: DbOrTx, orderId: string, opts: { limit?: number; excludeId?: string; now?: Date } = {}) {
  const now = opts.now ?? new Date();
  const [o] = await db.select({ sellerId: orders.sellerId }).from(orders).where(eq(orders.id, orderId));
  if (!o) throw notFound('order');
  const [s] = await db.select({ wardCode: sellers.wardCode }).from(sellers).where(eq(sellers.id, o.sellerId));
  const origin = await communeCentroid(db, s!.wardCode, 'wardCode');
  const perishable = await isPerishableOrder(db, orderId);
  const extra = [eq(pickupPoints.acceptsDropoff, true), sql`${pickupPoints.dailyCapacity} > coalesce(${pickupPointDays.booked}, 0)`];
  if (opts.excludeId) extra.push(ne(pickupPoints.id, opts.excludeId));
  let found: NearbyPoint[] = [];
  for (const radiusKm of [30, 300]) {
    found = await findNearby(db, origin, { radiusKm, limit: 50, now, extra });
    if (found.length > 0) break;
  }
  const ranked = found
    .map((pt, i) => ({ pt, i }))
    .sort((a, b) => (perishable ? Number(b.pt.coldStorage) - Number(a.pt.coldStorage) : 0) || Number(b.pt.openNow) - Number(a.pt.openNow) || a.i - b.i)
    .slice(0, opts.limit ?? 5)
    .map(({ pt }) => ({
      ...pt,
      reasons: [
        ...(perishable && pt.coldStorage ? ['cold storage for a perishable order'] : []),
        pt.openNow ? 'open now' : 'closed now',
        `${pt.remainingToday} slots left today`,
        `${pt.distanceKm} km from the seller's commune`,
      ],
    }));
  return { perishable, origin: { wardCode: s!.wardCode, ...origin }, items: ranked };
}

/** GET /v1/orders/:id/pickup-suggestions */
export async function pickupSuggestions(db: Db, p: Principal, orderId: string, now = new Date()) {
  const [o] = await db.select().from(orders).where(eq(orders.id, orderId));
  authorize(p, 'order', 'read', o ?? null);
  return rankDropoffPoints(db, orderId, { now });
}

