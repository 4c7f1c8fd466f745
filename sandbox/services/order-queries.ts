import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { orders } from '../db/schema.ts';
import type { SandboxDeps } from '../context.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { invalidParam } from '../errors.ts';
import { toContractOrder, toOrderSummary } from '../forms.ts';
import type { OrderListQuery } from '../schemas.ts';
import { loadOrder } from './order-transition.ts';

type Deps = Pick<SandboxDeps, 'db'>;

/** postmart-api.md#orders: a listing window is at most 15 days. */
export const MAX_WINDOW_S = 15 * 86_400;

export async function orderTracking(deps: Deps, shopId: string, orderSn: string) {
  const order = await loadOrder(deps.db, shopId, orderSn);
  return { tracking_number: order.trackingNumber, events: order.trackingEvents };
}

/**
 * GET /orders (postmart-api.md#orders): window ≤ 15 days on create_time or update_time (both
 * bounds inclusive), sorted by (update_time, order_sn), keyset cursor; a change is listed only
 * once it is visible (up to order_visibility_delay_ms late).
 */
export async function listOrders(deps: Deps, shopId: string, q: OrderListQuery) {
  if (q.time_to < q.time_from) throw invalidParam('time_to', 'must not be before time_from');
  if (q.time_to - q.time_from > MAX_WINDOW_S) throw invalidParam('time_to', `the window time_from..time_to must be at most 15 days (${MAX_WINDOW_S} s)`);
  const col = q.time_field === 'create_time' ? orders.createTime : orders.updateTime;
  const conds: SQL[] = [eq(orders.shopId, shopId), sql`${col} BETWEEN ${q.time_from} AND ${q.time_to}`, sql`${orders.visibleAt} <= ${new Date().toISOString()}`];
  if (q.status) conds.push(eq(orders.status, q.status));
  if (q.cursor) {
    const k = decodeCursor(q.cursor);
    conds.push(sql`(${orders.updateTime}, ${orders.orderSn} COLLATE "C") > (${k.t}, ${k.id} COLLATE "C")`);
  }
  const rows = await deps.db
    .select({ orderSn: orders.orderSn, status: orders.status, updateTime: orders.updateTime })
    .from(orders)
    .where(and(...conds))
    .orderBy(asc(orders.updateTime), sql`${orders.orderSn} COLLATE "C"`)
    .limit(q.page_size + 1);
  const page = rows.slice(0, q.page_size);
  const last = page[page.length - 1];
  const hasMore = rows.length > q.page_size;
  return { orders: page.map(toOrderSummary), next_cursor: hasMore && last ? encodeCursor({ t: last.updateTime, id: last.orderSn }) : null, has_more: hasMore };
}

/** GET /orders/detail?order_sn_list=a,b,c (≤ 50): full orders, read live; unknown ones are listed in not_found. */
export async function orderDetails(deps: Deps, shopId: string, list: string) {
  const sns = [...new Set(list.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  if (sns.length === 0) throw invalidParam('order_sn_list', 'give 1 to 50 order_sn separated by commas');
  if (sns.length > 50) throw invalidParam('order_sn_list', `at most 50 order_sn per call (got ${sns.length})`);
  const rows = await deps.db.select().from(orders).where(and(eq(orders.shopId, shopId), inArray(orders.orderSn, sns)));
  const bySn = new Map(rows.map((r) => [r.orderSn, r]));
  return { orders: sns.filter((s) => bySn.has(s)).map((s) => toContractOrder(bySn.get(s)!)), not_found: sns.filter((s) => !bySn.has(s)) };
}
