import { and, eq, inArray, sql } from 'drizzle-orm';
import { orderEvents } from '../../../db/schema/orders.ts';
import { farmPickupOrders } from '../../../db/schema/outlets.ts';
import { pickupPointDays, pickupPoints, shipments } from '../../../db/schema/pickup-points.ts';
import type { DbOrTx, Tx } from '../../db.ts';

/**
 * Takes one of the point's drop-off slots for that Vietnam day, or none when the day is full.
 * The counter row is created if missing, then incremented only while below the point's capacity:
 * concurrent bookings of the last slot queue on the row lock and re-check the condition after the
 * winner commits (PostgreSQL re-evaluates the WHERE on the updated row), so exactly one wins.
 */
export async function bookSlot(tx: DbOrTx, pickupPointId: string, day: string): Promise<boolean> {
  await tx.insert(pickupPointDays).values({ pickupPointId, day, booked: 0 }).onConflictDoNothing();
  const booked = await tx
    .update(pickupPointDays)
    .set({ booked: sql`${pickupPointDays.booked} + 1` })
    .where(
      and(
        eq(pickupPointDays.pickupPointId, pickupPointId),
        eq(pickupPointDays.day, day),
        sql`${pickupPointDays.booked} < (SELECT ${pickupPoints.dailyCapacity} FROM ${pickupPoints} WHERE ${pickupPoints.id} = ${pickupPointId})`,
      ),
    )
    .returning({ booked: pickupPointDays.booked });
  return booked.length === 1;
}

export async function releaseSlot(tx: DbOrTx, pickupPointId: string, day: string): Promise<void> {
  await tx
    .update(pickupPointDays)
    .set({ booked: sql`greatest(${pickupPointDays.booked} - 1, 0)` })
    .where(and(eq(pickupPointDays.pickupPointId, pickupPointId), eq(pickupPointDays.day, day)));
}

/**
 * An order that will not be dropped off after all (cancelled, or Postmart refused the ship) gives
 * its slot back. Only a shipment still holding one (requested or accepted) releases it, so calling
 * this twice frees one slot.
 */
export async function releaseShipment(tx: Tx, order: { id: string; status: string }, state: 'released' | 'failed', note: string, failure: string | null = null): Promise<boolean> {
  const orderId = order.id;
  const [s] = await tx
    .update(shipments)
    .set({ state, failure, updatedAt: new Date() })
    .where(and(eq(shipments.orderId, orderId), inArray(shipments.state, ['requested', 'accepted'])))
    .returning({ pickupPointId: shipments.pickupPointId, day: shipments.day });
  if (!s) return false;
  // A farm pickup's parcel took no drop-off slot (outlets/farm-pickup-ship.ts), so it frees none.
  const [farm] = await tx.select({ id: farmPickupOrders.orderId }).from(farmPickupOrders).where(eq(farmPickupOrders.orderId, orderId));
  if (!farm) await releaseSlot(tx, s.pickupPointId, s.day);
  await tx.insert(orderEvents).values({ orderId, source: 'system', fromStatus: order.status, toStatus: order.status, note });
  return true;
}
