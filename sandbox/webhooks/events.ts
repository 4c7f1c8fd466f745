import { eq, sql } from 'drizzle-orm';
import { partners, shops, webhookDeliveries } from '../db/schema.ts';
import type { SandboxDeps } from '../context.ts';
import type { DbOrTx } from '../db.ts';
import { newEventId } from '../ids.ts';

/** postmart-api.md#webhooks */
export const EVENT_TYPES = [
  'order.created',
  'order.status_changed',
  'order.tracking_assigned',
  'order.buyer_cancel_requested',
  'product.review_result',
  'shop.auth_revoked',
  'shop.auth_expiring',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** With `reorder`, each delivery is held back by up to this much, so later events overtake earlier ones. */
export const REORDER_WINDOW_MS = 1_000;

type EnqueueDeps = Pick<SandboxDeps, 'config' | 'random' | 'settings'>;

export type EventOwner = { partnerId: string; url: string | null };

/** Who receives a shop's events: its partner and the partner's callback URL (null when none is registered). */
export async function eventOwner(tx: DbOrTx, shopId: string): Promise<EventOwner | null> {
  const [owner] = await tx
    .select({ partnerId: shops.partnerId, url: partners.webhookUrl })
    .from(shops)
    .innerJoin(partners, eq(partners.id, shops.partnerId))
    .where(eq(shops.id, shopId));
  return owner ?? null;
}

/**
 * Writes an event to the outbox in the caller's transaction (so it exists exactly when the change
 * it reports does). Thin payload: ids, status, update_time (postmart-api.md#webhooks). The
 * webhook fault options apply here, once, and are stored with the row:
 * `enabled: false` → suppressed (never sent), `drop_rate` → dropped (never sent),
 * `duplicate_rate` → a second delivery of the same event, `delay_ms` → first attempt later,
 * `reorder` → a random extra hold-back. The caller wakes the dispatcher after commit.
 */
export async function enqueueEvent(
  tx: DbOrTx,
  deps: EnqueueDeps,
  event: { shopId: string; type: EventType; data: Record<string, unknown> },
  nowMs = Date.now(),
): Promise<string> {
  const [eventId] = await enqueueEvents(tx, deps, event.shopId, [event], nowMs);
  return eventId!;
}

/**
 * Several events of one shop, in this order, in one insert (a prepaid order's creation and its
 * payment). `owner` saves the lookup when the caller already read it.
 */
export async function enqueueEvents(
  tx: DbOrTx,
  deps: EnqueueDeps,
  shopId: string,
  events: { type: EventType; data: Record<string, unknown> }[],
  nowMs = Date.now(),
  known?: EventOwner,
): Promise<string[]> {
  const owner = known ?? (await eventOwner(tx, shopId));
  if (!owner) throw new Error(`enqueueEvent: unknown shop ${shopId}`);
  const cfg = deps.config();
  const w = cfg.webhooks;
  const rows: (typeof webhookDeliveries.$inferInsert & { nextAttemptAt: Date })[] = [];
  const ids: string[] = [];
  for (const event of events) {
    const eventId = newEventId();
    ids.push(eventId);
    const body = JSON.stringify({ event_id: eventId, type: event.type, shop_id: shopId, timestamp: Math.floor(nowMs / 1000), data: event.data });
    const status = !w.enabled ? 'suppressed' : !owner.url ? 'no_endpoint' : deps.random() < w.drop_rate ? 'dropped' : 'pending';
    const firstAt = () => nowMs + w.delay_ms + (w.reorder ? Math.floor(deps.random() * REORDER_WINDOW_MS) : 0);
    const row = {
      eventId,
      partnerId: owner.partnerId,
      shopId,
      type: event.type,
      body,
      status,
      retryFactor: cfg.webhook_retry_factor,
      timeoutMs: deps.settings.webhookTimeoutMs,
      nextAttemptAt: new Date(firstAt()),
    } as const;
    rows.push(row);
    if (status === 'pending' && deps.random() < w.duplicate_rate) {
      rows.push({ ...row, duplicate: true, nextAttemptAt: new Date(firstAt() + Math.floor(deps.random() * 500)) });
    }
  }
  // Written as SQL: this insert runs for every order placed, and its builder cost more than the statement.
  const values = rows.map(
    (r) =>
      sql`(${r.eventId}, ${r.partnerId}, ${r.shopId}, ${r.type}, ${r.body}, ${r.status}, ${r.duplicate ?? false}, ${r.retryFactor}::double precision, ${r.timeoutMs}::int, ${r.nextAttemptAt.toISOString()}::timestamptz)`,
  );
  await tx.execute(sql`
    INSERT INTO ${webhookDeliveries} (event_id, partner_id, shop_id, type, body, status, duplicate, retry_factor, timeout_ms, next_attempt_at)
    VALUES ${sql.join(values, sql`, `)}`);
  return ids;
}
