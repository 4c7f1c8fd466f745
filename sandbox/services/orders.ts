import { and, eq, inArray, sql } from 'drizzle-orm';
import { orders, products, skus, type Fulfillment, type OrderItem, type Recipient } from '../db/schema.ts';
import { nowSeconds, type SandboxDeps } from '../context.ts';
import { invalidParam, notFound, PmError } from '../errors.ts';
import { toOrderSummary } from '../forms.ts';
import { newOrderSn, newPackageNumber, newTrackingNumber } from '../ids.ts';
import { completeRecipient } from '../recipients.ts';
import type { CANCEL_REASONS, PAYMENT_METHODS } from '../schemas.ts';
import { trackingEvent } from '../tracking.ts';
import { enqueueEvent, enqueueEvents, eventOwner } from '../webhooks/events.ts';
import { assertTransition } from '../state-machine.ts';
import { loadOrder, transition, visibleAt } from './order-transition.ts';
import { findPostOffice } from './post-offices.ts';

type Deps = Pick<SandboxDeps, 'db' | 'config' | 'settings' | 'random' | 'wakeWebhooks' | 'communes'>;

/** Sandbox defaults: the seller has two days to hand the parcel over. */
const SHIP_WITHIN_S = 2 * 86_400;
const SHIPPING_FEE = { HOME_DELIVERY: 25_000, PICKUP_AT_POST_OFFICE: 15_000 } as const;

export type NewOrder = {
  shop_id: string;
  items: { seller_sku: string; qty: number }[];
  payment_method?: (typeof PAYMENT_METHODS)[number] | undefined;
  fulfillment?: Partial<Fulfillment> | undefined;
  recipient?: Partial<Recipient> | undefined;
  note?: string | undefined;
  shipping_fee?: number | undefined;
  voucher_amount?: number | undefined;
  ignore_stock?: boolean | undefined;
};

const outOfStock = (message: string, field: string) => new PmError('OUT_OF_STOCK', message, [{ field, message }]);

/**
 * A buyer places an order (POST /sandbox/orders, postmart-api.md#the-sandbox). Postmart's stock
 * of each SKU is decremented; a SKU that is not ACTIVE, or an order beyond the stock, is refused
 * 409 OUT_OF_STOCK unless `ignore_stock` (a buyer who saw stale stock). Every order reaches
 * READY_TO_SHIP at once; a prepaid one passes through UNPAID with its own event.
 */
export async function createOrder(deps: Deps, input: NewOrder): Promise<{ order_sn: string }> {
  const paymentMethod = input.payment_method ?? 'COD';
  const mode = input.fulfillment?.mode ?? 'HOME_DELIVERY';
  const recipient = completeRecipient(input.recipient, deps.communes, deps.random);
  const orderSn = await deps.db.transaction(async (tx) => {
    const owner = await eventOwner(tx, input.shop_id);
    if (!owner) throw notFound('shop', input.shop_id);

    let fulfillment: Fulfillment = { mode };
    if (mode === 'PICKUP_AT_POST_OFFICE') {
      const code = input.fulfillment?.post_office_code ?? `PO${recipient.ward_code}`;
      const po = await findPostOffice(tx, code);
      if (!po || !po.buyerPickup) throw invalidParam('fulfillment.post_office_code', `${code} is not a post office where buyers collect parcels`);
      fulfillment = { mode, post_office_code: po.code };
    }

    // Every SKU of the order locked at once, in id order: buyers placing orders at the same moment
    // wait for each other instead of deadlocking on two SKUs taken in opposite orders.
    const found = await tx
      .select({ id: skus.id, sellerSku: skus.sellerSku, stock: skus.stock, price: skus.price, productId: skus.productId, status: products.status, name: products.name, variant: skus.variantName })
      .from(skus)
      .innerJoin(products, eq(products.id, skus.productId))
      .where(and(eq(skus.shopId, input.shop_id), inArray(skus.sellerSku, [...new Set(input.items.map((l) => l.seller_sku))]), eq(skus.deleted, false)))
      .orderBy(skus.id)
      .for('update');
    const bySku = new Map(found.map((f) => [f.sellerSku, { ...f }]));
    const items: OrderItem[] = [];
    for (const [i, line] of input.items.entries()) {
      const sku = bySku.get(line.seller_sku);
      if (!sku) throw new PmError('NOT_FOUND', `seller_sku ${line.seller_sku} is not a SKU of shop ${input.shop_id}`, [{ field: `items[${i}].seller_sku`, message: 'unknown SKU' }]);
      if (!input.ignore_stock && sku.status !== 'ACTIVE') throw outOfStock(`${line.seller_sku} is ${sku.status}, not ACTIVE: it cannot be ordered`, `items[${i}].seller_sku`);
      if (!input.ignore_stock && line.qty > sku.stock) throw outOfStock(`${line.seller_sku}: ${line.qty} ordered, Postmart stock is ${sku.stock}`, `items[${i}].qty`);
      sku.stock = Math.max(0, sku.stock - line.qty);
      items.push({ seller_sku: line.seller_sku, product_id: sku.productId, name: sku.variant ? `${sku.name} - ${sku.variant}` : sku.name, qty: line.qty, unit_price: sku.price });
    }
    // The SKUs' new stock and their products' update_time, in one statement.
    const nowS = nowSeconds();
    const taken = [...new Map(input.items.map((l) => [l.seller_sku, bySku.get(l.seller_sku)!])).values()];
    await tx.execute(sql`
      WITH v(id, stock) AS (VALUES ${sql.join(taken.map((t) => sql`(${t.id}::bigint, ${t.stock}::bigint)`), sql`, `)}),
      moved AS (UPDATE ${skus} s SET stock = v.stock FROM v WHERE s.id = v.id RETURNING s.product_id)
      UPDATE ${products} SET update_time = ${nowS} WHERE id IN (SELECT product_id FROM moved)`);

    const subtotal = items.reduce((s, it) => s + it.qty * it.unit_price, 0);
    const shippingFee = input.shipping_fee ?? SHIPPING_FEE[mode];
    const voucher = Math.min(input.voucher_amount ?? 0, subtotal + shippingFee);
    const total = subtotal + shippingFee - voucher;
    const sn = newOrderSn();
    const prepaid = paymentMethod !== 'COD';
    const nowMs = Date.now();
    const updateTime = nowSeconds(nowMs);
    // A prepaid order is paid at once: it is stored READY_TO_SHIP and announced twice, created as
    // UNPAID and then moved to READY_TO_SHIP, in the same transaction as transition() would.
    if (prepaid) assertTransition(sn, 'UNPAID', 'READY_TO_SHIP', `payment by ${paymentMethod}`);
    // Written as SQL: at the generator's pace the insert builder was the costliest part of placing an order.
    await tx.execute(sql`
      INSERT INTO ${orders} (order_sn, shop_id, status, create_time, update_time, visible_at, payment_method, cod_amount,
        items, shipping_fee, voucher_amount, total_amount, recipient, fulfillment, note, ship_by, tracking_events)
      VALUES (${sn}, ${input.shop_id}, 'READY_TO_SHIP', ${updateTime}, ${updateTime}, ${visibleAt(deps, nowMs).toISOString()}::timestamptz, ${paymentMethod},
        ${prepaid ? 0 : total}, ${JSON.stringify(items)}::jsonb, ${shippingFee}, ${voucher}, ${total}, ${JSON.stringify(recipient)}::jsonb,
        ${JSON.stringify(fulfillment)}::jsonb, ${input.note ?? ''}, ${updateTime + SHIP_WITHIN_S}, '[]'::jsonb)`);
    const created = { type: 'order.created' as const, data: { order_sn: sn, status: prepaid ? 'UNPAID' : 'READY_TO_SHIP', update_time: updateTime } };
    const paid = { type: 'order.status_changed' as const, data: { order_sn: sn, status: 'READY_TO_SHIP', previous_status: 'UNPAID', update_time: updateTime } };
    await enqueueEvents(tx, deps, input.shop_id, prepaid ? [created, paid] : [created], nowMs, owner);
    return sn;
  });
  deps.wakeWebhooks();
  return { order_sn: orderSn };
}

type SellerAction =
  | { kind: 'confirm' }
  | { kind: 'cancel'; reason: (typeof CANCEL_REASONS)[number] }
  | { kind: 'buyer-cancellation'; operation: 'ACCEPT' | 'REJECT' };

/**
 * Seller actions (postmart-api.md#orders): confirm READY_TO_SHIP → PROCESSED; cancel {reason}
 * before SHIPPED; answer a buyer's cancellation (IN_CANCEL → CANCELLED, or back where it was).
 */
export async function sellerAction(deps: Deps, shopId: string, orderSn: string, action: SellerAction) {
  const updated = await deps.db.transaction(async (tx) => {
    const order = await loadOrder(tx, shopId, orderSn, true);
    switch (action.kind) {
      case 'confirm':
        // IN_CANCEL → PROCESSED exists in the machine (a rejected cancellation), so confirm checks its own source.
        if (order.status !== 'READY_TO_SHIP') throw new PmError('INVALID_STATE_TRANSITION', `order ${orderSn} is ${order.status}: confirm is allowed only from READY_TO_SHIP`);
        return transition(tx, deps, order, 'PROCESSED', 'confirm');
      case 'cancel':
        if (order.status === 'IN_CANCEL') {
          throw new PmError('INVALID_STATE_TRANSITION', `order ${orderSn} is IN_CANCEL: answer the buyer with POST /orders/${orderSn}/buyer-cancellation`);
        }
        return transition(tx, deps, order, 'CANCELLED', 'seller cancel', { set: { cancelReason: action.reason } });
      case 'buyer-cancellation': {
        if (order.status !== 'IN_CANCEL') throw new PmError('INVALID_STATE_TRANSITION', `order ${orderSn} is ${order.status}: no buyer cancellation to answer`);
        if (action.operation === 'ACCEPT') return transition(tx, deps, order, 'CANCELLED', 'accept buyer cancellation', { set: { cancelReason: 'CUSTOMER_REQUEST', statusBeforeCancel: null } });
        const back = (order.statusBeforeCancel ?? 'READY_TO_SHIP') as 'READY_TO_SHIP' | 'PROCESSED';
        return transition(tx, deps, order, back, 'reject buyer cancellation', { set: { statusBeforeCancel: null } });
      }
    }
  });
  deps.wakeWebhooks();
  return toOrderSummary(updated);
}

/**
 * POST /orders/{sn}/ship {post_office_code} → {package_number}: from PROCESSED, once; the seller
 * will drop the parcel at that post office. The status stays PROCESSED until the carrier receives
 * it (POST /sandbox/orders/{sn}/events CARRIER_RECEIVED). `order.tracking_assigned` follows.
 */
export async function shipOrder(deps: Deps, shopId: string, orderSn: string, postOfficeCode: string) {
  const result = await deps.db.transaction(async (tx) => {
    const order = await loadOrder(tx, shopId, orderSn, true);
    if (order.status !== 'PROCESSED') throw new PmError('INVALID_STATE_TRANSITION', `order ${orderSn} is ${order.status}: ship is allowed only from PROCESSED (confirm it first)`);
    if (order.packageNumber) throw new PmError('INVALID_STATE_TRANSITION', `order ${orderSn} already has package ${order.packageNumber}`);
    const po = await findPostOffice(tx, postOfficeCode);
    if (!po || !po.acceptsDropoff) throw invalidParam('post_office_code', `${postOfficeCode} is not a post office that accepts drop-off (GET /logistics/post-offices)`);
    const packageNumber = newPackageNumber(orderSn);
    const trackingNumber = newTrackingNumber();
    const nowMs = Date.now();
    const updateTime = nowSeconds(nowMs);
    await tx
      .update(orders)
      .set({
        packageNumber,
        trackingNumber,
        dropoffPostOfficeCode: po.code,
        updateTime,
        visibleAt: visibleAt(deps, nowMs),
        trackingEvents: [...order.trackingEvents, trackingEvent('PACKAGE_CREATED', po, updateTime)],
      })
      .where(eq(orders.orderSn, orderSn));
    await enqueueEvent(tx, deps, {
      shopId,
      type: 'order.tracking_assigned',
      data: { order_sn: orderSn, package_number: packageNumber, tracking_number: trackingNumber, update_time: updateTime },
    });
    return { package_number: packageNumber, tracking_number: trackingNumber };
  });
  deps.wakeWebhooks();
  return result;
}
