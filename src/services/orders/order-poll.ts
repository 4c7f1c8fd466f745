import { eq, inArray, sql } from 'drizzle-orm';
import { orderPollState, orders } from '../../../db/schema/orders.ts';
import { postmartShops } from '../../../db/schema/postmart.ts';
import { importOrders, retryPendingCancels, type OrderImportDeps } from './order-import.ts';

export type OrderPollDeps = OrderImportDeps & { lagSeconds: number; now?: () => Date };

/** Re-reads this much before the high-water mark: changes stamped in the same seconds as the last window's end are not missed. */
export const POLL_OVERLAP_S = 300;
/** postmart-api.md#orders: a listing window spans at most 15 days. */
const MAX_WINDOW_S = 15 * 24 * 3600;
const PAGE_SIZE = 100;

export type PollResult = { shopId: string; found: number; imported: number; highWaterMark: number | null; cancelsRetried: number };

/**
 * The backstop for webhooks, which Postmart never re-sends once it gives up (postmart-api.md#webhooks):
 * lists the shop's orders by update_time from the high-water mark (minus an overlap) up to now minus
 * the visibility lag, imports what it finds (idempotent, so overlap and webhooks cost only a read),
 * and advances the mark after each window is fully imported.
 */
export async function pollShopOrders(deps: OrderPollDeps, shopId: string): Promise<PollResult> {
  const nowS = Math.floor((deps.now?.() ?? new Date()).getTime() / 1000);
  const to = nowS - deps.lagSeconds;
  const [state] = await deps.db.select().from(orderPollState).where(eq(orderPollState.shopId, shopId));
  const [shop] = await deps.db.select({ connectedAt: postmartShops.connectedAt }).from(postmartShops).where(eq(postmartShops.shopId, shopId));
  // A shop never polled starts where it connected: orders from before are not the connector's to fulfil.
  const start = state?.highWaterMark ?? Math.floor((shop?.connectedAt?.getTime() ?? nowS * 1000) / 1000);
  const result: PollResult = { shopId, found: 0, imported: 0, highWaterMark: state?.highWaterMark ?? null, cancelsRetried: 0 };
  const pm = await deps.postmart();
  for (let from = Math.max(start - POLL_OVERLAP_S, to - MAX_WINDOW_S); from < to; ) {
    const windowEnd = Math.min(from + MAX_WINDOW_S, to);
    let cursor: string | undefined;
    do {
      const page = await pm.client.listOrders(shopId, { time_field: 'update_time', time_from: from, time_to: windowEnd, page_size: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
      result.found += page.orders.length;
      const changed = await notYetImported(deps, page.orders);
      if (changed.length > 0) {
        const s = await importOrders(deps, shopId, changed, 'poll');
        result.imported += s.created + s.updated;
      }
      cursor = page.has_more ? (page.next_cursor ?? undefined) : undefined;
    } while (cursor);
    await advance(deps, shopId, windowEnd);
    result.highWaterMark = windowEnd;
    from = windowEnd;
  }
  result.cancelsRetried = await retryPendingCancels(deps, shopId);
  return result;
}

/**
 * The listing already says each order's status and update_time: an order we hold at that state or
 * newer needs no detail call (the overlap and the webhooks make that the common case).
 */
async function notYetImported(deps: OrderImportDeps, listed: { order_sn: string; status: string; update_time: number }[]): Promise<string[]> {
  if (listed.length === 0) return [];
  const held = await deps.db
    .select({ sn: orders.orderSn, status: orders.remoteStatus, time: orders.remoteUpdateTime })
    .from(orders)
    .where(inArray(orders.orderSn, listed.map((o) => o.order_sn)));
  const mine = new Map(held.map((h) => [h.sn, h]));
  return listed.filter((o) => {
    const h = mine.get(o.order_sn);
    return !h || h.time < o.update_time || (h.time === o.update_time && h.status !== o.status);
  }).map((o) => o.order_sn);
}

async function advance(deps: OrderImportDeps, shopId: string, mark: number): Promise<void> {
  await deps.db
    .insert(orderPollState)
    .values({ shopId, highWaterMark: mark, lastSuccessAt: new Date() })
    .onConflictDoUpdate({
      target: orderPollState.shopId,
      // Never backwards, should two polls overlap.
      set: { highWaterMark: sql`GREATEST(${orderPollState.highWaterMark}, excluded.high_water_mark)`, lastSuccessAt: new Date() },
    });
}

/** Polls every connected shop; one shop's failure does not stop the others (it is logged and reported). */
export async function pollAllShops(deps: OrderPollDeps): Promise<{ shops: number; failed: string[]; found: number }> {
  const shops = await deps.db.select({ shopId: postmartShops.shopId }).from(postmartShops).where(eq(postmartShops.status, 'connected'));
  const out = { shops: 0, failed: [] as string[], found: 0 };
  for (const { shopId } of shops) {
    if (!shopId) continue;
    out.shops++;
    try {
      out.found += (await pollShopOrders(deps, shopId)).found;
    } catch (err) {
      out.failed.push(shopId);
      deps.log?.warn({ shopId, err: (err as Error).message }, 'order poll failed');
    }
  }
  return out;
}
