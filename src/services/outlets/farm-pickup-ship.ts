import { and, asc, eq, inArray } from 'drizzle-orm';
import { farmPickupOrders } from '../../../db/schema/outlets.ts';
import { orderEvents, orders } from '../../../db/schema/orders.ts';
import { shipments } from '../../../db/schema/pickup-points.ts';
import type { DbOrTx, Tx } from '../../db.ts';
import { AppError, invalid } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { authorize, type Principal } from '../accounts/access.ts';
import { declaredWeight } from '../fulfillment/order-ship.ts';
import { orderForAccess } from '../fulfillment/pickup-orders.ts';
import { recordWork } from '../outbox/outbox.ts';

/**
 * The parcels of a farm pickup (issue 14): each order becomes a shipment at the office that comes
 * to the farm, and its ship call to Postmart names that office (postmart-api.md#orders:
 * `POST /orders/{order_sn}/ship {post_office_code}` names the office that takes the parcel in;
 * for a farm pickup that is the picking-up office, not one the seller rides to). The call itself
 * is the usual order-actions job (performShip), so retries, refusals and the package number work as
 * for a drop-off. A farm pickup takes none of the office's counter drop-off slots.
 */
export async function shipThroughFarmPickup(
  tx: Tx,
  p: Principal,
  pickup: { id: string; sellerId: string; day: string; window: string; office: { id: string; code: string } },
  orderIds: string[],
): Promise<void> {
  const ids = [...new Set(orderIds)].sort();
  if (ids.length !== orderIds.length) throw invalid('orderIds', { vi: 'có đơn bị chọn hai lần', en: 'an order is named twice' });
  // Locked in id order, as every multi-order path does, so two bookings never deadlock.
  const rows = await tx.select().from(orders).where(inArray(orders.id, ids)).orderBy(asc(orders.id)).for('update');
  const byId = new Map(rows.map((o) => [o.id, o]));
  for (const id of ids) {
    const order = byId.get(id);
    const field = `orderIds[${orderIds.indexOf(id)}]`;
    // Another seller's order is invisible (404), as everywhere else.
    if (!order || order.sellerId !== pickup.sellerId) throw new AppError('NOT_FOUND', { what: { vi: `đơn hàng (${field})`, en: `order (${field})` } }, field);
    authorize(p, 'order', 'ship', await orderForAccess(tx, p, order));
    if (order.status !== 'processed') {
      throw new AppError('CONFLICT', { detail: { vi: `đơn ${order.orderSn} chưa sẵn sàng gửi (trạng thái ${order.status}); hãy xác nhận đơn trước`, en: `order ${order.orderSn} is not ready to ship (status ${order.status}); confirm it first` } }, field);
    }
    const [existing] = await tx.select({ state: shipments.state }).from(shipments).where(eq(shipments.orderId, id));
    if (existing && (existing.state === 'requested' || existing.state === 'accepted')) {
      throw new AppError('CONFLICT', { detail: { vi: `đơn ${order.orderSn} đã được đặt gửi`, en: `order ${order.orderSn} is already booked for shipping` } }, field);
    }
    const values = {
      bookingId: newId(), pickupPointId: pickup.office.id, day: pickup.day, state: 'requested' as const, packageNumber: null, failure: null,
      declaredWeightGrams: await declaredWeight(tx, id), measuredWeightGrams: null, weightFlagged: false, handedOverAt: null, handedOverBy: null, requestedBy: p.id, updatedAt: new Date(),
    };
    const [s] = await tx.insert(shipments).values({ orderId: id, ...values }).onConflictDoUpdate({ target: shipments.orderId, set: values }).returning({ bookingId: shipments.bookingId });
    await tx.insert(farmPickupOrders).values({ orderId: id, pickupId: pickup.id }).onConflictDoUpdate({ target: farmPickupOrders.orderId, set: { pickupId: pickup.id } });
    await tx.insert(orderEvents).values({ orderId: id, source: 'user', actorUserId: p.id, fromStatus: order.status, toStatus: order.status, note: `farm pickup by ${pickup.office.code} on ${pickup.day} ${pickup.window}` });
    await recordWork(tx, 'order.action', { orderId: id, actorUserId: p.id, action: 'ship', bookingId: s!.bookingId }, 'order-ship');
  }
}

/** A rescheduled pickup moves its parcels' shipments to the new day (same office, so no new ship call). */
export async function moveFarmPickupShipments(tx: DbOrTx, pickupId: string, day: string): Promise<void> {
  const linked = await tx.select({ orderId: farmPickupOrders.orderId }).from(farmPickupOrders).where(eq(farmPickupOrders.pickupId, pickupId));
  if (linked.length === 0) return;
  await tx
    .update(shipments)
    .set({ day, updatedAt: new Date() })
    .where(and(inArray(shipments.orderId, linked.map((l) => l.orderId)), inArray(shipments.state, ['requested', 'accepted'])));
}

/** The orders a pickup collects. */
export async function farmPickupOrderIds(db: DbOrTx, pickupIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(pickupIds.map((id) => [id, []]));
  if (pickupIds.length === 0) return out;
  const rows = await db.select().from(farmPickupOrders).where(inArray(farmPickupOrders.pickupId, pickupIds)).orderBy(asc(farmPickupOrders.orderId));
  for (const r of rows) out.get(r.pickupId)?.push(r.orderId);
  return out;
}
