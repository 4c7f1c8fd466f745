import { PmError } from './errors.ts';
import type { OrderStatus } from './schemas.ts';

/**
 * The order status machine (postmart-api.md#orders):
 * UNPAID → READY_TO_SHIP → PROCESSED → SHIPPED → DELIVERED (or READY_FOR_PICKUP → PICKED_UP) → COMPLETED;
 * IN_CANCEL (buyer asked; seller accepts → CANCELLED, or rejects → back where it was), only before SHIPPED;
 * FAILED_DELIVERY → TO_RETURN → RETURNED. Anything else is 409 INVALID_STATE_TRANSITION.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = Object.freeze({
  UNPAID: ['READY_TO_SHIP', 'CANCELLED'],
  READY_TO_SHIP: ['PROCESSED', 'IN_CANCEL', 'CANCELLED'],
  PROCESSED: ['SHIPPED', 'IN_CANCEL', 'CANCELLED'],
  IN_CANCEL: ['CANCELLED', 'READY_TO_SHIP', 'PROCESSED'],
  SHIPPED: ['DELIVERED', 'READY_FOR_PICKUP', 'FAILED_DELIVERY'],
  READY_FOR_PICKUP: ['PICKED_UP', 'FAILED_DELIVERY'],
  DELIVERED: ['COMPLETED'],
  PICKED_UP: ['COMPLETED'],
  FAILED_DELIVERY: ['TO_RETURN'],
  TO_RETURN: ['RETURNED'],
  COMPLETED: [],
  CANCELLED: [],
  RETURNED: [],
});

export function canTransition(from: string, to: OrderStatus): boolean {
  return (ORDER_TRANSITIONS[from as OrderStatus] ?? []).includes(to);
}

/** Throws 409 INVALID_STATE_TRANSITION naming both statuses and what was attempted. */
export function assertTransition(orderSn: string, from: string, to: OrderStatus, action: string): void {
  if (!canTransition(from, to)) {
    throw new PmError('INVALID_STATE_TRANSITION', `order ${orderSn} is ${from}: ${action} (→ ${to}) is not allowed from there`);
  }
}
