import type { Db } from '../../db.ts';
import { canReach, localStatusOf } from './order-states.ts';
import { CARRIER_STATUSES } from './order-tracking.ts';

/**
 * What an order event says of the order itself: postmart-api.md#webhooks, "payloads are thin (ids,
 * status, update_time)". The event is signed by Postmart, so it is trusted to say which state it
 * announces; the state itself is still read from the API before anything is applied.
 */
export type EventHint = { status: string; updateTime: number };

/** The hint of an order event's data, or null when it lacks a known status or an integer update_time. */
export function eventHint(data: Record<string, unknown>): EventHint | null {
  const { status, update_time: updateTime } = data;
  if (typeof status !== 'string' || !localStatusOf(status)) return null;
  if (typeof updateTime !== 'number' || !Number.isSafeInteger(updateTime) || updateTime < 0) return null;
  return { status, updateTime };
}

/** Every Postmart status, in the contract's spelling, from which `status` can follow (canReach). */
const REMOTE_STATUSES = ['UNPAID', 'READY_TO_SHIP', 'PROCESSED', 'IN_CANCEL', 'SHIPPED', 'READY_FOR_PICKUP', 'DELIVERED', 'PICKED_UP', 'FAILED_DELIVERY', 'TO_RETURN', 'COMPLETED', 'CANCELLED', 'RETURNED'];
const reachersOf = (status: string) => REMOTE_STATUSES.filter((s) => canReach(s, status));
const CARRIER = [...CARRIER_STATUSES];

/**
 * Marks the event processed, in one statement, when the stored order already holds the state it
 * announces or a later one, and nothing else is owed for the order: exactly the import's "idle"
 * answer (order-import.ts importOne: !acceptsUpdate, no cancellation pending, no tracking behind),
 * judged on the event's own status and update_time instead of a fresh GET /orders/detail.
 *
 * Why: a prepaid order's two events (order.created as UNPAID, order.status_changed to
 * READY_TO_SHIP) arrive together; the first import reads the order as it is now and the second
 * event has nothing left to bring, yet cost a detail call, its rate-limit token and a statement.
 * Postmart's update_time only grows for an order, so an event at or below the stored one is
 * covered; if Postmart has moved on since, a later event (or the poller, which backs webhooks up
 * because deliveries can be missed) brings that state, as it would have without this check.
 *
 * Answers the outcome written, or null when the event must take the general path (the order is
 * not stored, the event is newer, or something is owed).
 */
export async function settleIfCovered(db: Db, eventId: string, orderSn: string, hint: EventHint): Promise<string | null> {
  const unchanged = `order ${orderSn}: unchanged`;
  const stale = `order ${orderSn}: stale`;
  const res = await db.$client.query<{ outcome: string }>({
    name: 'webhook-settle-covered',
    text: `UPDATE webhook_events w
           SET processed_at = now(), outcome = CASE WHEN o.remote_update_time > $3::bigint THEN $7::text ELSE $6::text END
           FROM orders o
           WHERE w.event_id = $1::text AND w.processed_at IS NULL AND o.order_sn = $2::text
             AND (o.remote_update_time > $3::bigint
                  OR (o.remote_update_time = $3::bigint AND (o.remote_status = $4::text OR NOT (o.remote_status = ANY($5::text[])))))
             AND o.cancel_state IS DISTINCT FROM 'pending'
             AND NOT (o.status::text = ANY($8::text[]) AND COALESCE(o.tracking_update_time, -1) < o.remote_update_time)
           RETURNING w.outcome`,
    values: [eventId, orderSn, hint.updateTime, hint.status, reachersOf(hint.status), unchanged, stale, CARRIER],
  });
  return res.rows[0]?.outcome ?? null;
}
