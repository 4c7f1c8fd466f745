import { eq, sql } from 'drizzle-orm';
import { orders, orderTrackingEvents, type OrderStatus } from '../../../db/schema/orders.ts';
import type { Db } from '../../db.ts';
import type { Postmart } from '../../postmart/index.ts';

/** Statuses the carrier moves an order through: each change brings new tracking entries. */
export const CARRIER_STATUSES: ReadonlySet<OrderStatus> = new Set(['shipped', 'ready_for_pickup', 'picked_up', 'delivered', 'completed', 'failed_delivery', 'to_return', 'returned']);

/** What reading tracking needs; order-import's deps satisfy it (a narrow type here keeps the two files out of a cycle). */
export type TrackingDeps = { db: Db; postmart: () => Promise<Postmart> };

type TrackedOrder = Pick<typeof orders.$inferSelect, 'id' | 'shopId' | 'orderSn' | 'status' | 'remoteUpdateTime' | 'trackingUpdateTime'>;

/**
 * Whether to read the order's tracking: always when it has just changed in the carrier's hands;
 * otherwise (a retried job, a re-read) when its tracking was read for an older update. update_time
 * has whole seconds and several carrier moves can share one, so a change alone is not enough to
 * skip the read.
 */
export const needsTracking = (o: Pick<TrackedOrder, 'status' | 'remoteUpdateTime' | 'trackingUpdateTime'>, changed: boolean) =>
  CARRIER_STATUSES.has(o.status) && (changed || (o.trackingUpdateTime ?? -1) < o.remoteUpdateTime);

/**
 * Reads the order's tracking from Postmart (GET /orders/{sn}/tracking) and stores its number and
 * every entry not stored yet (the entry is its own identity, so reading twice adds nothing).
 * Records the order's update_time it has caught up with, so a retried job reads it again only if
 * it did not get this far. Answers the number of new entries.
 */
export async function refreshTracking(deps: TrackingDeps, order: TrackedOrder): Promise<number> {
  const pm = await deps.postmart();
  const t = await pm.client.tracking(order.shopId, order.orderSn);
  return deps.db.transaction(async (tx) => {
    const added = t.events.length
      ? await tx
          .insert(orderTrackingEvents)
          .values(t.events.map((e) => ({ orderId: order.id, at: new Date(e.time * 1000), vnpostCode: e.vnpost_code, description: e.description.normalize('NFC'), postOfficeCode: e.post_office_code ?? null })))
          .onConflictDoNothing()
          .returning({ id: orderTrackingEvents.id })
      : [];
    await tx
      .update(orders)
      .set({ ...(t.tracking_number ? { trackingNumber: t.tracking_number } : {}), trackingUpdateTime: sql`GREATEST(COALESCE(${orders.trackingUpdateTime}, 0), ${order.remoteUpdateTime})` })
      .where(eq(orders.id, order.id));
    return added.length;
  });
}
