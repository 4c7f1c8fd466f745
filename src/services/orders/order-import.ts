import { and, eq, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import { orderEvents, orderLines, orders } from '../../../db/schema/orders.ts';
import { postmartShops } from '../../../db/schema/postmart.ts';
import { products } from '../../../db/schema/products.ts';
import type { Db, Tx } from '../../db.ts';
import { newId } from '../../lib/ids.ts';
import type { OrderDetailT } from '../../postmart/client/contract.ts';
import { PostmartError } from '../../postmart/client/errors.ts';
import type { Postmart } from '../../postmart/index.ts';
import { isCommuneCode } from '../reference/communes.ts';
import { acceptsUpdate, localStatusOf, nextLocalStatus, RESERVING, stockEffectOf } from './order-states.ts';
import { needsTracking, refreshTracking } from './order-tracking.ts';
import { consumeStock, releaseStock, reserveStock, resyncRemoteStock, type StockLine } from '../stock/ledger.ts';
import { releaseShipment } from '../fulfillment/pickup-capacity.ts';
import { createReservedOrder, type SettleEvent } from './order-create.ts';
import { orderFields, type OrderSource } from './order-fields.ts';
import { settleIfCovered, type EventHint } from './order-covered.ts';

export type OrderImportDeps = { db: Db; postmart: () => Promise<Postmart>; log?: Logger };
export type { OrderSource } from './order-fields.ts';
export type ImportOutcome = 'created' | 'updated' | 'unchanged' | 'stale' | 'unknown_status';
/** `settled`: the webhook event given to importOrders was marked processed by the import itself, with the outcome processWebhook would write. */
export type ImportSummary = Record<ImportOutcome, number> & { cancelRequested: number; settled?: boolean };
/** The webhook event an import answers (processWebhook): its id, type and the state its payload announces. */
export type WebhookImport = { eventId: string; type: string; hint: EventHint | null };

/** postmart-api.md#orders: GET /orders/detail takes at most 50 order numbers. */
export const DETAIL_BATCH = 50;

type OrderRow = typeof orders.$inferSelect;
type Event = { fromStatus: string | null; toStatus: string; note?: string };

/** How long a process trusts a shop's seller: a connected shop keeps its seller, so this only bounds a stale entry after a reconnection. */
const SHOP_CACHE_MS = 30_000;
const shopSellers = new WeakMap<Db, Map<string, { sellerId: string; until: number }>>();

/** The seller whose connected (or once connected) shop this is; null for a shop we never connected. */
async function sellerOfShop(db: Db, shopId: string): Promise<string | null> {
  let cache = shopSellers.get(db);
  if (!cache) shopSellers.set(db, (cache = new Map()));
  const hit = cache.get(shopId);
  if (hit && hit.until > Date.now()) return hit.sellerId;
  const [shop] = await db.select({ sellerId: postmartShops.sellerId }).from(postmartShops).where(eq(postmartShops.shopId, shopId));
  if (shop) cache.set(shopId, { sellerId: shop.sellerId, until: Date.now() + SHOP_CACHE_MS });
  return shop?.sellerId ?? null;
}

/**
 * Imports these orders of a shop from Postmart: each is fetched in full (webhook payloads are thin,
 * postmart-api.md#webhooks) and applied atomically, idempotently. One order (a webhook's) is fetched
 * through the client's batcher, which joins it with the other orders of the shop being fetched at
 * the same moment into one call. An order we could not serve from stock is then cancelled on
 * Postmart (OUT_OF_STOCK), after the commit.
 */
export async function importOrders(
  deps: OrderImportDeps,
  shopId: string,
  orderSns: string[],
  source: OrderSource = 'poll',
  actorUserId: string | null = null,
  webhook: WebhookImport | null = null,
): Promise<ImportSummary> {
  const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, stale: 0, unknown_status: 0, cancelRequested: 0 };
  const sellerId = await sellerOfShop(deps.db, shopId);
  if (!sellerId) return summary;
  const pm = await deps.postmart();
  const unique = [...new Set(orderSns)];
  if (webhook && unique.length === 1) return importForEvent(deps, pm, sellerId, shopId, unique[0]!, webhook, summary);
  for (let i = 0; i < unique.length; i += DETAIL_BATCH) {
    const details =
      unique.length === 1
        ? [await pm.client.orderDetail(shopId, unique[0]!)].filter((d) => d !== null)
        : (await pm.client.orderDetails(shopId, unique.slice(i, i + DETAIL_BATCH))).orders;
    for (const detail of details) {
      const { outcome, row } = await oneAtATime(detail.order_sn, () => importOne(deps, sellerId, shopId, detail, source, actorUserId, null));
      summary[outcome]++;
      await afterImport(deps, pm, row, outcome, summary);
    }
  }
  return summary;
}

/** What follows an import, after its commit: the carrier's progress, and the cancellation of an order we cannot serve. */
async function afterImport(deps: OrderImportDeps, pm: Postmart, row: OrderRow | null, outcome: ImportOutcome, summary: ImportSummary): Promise<void> {
  // Carrier progress: the order's new tracking entries, read after the commit (a failure retries the job, and the order is still behind).
  if (row && needsTracking(row, outcome === 'created' || outcome === 'updated')) await refreshTracking(deps, row);
  if (row?.cancelState === 'pending') {
    summary.cancelRequested++;
    await requestCancel(deps, pm, row);
  }
}

/**
 * A webhook's event names one order: its event is marked processed by the statement that does the
 * work, one round trip fewer. The check that the stored order already covers what the event
 * announces (order-covered.ts) runs in the order's turn, so an event queued behind another import
 * of the same order (a prepaid order's created and paid events) sees that import's result; an
 * order.created seen first is not checked, because its order is almost never stored yet.
 */
async function importForEvent(deps: OrderImportDeps, pm: Postmart, sellerId: string, shopId: string, orderSn: string, webhook: WebhookImport, summary: ImportSummary): Promise<ImportSummary> {
  const check = webhook.hint && (webhook.type !== 'order.created' || importing.has(orderSn)) ? webhook.hint : null;
  const result = await oneAtATime(orderSn, async () => {
    if (check) {
      const settledAs = await settleIfCovered(deps.db, webhook.eventId, orderSn, check);
      if (settledAs) return { outcome: settledAs.endsWith(': stale') ? ('stale' as const) : ('unchanged' as const), row: null, settled: true };
    }
    const detail = await pm.client.orderDetail(shopId, orderSn);
    if (!detail) return null;
    return importOne(deps, sellerId, shopId, detail, 'webhook', null, { eventId: webhook.eventId, outcome: `order ${orderSn}: created` });
  });
  if (!result) return summary;
  summary[result.outcome]++;
  if (result.settled) summary.settled = true;
  await afterImport(deps, pm, result.row, result.outcome, summary);
  return summary;
}

/**
 * Imports of one order in this process run one after the other. A prepaid order's two events
 * (created, then paid) arrive together: run side by side, the second would race the first's insert
 * and fall to the general path's transaction; queued behind it, it finds the order stored and is
 * answered by one cheap statement (order-covered.ts). Across processes the unique order_sn still
 * decides.
 */
const importing = new Map<string, Promise<unknown>>();
function oneAtATime<T>(orderSn: string, work: () => Promise<T>): Promise<T> {
  const before = importing.get(orderSn);
  const run = before ? before.then(work, work) : work();
  const tail = run.catch(() => undefined);
  importing.set(orderSn, tail);
  void tail.then(() => {
    if (importing.get(orderSn) === tail) importing.delete(orderSn);
  });
  return run;
}

/**
 * One order: first the one-statement path (order-create.ts), which creates and reserves a new
 * order, or tells that the stored order already has this update and nothing is left to do for it;
 * otherwise the general path in a transaction. `row` is null when nothing follows the import.
 */
async function importOne(
  deps: OrderImportDeps,
  sellerId: string,
  shopId: string,
  d: OrderDetailT,
  source: OrderSource,
  actorUserId: string | null,
  settle: SettleEvent | null,
): Promise<{ outcome: ImportOutcome; row: OrderRow | null; settled?: boolean }> {
  const remote = localStatusOf(d.status);
  if (!remote) return { outcome: 'unknown_status', row: null };
  const wardKnown = await isCommuneCode(deps.db, d.recipient.ward_code);
  const attempt = await createReservedOrder(deps.db, shopId, d, orderFields(d, wardKnown), remote, RESERVING.has(remote), source, actorUserId, settle);
  if (attempt.kind === 'created') return { outcome: 'created', row: null, settled: attempt.settled };
  if (attempt.kind === 'exists') {
    const s = attempt.stored;
    // Nothing to apply, no tracking to catch up with, no cancellation to retry: answered without a transaction.
    const idle = !acceptsUpdate(s, { status: d.status, updateTime: d.update_time }) && s.cancelState !== 'pending' && !needsTracking({ ...s, status: s.status as OrderRow['status'] }, false);
    if (idle) return { outcome: d.update_time < s.remoteUpdateTime ? 'stale' : 'unchanged', row: null };
  }
  return deps.db.transaction((tx) => applyOrder(tx, sellerId, shopId, d, wardKnown, source, actorUserId));
}

/** Upserts one order on order_sn under a row lock; a stored update newer than this one wins. */
export async function applyOrder(
  tx: Tx,
  sellerId: string,
  shopId: string,
  d: OrderDetailT,
  wardKnown: boolean,
  source: OrderSource,
  actorUserId: string | null = null,
): Promise<{ outcome: ImportOutcome; row: OrderRow | null }> {
  const remote = localStatusOf(d.status);
  if (!remote) return { outcome: 'unknown_status', row: null };
  const fields = orderFields(d, wardKnown);
  // The unique order_sn makes a concurrent import of the same order wait here, then see the row.
  const [created] = await tx
    .insert(orders)
    .values({ id: newId(), sellerId, shopId, orderSn: d.order_sn, status: remote, ...fields })
    .onConflictDoNothing({ target: orders.orderSn })
    .returning();
  if (created) return { outcome: 'created', row: await firstImport(tx, created, d, source, actorUserId) };

  const [stored] = await tx.select().from(orders).where(eq(orders.orderSn, d.order_sn)).for('update');
  if (!acceptsUpdate(stored!, { status: d.status, updateTime: d.update_time })) {
    return { outcome: d.update_time < stored!.remoteUpdateTime ? 'stale' : 'unchanged', row: stored! };
  }
  const status = nextLocalStatus(stored!.status, remote);
  const effect = stockEffectOf(remote);
  const lines = effect ? await stockLinesOf(tx, stored!.id) : [];
  let stockState = stored!.stockState;
  if (effect === 'release' && stockState === 'reserved') {
    await releaseStock(tx, d.order_sn, lines, remote === 'returned' ? 'returned' : 'cancelled');
    stockState = 'released';
  } else if (effect === 'consume' && stockState === 'reserved') {
    await consumeStock(tx, d.order_sn, lines);
    stockState = 'consumed';
  }
  if (effect === 'release') await resyncRemoteStock(tx, lines.map((l) => l.productId));
  const [row] = await tx
    .update(orders)
    .set({ ...fields, status, stockState, updatedAt: new Date() })
    .where(eq(orders.id, stored!.id))
    .returning();
  if (status !== stored!.status) await recordEvent(tx, row!.id, source, { fromStatus: stored!.status, toStatus: status, note: `Postmart ${d.status}` }, actorUserId);
  if (status === 'cancelled') await releaseShipment(tx, row!, 'released', 'order cancelled: drop-off slot freed');
  return { outcome: 'updated', row: row! };
}

/**
 * A new order: its lines are matched to the seller's products by seller SKU. One still waiting to
 * ship takes its stock now; an unknown SKU puts it on hold instead, and missing stock marks it for
 * cancellation (OUT_OF_STOCK) with nothing reserved.
 */
async function firstImport(tx: Tx, order: OrderRow, d: OrderDetailT, source: OrderSource, actorUserId: string | null): Promise<OrderRow> {
  const skus = [...new Set(d.items.map((it) => it.seller_sku))];
  const known = await tx
    .select({ id: products.id, sku: products.sku })
    .from(products)
    .where(and(eq(products.sellerId, order.sellerId), inArray(products.sku, skus)));
  const idOf = new Map(known.map((p) => [p.sku, p.id]));
  await tx.insert(orderLines).values(
    d.items.map((it, i) => ({ orderId: order.id, lineNo: i + 1, productId: idOf.get(it.seller_sku) ?? null, sellerSku: it.seller_sku, name: it.name, qty: it.qty, unitPriceVnd: it.unit_price })),
  );
  await recordEvent(tx, order.id, source, { fromStatus: null, toStatus: order.status, note: `imported (Postmart ${d.status})` }, actorUserId);
  if (!RESERVING.has(order.status)) return order;

  const unknown = skus.filter((s) => !idOf.has(s));
  const lines: StockLine[] = d.items.filter((it) => idOf.has(it.seller_sku)).map((it) => ({ productId: idOf.get(it.seller_sku)!, qty: it.qty }));
  let patch: Partial<OrderRow>;
  if (unknown.length > 0) {
    patch = { status: 'on_hold', holdReason: `unknown seller SKU: ${unknown.join(', ')}` };
    await recordEvent(tx, order.id, 'system', { fromStatus: order.status, toStatus: 'on_hold', note: patch.holdReason! });
    await resyncRemoteStock(tx, lines.map((l) => l.productId));
  } else if (await reserveStock(tx, order.orderSn, lines)) {
    patch = { stockState: 'reserved' };
  } else {
    patch = { cancelReason: 'OUT_OF_STOCK', cancelState: 'pending' };
    await recordEvent(tx, order.id, 'system', { fromStatus: order.status, toStatus: order.status, note: 'not enough stock: cancelling on Postmart (OUT_OF_STOCK)' });
    await resyncRemoteStock(tx, lines.map((l) => l.productId));
  }
  const [row] = await tx.update(orders).set({ ...patch, updatedAt: new Date() }).where(eq(orders.id, order.id)).returning();
  return row!;
}

/**
 * Cancels on Postmart an order we cannot serve. The idempotency key is fixed per order, so a retry
 * replays instead of cancelling twice. Accepted → recorded and re-imported (Postmart now says
 * CANCELLED); refused for good → recorded as failed for a person; a retryable failure stays pending
 * and is thrown, so the job retries (and the poller retries pending cancellations too).
 */
async function requestCancel(deps: OrderImportDeps, pm: Postmart, order: OrderRow): Promise<void> {
  const reason = 'OUT_OF_STOCK' as const;
  try {
    await pm.client.cancelOrder(order.shopId, order.orderSn, reason, `cancel:${order.orderSn}:oos`);
  } catch (err) {
    if (!(err instanceof PostmartError) || err.retryable) throw err;
    await settleCancel(deps.db, order, 'failed', `Postmart refused the cancellation: ${err.code}`);
    deps.log?.warn({ orderSn: order.orderSn, code: err.code }, 'order cancellation refused');
    return;
  }
  await settleCancel(deps.db, order, 'accepted', `cancelled on Postmart (${reason})`);
  await importOrders(deps, order.shopId, [order.orderSn], 'system');
}

async function settleCancel(db: Db, order: OrderRow, state: 'accepted' | 'failed', note: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(orders)
      .set({ cancelState: state, updatedAt: new Date() })
      .where(and(eq(orders.id, order.id), eq(orders.cancelState, 'pending')))
      .returning({ status: orders.status });
    if (row) await recordEvent(tx, order.id, 'system', { fromStatus: row.status, toStatus: row.status, note });
  });
}

/** Orders whose cancellation on Postmart has not gone through yet (for the poller to retry). */
export async function retryPendingCancels(deps: OrderImportDeps, shopId: string, limit = 50): Promise<number> {
  const pending = await deps.db.select().from(orders).where(and(eq(orders.shopId, shopId), eq(orders.cancelState, 'pending'))).limit(limit);
  if (pending.length === 0) return 0;
  const pm = await deps.postmart();
  for (const o of pending) await requestCancel(deps, pm, o);
  return pending.length;
}

export async function stockLinesOf(tx: Tx, orderId: string): Promise<StockLine[]> {
  const rows = await tx.select({ productId: orderLines.productId, qty: orderLines.qty }).from(orderLines).where(eq(orderLines.orderId, orderId));
  return rows.filter((r): r is StockLine => r.productId !== null);
}

async function recordEvent(tx: Tx, orderId: string, source: OrderSource, e: Event, actorUserId: string | null = null): Promise<void> {
  await tx.insert(orderEvents).values({ orderId, source, fromStatus: e.fromStatus, toStatus: e.toStatus, note: e.note ?? null, actorUserId });
}
