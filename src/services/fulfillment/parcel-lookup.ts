import { desc, eq } from 'drizzle-orm';
import { parcelReturns } from '../../../db/schema/counter.ts';
import { orders } from '../../../db/schema/orders.ts';
import { pickupParcels, pickupPoints, shipments } from '../../../db/schema/pickup-points.ts';
import { sellers } from '../../../db/schema/sellers.ts';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { maskPhone } from '../../lib/phone.ts';
import { toVnIso } from '../../lib/time.ts';
import { authorize, type Principal } from '../accounts/access.ts';
import { lockedOrders } from './counter-collect.ts';
import { orderForAccess } from './pickup-orders.ts';

const iso = (d: Date | null | undefined) => (d ? toVnIso(d) : null);
const parcelNotFound = () => new AppError('NOT_FOUND', { what: { vi: 'bưu gửi', en: 'Parcel' } }, 'packageNumber');

/**
 * GET /v1/parcels/:packageNumber: what the counter needs of a parcel whose label it scanned. A clerk
 * sees only parcels that pass through their own office (dropped off or collected there), a seller
 * only their own; anything else answers 404 like an unknown number, so numbers cannot be probed.
 */
export async function lookupParcel(db: Db, p: Principal, packageNumber: string) {
  const [row] = await db
    .select({ s: shipments, order: orders, sellerName: sellers.name, dropCode: pickupPoints.code })
    .from(shipments)
    .innerJoin(orders, eq(orders.id, shipments.orderId))
    .innerJoin(sellers, eq(sellers.id, orders.sellerId))
    .innerJoin(pickupPoints, eq(pickupPoints.id, shipments.pickupPointId))
    .where(eq(shipments.packageNumber, packageNumber.trim()))
    .orderBy(desc(shipments.updatedAt))
    .limit(1);
  if (!row) throw parcelNotFound();
  try {
    authorize(p, 'order', 'read', await orderForAccess(db, p, row.order));
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') throw parcelNotFound();
    throw err;
  }
  const o = row.order;
  let pickup = null;
  if (o.postOfficeCode) {
    const [point] = await db.select({ id: pickupPoints.id }).from(pickupPoints).where(eq(pickupPoints.code, o.postOfficeCode));
    const [parcel] = await db.select().from(pickupParcels).where(eq(pickupParcels.orderId, o.id));
    const [ret] = await db.select({ at: parcelReturns.returnedAt }).from(parcelReturns).where(eq(parcelReturns.orderId, o.id));
    pickup = {
      postOfficeCode: o.postOfficeCode,
      pickupPointId: point?.id ?? null,
      arrivedAt: iso(parcel?.arrivedAt),
      holdUntil: iso(parcel?.holdUntil),
      collectedAt: iso(parcel?.collectedAt),
      flaggedForReturn: Boolean(parcel?.returnFlaggedAt),
      collectionLocked: (await lockedOrders(db, [o.id])).has(o.id),
      returnedAt: iso(ret?.at),
    };
  }
  return {
    packageNumber: row.s.packageNumber!,
    orderId: o.id,
    orderSn: o.orderSn,
    status: o.status,
    sellerId: o.sellerId,
    sellerName: row.sellerName,
    paymentMethod: o.paymentMethod,
    codAmountVnd: o.codAmountVnd,
    recipientName: o.recipientName,
    recipientPhone: maskPhone(o.recipientPhone),
    dropoff: {
      pickupPointId: row.s.pickupPointId,
      pickupPointCode: row.dropCode,
      day: row.s.day,
      state: row.s.state,
      declaredWeightGrams: row.s.declaredWeightGrams,
      measuredWeightGrams: row.s.measuredWeightGrams,
      weightFlagged: row.s.weightFlagged,
      handedOverAt: iso(row.s.handedOverAt),
    },
    pickup,
  };
}
