import { and, asc, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { orderEvents, orderLines, orders, orderTrackingEvents } from '../../../db/schema/orders.ts';
import type { Db } from '../../db.ts';
import { invalid } from '../../errors.ts';
import { pageOf } from '../../lib/cursor.ts';
import { displayPhone, maskPhone } from '../../lib/phone.ts';
import { toVnIso } from '../../lib/time.ts';
import type { OrderQueryInput } from '../../schemas/orders.ts';
import { authorize, authorizeAction, sellersInScope, type Principal } from '../accounts/access.ts';
import { cursorId } from '../../lib/paging.ts';
import { atPickupPoint, orderForAccess } from '../fulfillment/pickup-orders.ts';

type OrderRow = typeof orders.$inferSelect;

/** Statuses in which the seller still has to hand the parcel over (postmart-api.md#orders). */
export const TO_SHIP = ['ready_to_ship', 'processed'] as const;

const isOverdue = (o: OrderRow, now: Date) => o.shipBy !== null && o.shipBy < now && (TO_SHIP as readonly string[]).includes(o.status);

function summary(o: OrderRow, now: Date) {
  return {
    id: o.id,
    orderSn: o.orderSn,
    sellerId: o.sellerId,
    status: o.status,
    paymentMethod: o.paymentMethod,
    totalAmountVnd: o.totalAmountVnd,
    codAmountVnd: o.codAmountVnd,
    fulfillmentMode: o.fulfillmentMode,
    postOfficeCode: o.postOfficeCode,
    placedAt: toVnIso(new Date(o.remoteCreateTime * 1000)),
    shipBy: o.shipBy ? toVnIso(o.shipBy) : null,
    overdue: isOverdue(o, now),
    holdReason: o.holdReason,
    cancelReason: o.cancelReason,
  };
}

function instant(value: string, field: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid(field, { vi: 'không phải thời điểm hợp lệ', en: 'is not a valid date-time' });
  return Math.floor(ms / 1000);
}

/** Orders still to ship past their ship-by deadline, counted per seller (for the orders_overdue gauge). */
export async function overdueBySeller(db: Db, now = new Date()): Promise<{ sellerId: string; count: number }[]> {
  const rows = await db
    .select({ sellerId: orders.sellerId, count: sql<number>`count(*)::int` })
    .from(orders)
    .where(and(inArray(orders.status, [...TO_SHIP]), sql`${orders.shipBy} < ${now}`))
    .groupBy(orders.sellerId);
  return rows.map((r) => ({ sellerId: r.sellerId, count: Number(r.count) }));
}

/** Newest first; a seller manager sees only their seller's orders. */
export async function listOrders(db: Db, p: Principal, q: OrderQueryInput, now = new Date()) {
  authorizeAction(p, 'order', 'list');
  const where: SQL[] = [];
  const scope = sellersInScope(p, 'order');
  if (scope) where.push(inArray(orders.sellerId, scope));
  if (q.sellerId) where.push(eq(orders.sellerId, q.sellerId));
  if (q.status) where.push(eq(orders.status, q.status));
  if (q.pickupPointId) where.push(atPickupPoint(q.pickupPointId));
  if (q.from) where.push(gte(orders.remoteCreateTime, instant(q.from, 'from')));
  if (q.to) where.push(lt(orders.remoteCreateTime, instant(q.to, 'to')));
  if (q.overdue) where.push(inArray(orders.status, [...TO_SHIP]), sql`${orders.shipBy} < ${now}`);
  if (q.cursor) where.push(lt(orders.id, cursorId(q.cursor)));
  const rows = await db.select().from(orders).where(and(...where)).orderBy(desc(orders.id)).limit(q.limit + 1);
  const { page, nextCursor } = pageOf(rows, q.limit);
  return { items: page.map((o) => summary(o, now)), nextCursor };
}

/** The order with its lines and events; the recipient's phone is shown whole only to those who ship or administer. */
export async function getOrder(db: Db, p: Principal, id: string, now = new Date()) {
  const [o] = await db.select().from(orders).where(eq(orders.id, id));
  authorize(p, 'order', 'read', await orderForAccess(db, p, o));
  const order = o!;
  const [lines, events, tracking] = await Promise.all([
    db.select().from(orderLines).where(eq(orderLines.orderId, id)).orderBy(asc(orderLines.lineNo)),
    db.select().from(orderEvents).where(eq(orderEvents.orderId, id)).orderBy(asc(orderEvents.id)),
    db.select().from(orderTrackingEvents).where(eq(orderTrackingEvents.orderId, id)).orderBy(asc(orderTrackingEvents.at), asc(orderTrackingEvents.id)),
  ]);
  const seesPhone = p.role === 'admin' || p.role === 'seller_manager';
  return {
    ...summary(order, now),
    shippingFeeVnd: order.shippingFeeVnd,
    voucherAmountVnd: order.voucherAmountVnd,
    note: order.note,
    recipient: {
      name: order.recipientName,
      phone: seesPhone ? displayPhone(order.recipientPhone) : maskPhone(order.recipientPhone),
      addressLine: order.recipientAddressLine,
      wardCode: order.recipientWardCode,
      wardName: order.recipientWardName,
    },
    lines: lines.map((l) => ({ productId: l.productId, sellerSku: l.sellerSku, name: l.name, qty: l.qty, unitPriceVnd: l.unitPriceVnd })),
    trackingNumber: order.trackingNumber,
    tracking: tracking.map((t) => ({ at: toVnIso(t.at), vnpostCode: t.vnpostCode, description: t.description, postOfficeCode: t.postOfficeCode })),
    events: events.map((e) => ({ at: toVnIso(e.at), fromStatus: e.fromStatus, toStatus: e.toStatus, source: e.source, actorUserId: e.actorUserId, note: e.note, authorizationId: e.authorizationId })),
  };
}
