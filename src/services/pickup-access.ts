import { eq } from 'drizzle-orm';
import { orders } from '../../db/schema/orders.ts';
import { pickupPoints, shipments } from '../../db/schema/pickup-points.ts';
import type { DbOrTx } from '../db.ts';
import type { Principal } from './access.ts';

type OrderRow = typeof orders.$inferSelect;

/**
 * The order as access.ts judges it for a clerk: with the pickup points it passes through (where
 * the seller drops it off, and where the buyer collects it). Other roles need no extra reads.
 */
export async function orderForAccess(db: DbOrTx, p: Principal, order: OrderRow | null | undefined): Promise<(OrderRow & { pickupPointIds?: string[] }) | null> {
  if (!order) return null;
  if (p.role !== 'post_office_clerk') return order;
  const ids: string[] = [];
  const [s] = await db.select({ id: shipments.pickupPointId }).from(shipments).where(eq(shipments.orderId, order.id));
  if (s) ids.push(s.id);
  if (order.postOfficeCode) {
    const [pt] = await db.select({ id: pickupPoints.id }).from(pickupPoints).where(eq(pickupPoints.code, order.postOfficeCode));
    if (pt) ids.push(pt.id);
  }
  return { ...order, pickupPointIds: ids };
}
