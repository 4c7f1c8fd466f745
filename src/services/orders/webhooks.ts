import { timingSafeEqual } from 'node:crypto';
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { productListings } from '../../../db/schema/listings.ts';
import { webhookEvents } from '../../../db/schema/webhooks.ts';
import type { Db } from '../../db.ts';
import { signWebhook } from '../../postmart/client/signing.ts';
import type { Postmart } from '../../postmart/index.ts';
import { recordListingChange } from '../outbox/listing-outbox.ts';
import { listingStatusOf } from '../listings/listing-payload.ts';
import { importOrders } from './order-import.ts';
import { eventHint } from './order-covered.ts';
import { refreshTracking } from './order-tracking.ts';
import { orders } from '../../../db/schema/orders.ts';
import { products } from '../../../db/schema/products.ts';

/** postmart-api.md#webhooks (and the request window of #authentication-and-signing): ±300 s. */
export const WEBHOOK_WINDOW_S = 300;

export type WebhookVerdict = { ok: true; event: { event_id: string; type: string; shop_id: string; timestamp: number; data: Record<string, unknown> } } | { ok: false; status: 400 | 401; reason: string };

const hexEqual = (a: string, b: string) => {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Checks a delivery exactly as the contract signs it: X-PM-Signature =
 * hex(HMAC-SHA256(partner_key, callback_url|timestamp|raw_body)), compared in constant time, with
 * the timestamp within ±300 s, so a captured body cannot be replayed later under a new timestamp.
 */
export function verifyWebhook(
  raw: Buffer,
  headers: { signature?: string; timestamp?: string; eventId?: string },
  partnerKey: string,
  callbackUrl: string,
  nowS = Math.floor(Date.now() / 1000),
): WebhookVerdict {
  if (!headers.signature || !headers.timestamp || !/^\d{1,12}$/.test(headers.timestamp)) return { ok: false, status: 401, reason: 'missing or malformed signature headers' };
  const expected = signWebhook(partnerKey, callbackUrl, headers.timestamp, raw);
  if (!hexEqual(expected, headers.signature.toLowerCase())) return { ok: false, status: 401, reason: 'bad signature' };
  if (Math.abs(nowS - Number(headers.timestamp)) > WEBHOOK_WINDOW_S) return { ok: false, status: 401, reason: 'timestamp outside ±300 s' };
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, status: 400, reason: 'body is not JSON' };
  }
  const e = body as Record<string, unknown>;
  if (typeof e.event_id !== 'string' || typeof e.type !== 'string' || typeof e.shop_id !== 'string' || typeof e.timestamp !== 'number' || typeof e.data !== 'object' || e.data === null) {
    return { ok: false, status: 400, reason: 'body is not a Postmart event' };
  }
  if (headers.eventId && headers.eventId !== e.event_id) return { ok: false, status: 400, reason: 'X-PM-Event-Id does not match the body' };
  return { ok: true, event: e as WebhookVerdict extends { ok: true; event: infer E } ? E : never };
}

/**
 * Stores a verified event once; false when it was already received (a duplicate delivery).
 * `enqueued_at` is set here because the receiver queues the job right after, in the same request
 * (one statement fewer on the hot path); if queueing fails it is cleared (notQueued), so the
 * sweeper takes the event at once instead of after STALE_AFTER_MS.
 */
export async function recordWebhook(db: Db, event: Extract<WebhookVerdict, { ok: true }>['event']): Promise<boolean> {
  // A named (prepared) statement: this runs once per delivery, the busiest insert of the service.
  const res = await db.$client.query({
    name: 'webhook-record',
    text: `INSERT INTO webhook_events (event_id, type, shop_id, event_time, payload, enqueued_at)
           VALUES ($1::text, $2::text, $3::text, to_timestamp($4::bigint), $5::jsonb, now()) ON CONFLICT (event_id) DO NOTHING RETURNING 1`,
    values: [event.event_id, event.type, event.shop_id, event.timestamp, JSON.stringify(event)],
  });
  return (res.rowCount ?? 0) > 0;
}

/** The receiver could not queue the event's job (Redis away): the sweeper's next pass takes it. */
export async function notQueued(db: Db, eventId: string): Promise<void> {
  await db.update(webhookEvents).set({ enqueuedAt: null }).where(eq(webhookEvents.eventId, eventId));
}

/**
 * Events for the sweeper: never queued, or queued more than `olderThanMs` ago and still not
 * processed (the job was lost). Counting from the last enqueue, not from receipt, means an event
 * the sweeper has just re-driven is not re-driven again on every pass while a backlog drains.
 */
export async function staleWebhooks(db: Db, olderThanMs: number, limit: number) {
  return db
    .select({ eventId: webhookEvents.eventId })
    .from(webhookEvents)
    .where(
      and(
        isNull(webhookEvents.processedAt),
        or(isNull(webhookEvents.enqueuedAt), sql`${webhookEvents.enqueuedAt} < now() - make_interval(secs => ${olderThanMs / 1000})`),
      ),
    )
    .orderBy(webhookEvents.receivedAt)
    .limit(limit);
}

/** The sweeper queued these events' jobs again. */
export async function markWebhooksEnqueued(db: Db, eventIds: string[]): Promise<void> {
  if (eventIds.length > 0) await db.update(webhookEvents).set({ enqueuedAt: new Date() }).where(inArray(webhookEvents.eventId, eventIds));
}

type StoredEvent = { type: string; shop_id: string; data: Record<string, unknown> };

/**
 * Handles one stored event. Payloads are thin (postmart-api.md#webhooks), so the handler reads
 * the current state from Postmart instead of trusting the event, which also makes duplicates and
 * out-of-order deliveries harmless. Orders are handled by the order import. `given` is the event
 * as the receiver stored it (the job carries it, saving a read of the row); without it the row is
 * read, and an event already processed is skipped. Marking it processed happens once: a second
 * run of the same event (the sweeper's re-drive of a job that was only slow) leaves the first
 * outcome in place.
 */
export async function processWebhook(deps: { db: Db; postmart: () => Promise<Postmart> }, eventId: string, given?: StoredEvent): Promise<string> {
  let event = given;
  if (!event) {
    const [row] = await deps.db.select().from(webhookEvents).where(eq(webhookEvents.eventId, eventId));
    if (!row || row.processedAt) return 'already processed';
    event = row.payload as StoredEvent;
  }
  let outcome: string;
  switch (event.type) {
    case 'product.review_result': {
      const productId = String(event.data.product_id ?? '');
      const [listing] = await deps.db.select().from(productListings).where(eq(productListings.postmartProductId, productId));
      if (!listing) {
        outcome = 'unknown product';
        break;
      }
      const pm = await deps.postmart();
      const remote = await pm.client.getProduct(event.shop_id, productId);
      await deps.db
        .update(productListings)
        .set({ status: listingStatusOf(remote.status), rejectReason: remote.reject_reason ?? null, remoteVersion: remote.version, updatedAt: new Date() })
        .where(eq(productListings.productId, listing.productId));
      // The sync decides what follows from the new status (e.g. unlist an approved product that was archived meanwhile).
      const [p] = await deps.db.select({ version: products.version }).from(products).where(eq(products.id, listing.productId));
      if (p) await recordListingChange(deps.db, listing.productId, p.version, 'review-result');
      outcome = `listing ${listingStatusOf(remote.status)}`;
      break;
    }
    case 'shop.auth_revoked': {
      const pm = await deps.postmart();
      await pm.tokens.markDisconnected(event.shop_id, `revoked by Postmart: ${String(event.data.reason ?? 'shop.auth_revoked')}`);
      outcome = 'shop disconnected';
      break;
    }
    case 'order.created':
    case 'order.status_changed':
    case 'order.buyer_cancel_requested':
    case 'order.tracking_assigned': {
      // Thin payload: the import fetches the order and applies it only if it is newer than ours
      // (a buyer's cancellation request arrives as the order's move to IN_CANCEL).
      const orderSn = String(event.data.order_sn ?? '');
      if (!orderSn) {
        outcome = 'no order_sn';
        break;
      }
      // A tracking_assigned event always reads the tracking below, so it is never answered from its payload.
      const hint = event.type === 'order.tracking_assigned' ? null : eventHint(event.data);
      const s = await importOrders(deps, event.shop_id, [orderSn], 'webhook', null, { eventId, type: event.type, hint });
      const counts = { created: s.created, updated: s.updated, unchanged: s.unchanged, stale: s.stale, unknown_status: s.unknown_status, cancelRequested: s.cancelRequested };
      outcome = `order ${orderSn}: ${(Object.keys(counts) as (keyof typeof counts)[]).filter((k) => counts[k] > 0).join(', ') || 'not found'}`;
      // The import marked the event processed with this very outcome, in the statement that created the
      // order or found the event covered by the stored order (order-covered.ts).
      if (s.settled) return outcome;
      if (event.type === 'order.tracking_assigned') {
        // The parcel got its number while the order stays PROCESSED: read the tracking now.
        const [order] = await deps.db.select().from(orders).where(eq(orders.orderSn, orderSn));
        if (order) outcome += `; ${await refreshTracking(deps, order)} tracking entries added`;
      }
      break;
    }
    default:
      // shop.auth_expiring and unknown types are kept; the token store refreshes on its own.
      outcome = `stored (${event.type})`;
  }
  await deps.db.$client.query({
    name: 'webhook-processed',
    text: 'UPDATE webhook_events SET processed_at = now(), outcome = $2::text WHERE event_id = $1::text AND processed_at IS NULL',
    values: [eventId, outcome],
  });
  return outcome;
}
