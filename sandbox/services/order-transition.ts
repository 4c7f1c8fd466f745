import { and, eq, sql } from 'drizzle-orm';
import { orders, products, skus, type TrackingEvent } from '../db/schema.ts';
import { nowSeconds, type SandboxDeps } from '../context.ts';
import type { DbOrTx, SandboxTx } from '../db.ts';
import { notFound } from '../errors.ts';
import type { OrderStatus } from '../schemas.ts';
import { assertTransition } from '../state-machine.ts';
import { enqueueEvent } from '../webhooks/events.ts';

export type OrderRow = typeof orders.$inferSelect;
export type TransitionDeps = Pick<SandboxDeps, 'config' | 'settings' | 'random'>;

export async function loadOrder(tx: DbOrTx, shopId: string | null, orderSn: string, forUpdate = false): Promise<OrderRow> {
  const where = shopId === null ? eq(orders.orderSn, orderSn) : and(eq(orders.orderSn, orderSn), eq(orders.shopId, shopId));
  const q = tx.select().from(orders).where(where);
  const [row] = forUpdate ? await q.for('update') : await q;
  if (!row) throw notFound('order', orderSn);
  return row;
}

/**
 * When GET /orders may list a change: "data becomes visible up to 60 s late"
 * (postmart-api.md#orders), so each change shows after a random lag in [0, delay].
 */
export function visibleAt(deps: TransitionDeps, nowMs = Date.now()): Date {
  return new Date(nowMs + Math.floor(deps.random() * deps.config().order_visibility_delay_ms));
}

/** Every change to an order goes through here: checked against the state machine, stamped, announced. */
export async function transition(
  tx: SandboxTx,
  deps: TransitionDeps,
  order: OrderRow,
  to: OrderStatus,
  action: string,
  extra: { set?: Partial<typeof orders.$inferInsert>; tracking?: TrackingEvent[] } = {},
): Promise<OrderRow> {
  assertTransition(order.orderSn, order.status, to, action);
  const nowMs = Date.now();
  const updateTime = nowSeconds(nowMs);
  const [updated] = await tx
    .update(orders)
    .set({
      ...extra.set,
      status: to,
      updateTime,
      visibleAt: visibleAt(deps, nowMs),
      ...(extra.tracking?.length ? { trackingEvents: [...order.trackingEvents, ...extra.tracking] } : {}),
    })
    .where(eq(orders.orderSn, order.orderSn))
    .returning();
  if (to === 'CANCELLED') await restoreStock(tx, order);
  await enqueueEvent(tx, deps, {
    shopId: order.shopId,
    type: 'order.status_changed',
    data: { order_sn: order.orderSn, status: to, previous_status: order.status, update_time: updateTime },
  });
  return updated!;
}

/** A cancelled order gives its quantities back to Postmart's stock (SKUs still live). */
async function restoreStock(tx: SandboxTx, order: OrderRow): Promise<void> {
  for (const item of order.items) {
    const [sku] = await tx
      .update(skus)
      .set({ stock: sql`${skus.stock} + ${item.qty}` })
      .where(and(eq(skus.shopId, order.shopId), eq(skus.sellerSku, item.seller_sku), eq(skus.deleted, false)))
      .returning({ productId: skus.productId });
    if (sku) await tx.update(products).set({ updateTime: nowSeconds() }).where(eq(products.id, sku.productId));
  }
}
