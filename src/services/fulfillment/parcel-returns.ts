import { and, asc, eq, inArray, isNotNull, isNull, or } from 'drizzle-orm';
import { parcelReturns } from '../../../db/schema/counter.ts';
import { orderEvents, orders } from '../../../db/schema/orders.ts';
import { pickupParcels, pickupPoints, shipments } from '../../../db/schema/pickup-points.ts';
import { sellers } from '../../../db/schema/sellers.ts';
import { users } from '../../../db/schema/users.ts';
import type { Db, DbOrTx } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { maskPhone, normalizePhone } from '../../lib/phone.ts';
import { toVnIso } from '../../lib/time.ts';
import { authorize, type Principal } from '../accounts/access.ts';
import { stockLinesOf } from '../orders/order-import.ts';
import { releaseStock, resyncRemoteStock } from '../stock/ledger.ts';
import { orderForAccess } from './pickup-orders.ts';

/** Postmart's statuses of a parcel the carrier could not deliver or the buyer refused (postmart-api.md#orders). */
const REFUSED = ['failed_delivery', 'to_return'] as const;

/** Parcels at the point that go back to their sellers and have not been handed back yet. */
const toReturnAt = (code: string) =>
  and(
    eq(orders.postOfficeCode, code),
    isNull(parcelReturns.orderId),
    or(
      inArray(orders.status, [...REFUSED]),
      and(eq(orders.status, 'ready_for_pickup'), isNotNull(pickupParcels.returnFlaggedAt), isNull(pickupParcels.collectedAt)),
    ),
  );

const causeOf = (status: string) => ((REFUSED as readonly string[]).includes(status) ? ('refused' as const) : ('hold_expired' as const));

function returnRows(db: DbOrTx, where: ReturnType<typeof toReturnAt>) {
  return db
    .select({ o: orders, parcel: pickupParcels, packageNumber: shipments.packageNumber, sellerName: sellers.name, sellerPhone: sellers.phone })
    .from(orders)
    .innerJoin(sellers, eq(sellers.id, orders.sellerId))
    .leftJoin(pickupParcels, eq(pickupParcels.orderId, orders.id))
    .leftJoin(parcelReturns, eq(parcelReturns.orderId, orders.id))
    .leftJoin(shipments, eq(shipments.orderId, orders.id))
    .where(where)
    .orderBy(asc(orders.orderSn));
}

/**
 * GET /v1/pickup-points/:id/returns: the parcels to give back to their sellers: those not collected
 * within the hold period (flagged by the aging job) and those the buyer refused or the carrier could
 * not deliver (Postmart's failed_delivery / to_return), until the clerk records the hand-back.
 */
export async function listReturns(db: Db, p: Principal, pointId: string) {
  const [point] = await db.select().from(pickupPoints).where(eq(pickupPoints.id, pointId));
  authorize(p, 'pickup_parcels', 'read', point ?? null);
  const rows = await returnRows(db, toReturnAt(point!.code));
  return {
    pickupPointId: pointId,
    items: rows.map(({ o, parcel, packageNumber, sellerName, sellerPhone }) => ({
      orderId: o.id,
      orderSn: o.orderSn,
      status: o.status,
      packageNumber,
      cause: causeOf(o.status),
      sellerId: o.sellerId,
      sellerName,
      sellerPhone: maskPhone(sellerPhone),
      holdUntil: parcel?.holdUntil ? toVnIso(parcel.holdUntil) : null,
    })),
  };
}

/** The seller's phone as the person collecting says it: the seller's own, or one of its managers'. */
async function isSellersPhone(db: DbOrTx, sellerId: string, typed: string | null): Promise<boolean> {
  if (!typed) return false;
  const [seller] = await db.select({ phone: sellers.phone }).from(sellers).where(eq(sellers.id, sellerId));
  if (seller?.phone === typed) return true;
  const [manager] = await db.select({ id: users.id }).from(users).where(and(eq(users.sellerId, sellerId), eq(users.phone, typed), eq(users.disabled, false)));
  return Boolean(manager);
}

export type ReturnInput = { receivedByName: string; sellerPhone: string };

/**
 * POST /v1/orders/:id/return: the clerk hands a parcel on the return list back to its seller, after
 * checking the seller's phone (a wrong one is logged and refused). The order becomes `returned`
 * here at once and its reserved stock comes back through the ledger (pushed to Postmart by the
 * outbox); Postmart's own RETURNED follows from the carrier's scan (postmart-api.md#orders: the
 * partner API has no return call) and finds the stock already given back.
 */
export async function recordReturn(db: Db, p: Principal, orderId: string, input: ReturnInput, now = new Date()) {
  const outcome = await db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
    authorize(p, 'order', 'operate', await orderForAccess(tx, p, order));
    const o = order!;
    const [point] = o.postOfficeCode ? await tx.select().from(pickupPoints).where(eq(pickupPoints.code, o.postOfficeCode)) : [];
    const notHere = () => new AppError('CONFLICT', { detail: { vi: 'bưu gửi không nằm trong danh sách hoàn trả của điểm này', en: 'the parcel is not on this point’s return list' } }, 'status');
    if (!point || (p.role === 'post_office_clerk' && point.id !== p.pickupPointId)) throw notHere();
    const [eligible] = await returnRows(tx, and(eq(orders.id, orderId), toReturnAt(point.code)));
    if (!eligible) throw notHere();
    const event = (note: string, toStatus: typeof o.status = o.status) => tx.insert(orderEvents).values({ orderId, source: 'user', actorUserId: p.id, fromStatus: o.status, toStatus, note });
    const typed = normalizePhone(input.sellerPhone);
    if (!(await isSellersPhone(tx, o.sellerId, typed))) {
      await event(`return to the seller refused at ${point.code}: phone ${maskPhone(typed ?? input.sellerPhone)} is not the seller's`);
      return null;
    }
    const cause = causeOf(o.status);
    await tx.insert(parcelReturns).values({ orderId, pickupPointId: point.id, cause, receivedByName: input.receivedByName.trim(), returnedBy: p.id, returnedAt: now });
    let stockState = o.stockState;
    if (stockState === 'reserved') {
      const lines = await stockLinesOf(tx, orderId);
      await releaseStock(tx, o.orderSn, lines, 'returned');
      await resyncRemoteStock(tx, lines.map((l) => l.productId));
      stockState = 'released';
    }
    await tx.update(orders).set({ status: 'returned', stockState, updatedAt: now }).where(eq(orders.id, orderId));
    await event(`returned to the seller at ${point.code} (${cause === 'refused' ? 'refused / not delivered' : 'not collected in time'}): handed to ${input.receivedByName.trim()}, seller phone verified`, 'returned');
    return { orderId, status: 'returned' as const, returnedAt: toVnIso(now), receivedByName: input.receivedByName.trim() };
  });
  if (!outcome) throw new AppError('SELLER_PHONE_MISMATCH', {}, 'sellerPhone');
  return outcome;
}

