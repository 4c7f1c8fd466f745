import { and, eq, min } from 'drizzle-orm';
import { orderEvents, orders } from '../../../db/schema/orders.ts';
import { pickupPoints, shipments } from '../../../db/schema/pickup-points.ts';
import type { Db, DbOrTx } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { retryOnDeadlock } from '../../lib/pg-errors.ts';
import { authorize, type Principal } from '../accounts/access.ts';
import { shipmentView } from './order-ship.ts';
import { orderForAccess } from './pickup-orders.ts';
import { isPerishableOrder } from './pickup-finder.ts';

/** A measured weight this far off the declared one is flagged for the seller. */
export const WEIGHT_TOLERANCE = 0.1;
const DAY_MS = 86_400_000;

export const weightOff = (declared: number, measured: number) => declared > 0 && Math.abs(measured - declared) > WEIGHT_TOLERANCE * declared;

const conflict = (vi: string, en: string, field = 'status') => new AppError('CONFLICT', { detail: { vi, en } }, field);

async function orderAtCounter(db: DbOrTx, p: Principal, orderId: string, lock = false) {
  const q = db.select().from(orders).where(eq(orders.id, orderId));
  const [order] = lock ? await q.for('update') : await q;
  authorize(p, 'order', 'operate', await orderForAccess(db, p, order));
  return order!;
}

/**
 * POST /v1/orders/:id/handover: the clerk receives the seller's parcel at the point it was booked
 * at and weighs it. More than 10% off the declared weight (products' weight × quantity) is flagged
 * for the seller. An order event records it with the clerk as actor.
 */
export async function recordHandover(db: Db, p: Principal, orderId: string, weightGrams: number, weightConfirmed = false, now = new Date()) {
  // The order's row, then its shipment's: a worker settling a ship call takes them the other way
  // round, and PostgreSQL aborts one side of the cycle (seen in bench:soak: 6 of 1,805 handovers
  // answered 500). Run again, the handover waits for the worker and goes through.
  return retryOnDeadlock(() => db.transaction(async (tx) => {
    const order = await orderAtCounter(tx, p, orderId, true);
    const [s] = await tx.select().from(shipments).where(eq(shipments.orderId, orderId));
    if (!s || (s.state !== 'requested' && s.state !== 'accepted')) throw conflict('đơn chưa được đặt gửi tại điểm giao nhận nào', 'the order has no drop-off booked');
    if (p.role === 'post_office_clerk' && s.pickupPointId !== p.pickupPointId) throw conflict('đơn được đặt gửi tại điểm khác', 'the drop-off is booked at another point', 'pickupPointId');
    if (s.handedOverAt) throw conflict('bưu gửi đã được nhận', 'the parcel was already received');
    if (order.status !== 'processed' && order.status !== 'shipped') throw conflict(`không nhận hàng cho đơn ở trạng thái ${order.status}`, `cannot receive a parcel for an order in status ${order.status}`);
    const flagged = weightOff(s.declaredWeightGrams, weightGrams);
    // A weight far off is more often a mistyped number or the wrong parcel than a wrong declaration:
    // the clerk confirms it before it is recorded and flagged for the seller.
    if (flagged && !weightConfirmed) throw new AppError('WEIGHT_CONFIRMATION_REQUIRED', { measured: weightGrams, declared: s.declaredWeightGrams }, 'weightGrams');
    const [row] = await tx
      .update(shipments)
      .set({ measuredWeightGrams: weightGrams, weightFlagged: flagged, handedOverAt: now, handedOverBy: p.id, updatedAt: now })
      .where(eq(shipments.orderId, orderId))
      .returning();
    const [point] = await tx.select({ code: pickupPoints.code }).from(pickupPoints).where(eq(pickupPoints.id, s.pickupPointId));
    const pct = s.declaredWeightGrams > 0 ? ` (${weightGrams >= s.declaredWeightGrams ? '+' : ''}${(((weightGrams - s.declaredWeightGrams) / s.declaredWeightGrams) * 100).toFixed(1)}%)` : '';
    await tx.insert(orderEvents).values({
      orderId,
      source: 'user',
      actorUserId: p.id,
      fromStatus: order.status,
      toStatus: order.status,
      note: `parcel received at ${point!.code}: ${weightGrams} g, declared ${s.declaredWeightGrams} g${pct}${flagged ? '; weight flagged for the seller (confirmed by the clerk)' : ''}`,
    });
    return shipmentView(row!, point!.code);
  }));
}

/** When the parcel reached the buyer's point: the first READY_FOR_PICKUP in the order's history. */
export async function arrivedAt(db: DbOrTx, orderId: string): Promise<Date | null> {
  const [r] = await db.select({ at: min(orderEvents.at) }).from(orderEvents).where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.toStatus, 'ready_for_pickup')));
  return r?.at ? new Date(r.at) : null;
}

/** How long the point holds a parcel: shorter for perishables. */
export async function holdUntil(db: DbOrTx, point: { holdDays: number; perishableHoldDays: number }, orderId: string, arrived: Date): Promise<Date> {
  const days = (await isPerishableOrder(db, orderId)) ? Math.min(point.perishableHoldDays, point.holdDays) : point.holdDays;
  return new Date(arrived.getTime() + days * DAY_MS);
}
