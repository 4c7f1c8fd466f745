import type { OrderStatus } from '../../../db/schema/orders.ts';

/**
 * The order state machine (postmart-api.md#orders), in local (lower-case) statuses:
 * UNPAID → READY_TO_SHIP → PROCESSED → SHIPPED → DELIVERED (or READY_FOR_PICKUP → PICKED_UP) → COMPLETED;
 * IN_CANCEL → CANCELLED or back (only before SHIPPED); FAILED_DELIVERY → TO_RETURN → RETURNED.
 * `on_hold` is ours alone: an order we cannot fulfil without a person (an unknown seller SKU).
 */
type RemoteStatus = Exclude<OrderStatus, 'on_hold'>;

const NEXT: Readonly<Record<RemoteStatus, readonly RemoteStatus[]>> = {
  unpaid: ['ready_to_ship', 'cancelled'],
  ready_to_ship: ['processed', 'in_cancel', 'cancelled'],
  processed: ['shipped', 'in_cancel', 'cancelled'],
  in_cancel: ['cancelled', 'ready_to_ship', 'processed'],
  shipped: ['delivered', 'ready_for_pickup', 'failed_delivery'],
  ready_for_pickup: ['picked_up', 'failed_delivery'],
  delivered: ['completed'],
  picked_up: ['completed'],
  failed_delivery: ['to_return'],
  to_return: ['returned'],
  completed: [],
  cancelled: [],
  returned: [],
};

/** Postmart's status in local form; null for a status the contract does not define. */
export function localStatusOf(remote: string): RemoteStatus | null {
  const s = remote.toLowerCase();
  return s in NEXT ? (s as RemoteStatus) : null;
}

/**
 * Whether `to` can follow `from`, directly or through states we did not see (a poller sees only the
 * latest state; webhooks arrive unordered). Used to order two updates stamped with the same second.
 */
export function canReach(from: string, to: string): boolean {
  const start = localStatusOf(from);
  const goal = localStatusOf(to);
  if (!start || !goal) return false;
  const seen = new Set<RemoteStatus>([start]);
  const queue: RemoteStatus[] = [start];
  while (queue.length > 0) {
    for (const next of NEXT[queue.shift()!]) {
      if (next === goal) return true;
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

/**
 * Whether an incoming remote state replaces the stored one: a newer update always does (Postmart is
 * the source of truth); one from the same second only if it can follow the stored state; an older
 * one never does.
 */
export function acceptsUpdate(stored: { remoteStatus: string; remoteUpdateTime: number }, incoming: { status: string; updateTime: number }): boolean {
  if (incoming.updateTime > stored.remoteUpdateTime) return true;
  if (incoming.updateTime < stored.remoteUpdateTime) return false;
  return incoming.status !== stored.remoteStatus && canReach(stored.remoteStatus, incoming.status);
}

/** Statuses in which a newly seen order takes stock from the catalog. */
export const RESERVING: ReadonlySet<OrderStatus> = new Set(['unpaid', 'ready_to_ship']);

/** The local status after a remote change: a hold stays until a person lifts it, unless the order ends remotely. */
export function nextLocalStatus(current: OrderStatus, remote: RemoteStatus): OrderStatus {
  if (current === 'on_hold' && ['unpaid', 'ready_to_ship', 'processed', 'in_cancel'].includes(remote)) return 'on_hold';
  // A parcel the counter handed back to its seller is returned here at once; Postmart passes through
  // failed_delivery and to_return before its RETURNED arrives, and those must not undo it.
  if (current === 'returned' && remote !== 'returned' && canReach(remote, 'returned')) return 'returned';
  return remote;
}

/**
 * What a remote status does to the stock an order holds: cancellation, and a parcel returned to the
 * seller after a failed delivery, give it back; delivery makes it a sale.
 */
export function stockEffectOf(remote: RemoteStatus): 'release' | 'consume' | null {
  if (remote === 'cancelled' || remote === 'returned') return 'release';
  if (remote === 'delivered' || remote === 'picked_up' || remote === 'completed') return 'consume';
  return null;
}
