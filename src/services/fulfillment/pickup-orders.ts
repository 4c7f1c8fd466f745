import { and, eq, sql, type SQL } from 'drizzle-orm';
import { orders } from '../../../db/schema/orders.ts';
import { pickupPoints, shipments } from '../../../db/schema/pickup-points.ts';
import type { DbOrTx } from '../../db.ts';
import type { Principal } from '../accounts/access.ts';

type OrderRow = typeof orders.$inferSelect;

/** Orders passing through a pickup point: booked for drop-off there, or to be collected there by the buyer. */
export const atPickupPoint = (pickupPointId: string): SQL =>
  sql`(EXISTS (SELECT 1 FROM ${shipments} WHERE ${shipments.orderId} = ${orders.id} AND ${shipments.pickupPointId} = ${pickupPointId})
    OR ${orders.postOfficeCode} = (SELECT ${pickupPoints.code} FROM ${pickupPoints} WHERE ${pickupPoints.id} = ${pickupPointId}))`;

/**
 * The order as access.ts judges it for a clerk: with the clerk's point among its pickupPointIds
 * when the order passes through it (the same rule as the order list's filter). Other roles need no
 * extra read.
 */
export async function orderForAccess(db: DbOrTx, p: Principal, order: OrderRow | null | undefined): Promise<(OrderRow & { pickupPointIds?: string[] }) | null> {
  if (!order) return null;
  if (p.role !== 'post_office_clerk') return order;
  if (!p.pickupPointId) return { ...order, pickupPointIds: [] };
  const [hit] = await db.select({ id: orders.id }).from(orders).where(and(eq(orders.id, order.id), atPickupPoint(p.pickupPointId)));
  return { ...order, pickupPointIds: hit ? [p.pickupPointId] : [] };
}
