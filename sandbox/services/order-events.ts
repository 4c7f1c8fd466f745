import { nowSeconds, type SandboxDeps } from '../context.ts';
import type { SandboxTx } from '../db.ts';
import { PmError } from '../errors.ts';
import { toControlOrder } from '../forms.ts';
import { trackingEvent, type TrackingStep } from '../tracking.ts';
import { enqueueEvent } from '../webhooks/events.ts';
import { loadOrder, transition, type OrderRow } from './order-transition.ts';
import { findPostOffice } from './post-offices.ts';

type Deps = Pick<SandboxDeps, 'db' | 'config' | 'settings' | 'random' | 'wakeWebhooks'>;

/** POST /sandbox/orders/{order_sn}/events {type} (postmart-api.md#the-sandbox). */
export const ORDER_EVENT_TYPES = [
  'BUYER_CANCEL_REQUEST',
  'CARRIER_RECEIVED',
  'ARRIVED_AT_PICKUP_POINT',
  'PICKED_UP',
  'DELIVERED',
  'DELIVERY_FAILED',
  'RETURNED',
  'COD_REMITTED',
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

const invalid = (o: OrderRow, type: string, why: string) => new PmError('INVALID_STATE_TRANSITION', `order ${o.orderSn} is ${o.status}: ${type} ${why}`);

async function office(tx: SandboxTx, code: string | null | undefined) {
  const po = code ? await findPostOffice(tx, code) : null;
  return po ? { code: po.code, name: po.name } : null;
}

/** What happens outside the seller's hands: the buyer, the carrier, the COD settlement. */
async function apply(tx: SandboxTx, deps: Deps, o: OrderRow, type: OrderEventType): Promise<OrderRow> {
  const t = nowSeconds();
  const track = async (steps: [TrackingStep, string | null | undefined][]) =>
    Promise.all(steps.map(async ([step, code]) => trackingEvent(step, await office(tx, code), t)));
  const pickupCode = o.fulfillment.post_office_code;
  const deliveryCode = `PO${o.recipient.ward_code}`;
  switch (type) {
    case 'BUYER_CANCEL_REQUEST': {
      if (o.status !== 'READY_TO_SHIP' && o.status !== 'PROCESSED') throw invalid(o, type, 'the buyer can ask to cancel only before the parcel ships');
      const updated = await transition(tx, deps, o, 'IN_CANCEL', type, { set: { statusBeforeCancel: o.status } });
      await enqueueEvent(tx, deps, { shopId: o.shopId, type: 'order.buyer_cancel_requested', data: { order_sn: o.orderSn, update_time: updated.updateTime } });
      return updated;
    }
    case 'CARRIER_RECEIVED':
      if (o.status === 'PROCESSED' && !o.packageNumber) throw invalid(o, type, 'needs a shipment first (POST /orders/{sn}/ship)');
      return transition(tx, deps, o, 'SHIPPED', type, { tracking: await track([['ACCEPTED', o.dropoffPostOfficeCode], ['DEPARTED', o.dropoffPostOfficeCode]]) });
    case 'ARRIVED_AT_PICKUP_POINT':
      if (o.fulfillment.mode !== 'PICKUP_AT_POST_OFFICE') throw invalid(o, type, 'applies only to PICKUP_AT_POST_OFFICE orders');
      return transition(tx, deps, o, 'READY_FOR_PICKUP', type, { tracking: await track([['ARRIVED_FOR_PICKUP', pickupCode]]) });
    case 'PICKED_UP':
      return transition(tx, deps, o, 'PICKED_UP', type, { tracking: await track([['PICKED_UP', pickupCode]]) });
    case 'DELIVERED':
      if (o.fulfillment.mode !== 'HOME_DELIVERY') throw invalid(o, type, 'applies only to HOME_DELIVERY orders (a pickup order is PICKED_UP)');
      return transition(tx, deps, o, 'DELIVERED', type, { tracking: await track([['OUT_FOR_DELIVERY', deliveryCode], ['DELIVERED', deliveryCode]]) });
    case 'DELIVERY_FAILED':
      return transition(tx, deps, o, 'FAILED_DELIVERY', type, { tracking: await track([['DELIVERY_FAILED', pickupCode ?? deliveryCode]]) });
    case 'RETURNED': {
      // FAILED_DELIVERY → TO_RETURN → RETURNED: both steps happen, each with its own status event.
      let cur = o;
      if (cur.status === 'FAILED_DELIVERY') cur = await transition(tx, deps, cur, 'TO_RETURN', type, { tracking: await track([['RETURNING', null]]) });
      return transition(tx, deps, cur, 'RETURNED', type, { tracking: await track([['RETURNED', o.dropoffPostOfficeCode]]) });
    }
    case 'COD_REMITTED':
      return transition(tx, deps, o, 'COMPLETED', type, { tracking: o.paymentMethod === 'COD' ? await track([['COD_REMITTED', null]]) : [] });
  }
}

/** Applies one sandbox event and answers the order after it, with its VNPost-style tracking events. */
export async function applyOrderEvent(deps: Deps, orderSn: string, type: OrderEventType) {
  const updated = await deps.db.transaction(async (tx) => apply(tx, deps, await loadOrder(tx, null, orderSn, true), type));
  deps.wakeWebhooks();
  return toControlOrder(updated);
}
