import { eq } from 'drizzle-orm';
import { orderEvents, orders } from '../../../db/schema/orders.ts';
import type { OrderAction } from '../../queues/definitions.ts';
import type { Db, DbOrTx } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { authorize, type Mandate, type Principal } from '../accounts/access.ts';
import { onBehalfNote } from '../accounts/on-behalf.ts';
import { orderForAccess } from '../fulfillment/pickup-orders.ts';
import { importOrders, type OrderImportDeps } from './order-import.ts';
import { performShip } from '../fulfillment/order-ship.ts';
import { outboxJobId, recordWork } from '../outbox/outbox.ts';

/** Where each seller action may start (postmart-api.md#orders: the contract's own state machine). */
const ALLOWED_FROM: Record<OrderAction['action'], readonly string[]> = {
  confirm: ['ready_to_ship'],
  cancel: ['unpaid', 'ready_to_ship', 'processed', 'on_hold'],
  'buyer-cancellation': ['in_cancel'],
  ship: ['processed'],
};

/**
 * POST /v1/orders/:id/{confirm,cancel,buyer-cancellation}: checks that the principal may act on the
 * order and that the action fits its status, and notes the action in the outbox in the same
 * transaction. Seller actions reach Postmart through a job (`jobId`, the relay's job id for the
 * row), and the local status follows only when Postmart has accepted it. A Redis outage delays the
 * action; it never loses it.
 */
export async function requestOrderAction(db: Db, p: Principal, orderId: string, action: Exclude<OrderAction, { action: 'ship' }>): Promise<{ jobId: string }> {
  return db.transaction(async (tx) => {
    const { mandate, status } = await checkOrderAction(tx, p, orderId, action);
    if (mandate) {
      // The action itself reaches the history when Postmart accepts it; who asked, and under which
      // authorization, is recorded now.
      await tx.insert(orderEvents).values({ orderId, source: 'user', actorUserId: p.id, fromStatus: status, toStatus: status, note: `${action.action} requested${onBehalfNote(p, mandate)}`, authorizationId: mandate.authorizationId });
    }
    const id = await recordWork(tx, 'order.action', { orderId, actorUserId: p.id, ...action }, `order-${action.action}`);
    return { jobId: await outboxJobId(tx, id) };
  });
}

async function checkOrderAction(db: DbOrTx, p: Principal, orderId: string, action: OrderAction): Promise<{ mandate: Mandate | null; status: string }> {
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId)).for('update');
  // Through orderForAccess, so a clerk who may read this order (it passes their point) gets 403, not 404.
  const mandate = authorize(p, 'order', 'update', await orderForAccess(db, p, order));
  if (!ALLOWED_FROM[action.action].includes(order!.status)) {
    throw new AppError(
      'CONFLICT',
      {
        detail: {
          vi: `không thể ${action.action} đơn hàng ở trạng thái ${order!.status}`,
          en: `cannot ${action.action} an order in status ${order!.status}`,
        },
      },
      'status',
    );
  }
  return { mandate, status: order!.status };
}

/**
 * The job's half: pushes the action to Postmart with an idempotency key derived from the order and
 * the action (a retried job replays, never repeats), then re-imports the order so the local status
 * and history follow what Postmart now says, with the user as actor.
 */
export async function performOrderAction(deps: OrderImportDeps, orderId: string, actorUserId: string, a: OrderAction): Promise<string> {
  const [order] = await deps.db.select().from(orders).where(eq(orders.id, orderId));
  if (!order) return 'order not found';
  const pm = await deps.postmart();
  const sn = order.orderSn;
  switch (a.action) {
    case 'confirm':
      await pm.client.confirmOrder(order.shopId, sn, `confirm:${sn}`);
      break;
    case 'cancel':
      await pm.client.cancelOrder(order.shopId, sn, a.reason, `cancel:${sn}:${a.reason}`);
      break;
    case 'buyer-cancellation':
      await pm.client.buyerCancellation(order.shopId, sn, a.accept ? 'ACCEPT' : 'REJECT', `buyer-cancellation:${sn}`);
      break;
    case 'ship':
      return performShip(deps, orderId, actorUserId, a.bookingId);
  }
  await importOrders(deps, order.shopId, [sn], 'user', actorUserId);
  return `${a.action} accepted by Postmart`;
}
