import { and, asc, eq, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { orderEvents, orders } from '../../../db/schema/orders.ts';
import { pickupParcels, pickupPoints, shipments } from '../../../db/schema/pickup-points.ts';
import { sellers } from '../../../db/schema/sellers.ts';
import type { Db } from '../../db.ts';
import { invalid } from '../../errors.ts';
import { maskPhone } from '../../lib/phone.ts';
import { isCalendarDate, toVnIso, vnToday } from '../../lib/time.ts';
import { authorize, type Principal } from '../accounts/access.ts';
import { lockedOrders } from './counter-collect.ts';
import { arrivedAt, holdUntil } from './handover.ts';

const iso = (d: Date | null) => (d ? toVnIso(d) : null);

/**
 * GET /v1/pickup-points/:id/parcels?date=: the counter's day. Drop-offs: parcels sellers booked
 * for that day (received or still expected). Pickups: parcels waiting here for their buyers now,
 * with how long the point holds them and whether they are flagged for return.
 */
export async function listParcels(db: Db, p: Principal, pointId: string, date: string | undefined, now = new Date()) {
  const [point] = await db.select().from(pickupPoints).where(eq(pickupPoints.id, pointId));
  authorize(p, 'pickup_parcels', 'read', point ?? null);
  const day = date ?? vnToday(now);
  if (!isCalendarDate(day)) throw invalid('date', { vi: 'không phải ngày hợp lệ (YYYY-MM-DD)', en: 'is not a valid date (YYYY-MM-DD)' });

  const drops = await db
    .select({ s: shipments, orderSn: orders.orderSn, status: orders.status, sellerName: sellers.name })
    .from(shipments)
    .innerJoin(orders, eq(orders.id, shipments.orderId))
    .innerJoin(sellers, eq(sellers.id, orders.sellerId))
    .where(and(eq(shipments.pickupPointId, pointId), eq(shipments.day, day), inArray(shipments.state, ['requested', 'accepted'])))
    .orderBy(asc(orders.orderSn));

  const waiting = await db
    .select({ o: orders, parcel: pickupParcels })
    .from(orders)
    .leftJoin(pickupParcels, eq(pickupParcels.orderId, orders.id))
    .where(and(eq(orders.postOfficeCode, point!.code), eq(orders.status, 'ready_for_pickup')))
    .orderBy(asc(orders.orderSn));
  const locked = await lockedOrders(db, waiting.map(({ o }) => o.id));
  const pickups = [];
  for (const { o, parcel } of waiting) {
    const arrived = parcel?.arrivedAt ?? (await arrivedAt(db, o.id));
    const until = parcel?.holdUntil ?? (arrived ? await holdUntil(db, point!, o.id, arrived) : null);
    pickups.push({
      orderId: o.id,
      orderSn: o.orderSn,
      status: o.status,
      recipientName: o.recipientName,
      recipientPhone: maskPhone(o.recipientPhone),
      codAmountVnd: o.codAmountVnd,
      arrivedAt: iso(arrived),
      holdUntil: iso(until),
      flaggedForReturn: Boolean(parcel?.returnFlaggedAt),
      collectionLocked: locked.has(o.id),
      collectedAt: iso(parcel?.collectedAt ?? null),
    });
  }
  return {
    date: day,
    dropoffs: drops.map(({ s, orderSn, status, sellerName }) => ({
      orderId: s.orderId,
      orderSn,
      status,
      sellerName,
      packageNumber: s.packageNumber,
      shipmentState: s.state,
      declaredWeightGrams: s.declaredWeightGrams,
      measuredWeightGrams: s.measuredWeightGrams,
      weightFlagged: s.weightFlagged,
      handedOverAt: iso(s.handedOverAt),
    })),
    pickups,
  };
}

/**
 * The aging job: every parcel waiting for its buyer at a known point gets its hold period (from
 * its arrival, shorter for perishables); those past it and still uncollected are flagged for
 * return, once, with an order event. Idempotent.
 */
export async function flagParcelsForReturn(db: Db, now = new Date()): Promise<{ tracked: number; flagged: number }> {
  const untracked = await db
    .select({ orderId: orders.id, point: pickupPoints })
    .from(orders)
    .innerJoin(pickupPoints, eq(pickupPoints.code, orders.postOfficeCode))
    .leftJoin(pickupParcels, eq(pickupParcels.orderId, orders.id))
    .where(and(eq(orders.status, 'ready_for_pickup'), isNull(pickupParcels.orderId)));
  for (const { orderId, point } of untracked) {
    const arrived = (await arrivedAt(db, orderId)) ?? now;
    await db
      .insert(pickupParcels)
      .values({ orderId, pickupPointId: point.id, arrivedAt: arrived, holdUntil: await holdUntil(db, point, orderId, arrived) })
      .onConflictDoNothing();
  }
  const flagged = await db.transaction(async (tx) => {
    const rows = await tx
      .update(pickupParcels)
      .set({ returnFlaggedAt: now })
      .where(
        and(
          isNull(pickupParcels.collectedAt),
          isNull(pickupParcels.returnFlaggedAt),
          lt(pickupParcels.holdUntil, now),
          sql`EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.id} = ${pickupParcels.orderId} AND ${orders.status} = 'ready_for_pickup')`,
        ),
      )
      .returning({ orderId: pickupParcels.orderId, holdUntil: pickupParcels.holdUntil });
    if (rows.length > 0) {
      await tx.insert(orderEvents).values(
        rows.map((r) => ({ orderId: r.orderId, source: 'system' as const, fromStatus: 'ready_for_pickup', toStatus: 'ready_for_pickup', note: `not collected by ${toVnIso(r.holdUntil)}: flagged for return` })),
      );
    }
    return rows.length;
  });
  return { tracked: untracked.length, flagged };
}

/** Parcels flagged for return and still at their point, per point code (for GET /metrics). */
export async function countParcelsToReturn(db: Db): Promise<{ code: string; count: number }[]> {
  const rows = await db
    .select({ code: pickupPoints.code, count: sql<number>`count(*)::int` })
    .from(pickupParcels)
    .innerJoin(pickupPoints, eq(pickupPoints.id, pickupParcels.pickupPointId))
    .innerJoin(orders, eq(orders.id, pickupParcels.orderId))
    .where(and(isNotNull(pickupParcels.returnFlaggedAt), isNull(pickupParcels.collectedAt), eq(orders.status, 'ready_for_pickup')))
    .groupBy(pickupPoints.code);
  return rows.map((r) => ({ code: r.code, count: Number(r.count) }));
}
