import { and, eq, sql } from 'drizzle-orm';
import { orderEvents, orderLines, orders } from '../../../db/schema/orders.ts';
import { pickupPoints, shipments } from '../../../db/schema/pickup-points.ts';
import { products } from '../../../db/schema/products.ts';
import type { Db, DbOrTx } from '../../db.ts';
import { AppError, invalid, notFound } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { toVnIso, vnToday } from '../../lib/time.ts';
import { PostmartError } from '../../postmart/client/errors.ts';
import { authorize, type Principal } from '../accounts/access.ts';
import { onBehalfNote } from '../accounts/on-behalf.ts';
import { importOrders, type OrderImportDeps } from '../orders/order-import.ts';
import { outboxJobId, recordWork } from '../outbox/outbox.ts';
import { orderForAccess } from './pickup-orders.ts';
import { bookSlot, releaseShipment } from './pickup-capacity.ts';
import { rankDropoffPoints } from './pickup-finder.ts';

type ShipmentRow = typeof shipments.$inferSelect;

export function shipmentView(s: ShipmentRow, code: string) {
  return {
    orderId: s.orderId,
    pickupPointId: s.pickupPointId,
    pickupPointCode: code,
    day: s.day,
    state: s.state,
    packageNumber: s.packageNumber,
    failure: s.failure,
    declaredWeightGrams: s.declaredWeightGrams,
    measuredWeightGrams: s.measuredWeightGrams,
    weightFlagged: s.weightFlagged,
    handedOverAt: s.handedOverAt ? toVnIso(s.handedOverAt) : null,
  };
}

/** What the parcel should weigh: each line's product weight × quantity. */
export async function declaredWeight(db: DbOrTx, orderId: string): Promise<number> {
  const [row] = await db
    .select({ g: sql<number>`coalesce(sum(${products.weightGrams} * ${orderLines.qty}), 0)::int` })
    .from(orderLines)
    .innerJoin(products, eq(products.id, orderLines.productId))
    .where(eq(orderLines.orderId, orderId));
  return Number(row?.g ?? 0);
}

/**
 * POST /v1/orders/:id/ship: books a slot of today's capacity at the chosen point (a full point is
 * refused with the next suggestion) and records the shipment as requested, in one transaction
 * under the order's row lock, with the outbox note of the ship action: the Postmart call follows in
 * an order-actions job (performShip) that the relay starts once the transaction commits, so a Redis
 * outage cannot leave a slot booked with no job to use or free it.
 * postmart-api.md#orders: ship is allowed from PROCESSED.
 */
export async function requestShip(db: Db, p: Principal, orderId: string, pickupPointId: string, now = new Date()) {
  return db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
    // Through orderForAccess, so a clerk who may read this order (it passes their point) gets 403, not 404.
    const mandate = authorize(p, 'order', 'ship', await orderForAccess(tx, p, order));
    if (order!.status !== 'processed') {
      throw new AppError('CONFLICT', { detail: { vi: `chỉ gửi hàng được khi đơn ở trạng thái processed (hiện ${order!.status}); hãy xác nhận đơn trước`, en: `ship needs status processed (now ${order!.status}); confirm the order first` } }, 'status');
    }
    const [existing] = await tx.select().from(shipments).where(eq(shipments.orderId, orderId));
    if (existing && (existing.state === 'requested' || existing.state === 'accepted')) {
      throw new AppError('CONFLICT', { detail: { vi: 'đơn đã được đặt gửi tại một điểm giao nhận', en: 'the order is already booked at a pickup point' } }, 'pickupPointId');
    }
    const [point] = await tx.select().from(pickupPoints).where(eq(pickupPoints.id, pickupPointId));
    if (!point || !point.active || !point.acceptsDropoff) {
      throw invalid('pickupPointId', { vi: 'không phải điểm giao nhận đang hoạt động và nhận hàng gửi', en: 'is not an active pickup point that accepts drop-off' });
    }
    const day = vnToday(now);
    if (!(await bookSlot(tx, point.id, day))) {
      const [next] = (await rankDropoffPoints(tx, orderId, { limit: 1, excludeId: point.id, now })).items;
      throw new AppError('PICKUP_POINT_FULL', {
        point: `${point.name} (${point.code})`,
        capacity: point.dailyCapacity,
        next: next
          ? { vi: `gợi ý: ${next.name} (${next.code}, id ${next.id}, cách ${next.distanceKm} km)`, en: `next suggestion: ${next.name} (${next.code}, id ${next.id}, ${next.distanceKm} km away)` }
          : { vi: 'không còn điểm nào gần còn chỗ hôm nay', en: 'no nearby point has room today' },
      }, 'pickupPointId');
    }
    const values = { bookingId: newId(), pickupPointId: point.id, day, state: 'requested' as const, packageNumber: null, failure: null, declaredWeightGrams: await declaredWeight(tx, orderId), measuredWeightGrams: null, weightFlagged: false, handedOverAt: null, handedOverBy: null, requestedBy: p.id, updatedAt: now };
    const [s] = await tx.insert(shipments).values({ orderId, ...values }).onConflictDoUpdate({ target: shipments.orderId, set: values }).returning();
    await tx.insert(orderEvents).values({ orderId, source: 'user', actorUserId: p.id, fromStatus: order!.status, toStatus: order!.status, note: `drop-off booked at ${point.code} for ${day}${onBehalfNote(p, mandate)}`, authorizationId: mandate?.authorizationId ?? null });
    const outboxId = await recordWork(tx, 'order.action', { orderId, actorUserId: p.id, action: 'ship', bookingId: s!.bookingId }, 'order-ship');
    return { shipment: shipmentView(s!, point.code), bookingId: s!.bookingId, jobId: await outboxJobId(tx, outboxId) };
  });
}

/**
 * The job's half: asks Postmart to ship through the point, with an idempotency key per booking (a
 * retried job replays; a re-ship elsewhere after a failure is a new call). Accepted → the package
 * number is stored and the order re-imported so its status follows Postmart; refused for good →
 * the slot is freed and the reason kept. A stale job (another booking since) does nothing.
 */
export async function performShip(deps: OrderImportDeps, orderId: string, actorUserId: string, bookingId: string): Promise<string> {
  const [row] = await deps.db
    .select({ s: shipments, code: pickupPoints.code, order: orders })
    .from(shipments)
    .innerJoin(pickupPoints, eq(pickupPoints.id, shipments.pickupPointId))
    .innerJoin(orders, eq(orders.id, shipments.orderId))
    .where(and(eq(shipments.orderId, orderId), eq(shipments.bookingId, bookingId)));
  if (!row || row.s.state !== 'requested') return 'nothing to ship';
  const pm = await deps.postmart();
  const sn = row.order.orderSn;
  let packageNumber: string;
  try {
    ({ package_number: packageNumber } = await pm.client.shipOrder(row.order.shopId, sn, row.code, `ship:${sn}:${bookingId}`));
  } catch (err) {
    if (err instanceof PostmartError && !err.retryable) {
      await deps.db.transaction((tx) => releaseShipment(tx, row.order, 'failed', `Postmart refused the ship at ${row.code}: ${err.code}; slot freed`, `${err.code}: ${err.message}`));
    }
    throw err;
  }
  await deps.db.transaction(async (tx) => {
    const [done] = await tx
      .update(shipments)
      .set({ state: 'accepted', packageNumber, updatedAt: new Date() })
      .where(and(eq(shipments.orderId, orderId), eq(shipments.bookingId, bookingId), eq(shipments.state, 'requested')))
      .returning();
    if (done) {
      await tx.insert(orderEvents).values({ orderId, source: 'user', actorUserId, fromStatus: row.order.status, toStatus: row.order.status, note: `Postmart accepted the ship at ${row.code}: package ${packageNumber}` });
    }
  });
  await importOrders(deps, row.order.shopId, [sn], 'user', actorUserId);
  return `ship accepted by Postmart (package ${packageNumber})`;
}

/**
 * The ship job gave up (retryable failures until its last attempt): the booking is released and the
 * reason kept, so the seller can ship again, here or elsewhere. A booking already superseded or
 * settled is left alone.
 */
export async function abandonShip(db: Db, orderId: string, bookingId: string, reason: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select({ order: orders, bookingId: shipments.bookingId }).from(shipments).innerJoin(orders, eq(orders.id, shipments.orderId)).where(eq(shipments.orderId, orderId)).for('update');
    if (!current || current.bookingId !== bookingId) return false;
    return releaseShipment(tx, current.order, 'failed', `ship to Postmart abandoned after retries (${reason}); slot freed`, `GAVE_UP: ${reason}`);
  });
}

/** GET /v1/orders/:id/shipment */
export async function getShipment(db: Db, p: Principal, orderId: string) {
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  authorize(p, 'order', 'read', await orderForAccess(db, p, order));
  const [row] = await db.select({ s: shipments, code: pickupPoints.code }).from(shipments).innerJoin(pickupPoints, eq(pickupPoints.id, shipments.pickupPointId)).where(eq(shipments.orderId, orderId));
  if (!row) throw notFound('shipment');
  return shipmentView(row.s, row.code);
}
