import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { OUTBOX_CHANNEL, outbox, type OutboxKind } from '../../../db/schema/outbox.ts';
import type { DbOrTx } from '../../db.ts';
import type { OrderActionJob } from '../../queues/definitions.ts';

export { OUTBOX_CHANNEL, OUTBOX_KIND, OUTBOX_KINDS, LISTING_KINDS, PRICE_STOCK_KINDS, type OutboxKind } from '../../../db/schema/outbox.ts';

/** The payload each non-listing kind carries; the relay hands it to the kind's queue as the job's data. */
export type OutboxPayloads = {
  'order.action': OrderActionJob;
  'maintenance.reconcile': { sellerId?: string };
};
export type WorkKind = keyof OutboxPayloads;

/** The BullMQ job id of an outbox row's job: the relay and the 202 answer name the same job. */
export const outboxJobId = (id: number) => `ob-${id}`;

/** Wakes the relay at once instead of at its next poll; delivered only if the transaction commits. */
export async function notifyOutbox(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`);
}

/**
 * Notes, in the caller's transaction, work that must follow the change the transaction makes (an
 * order action, a reconcile). Committed with the change or not at all, so a Redis outage between
 * commit and enqueue delays the work instead of losing it. Returns the row id.
 */
export async function recordWork<K extends WorkKind>(tx: DbOrTx, kind: K, payload: OutboxPayloads[K], reason: string): Promise<number> {
  const [row] = await tx.insert(outbox).values({ kind, payload, reason }).returning({ id: outbox.id });
  await notifyOutbox(tx);
  return row!.id;
}

export type OutboxRow = {
  id: number;
  kind: OutboxKind;
  productId: string | null;
  payload: unknown;
  enqueueCount: number;
  /** Listing kinds: the product's seller, and its shop when the product is already on Postmart. */
  sellerId: string | null;
  shopId: string | null;
};

/**
 * Rows not yet handed to BullMQ, oldest first, with what the relay needs to route them: a
 * price/stock change of a product already on Postmart goes to its shop's batch push.
 */
export async function takeUnenqueued(db: DbOrTx, limit: number): Promise<OutboxRow[]> {
  const res = await db.execute<OutboxRow>(sql`
    SELECT o.id::int AS "id", o.kind, o.product_id AS "productId", o.payload, o.enqueue_count AS "enqueueCount",
           l.seller_id AS "sellerId", CASE WHEN l.postmart_product_id IS NOT NULL THEN l.shop_id END AS "shopId"
    FROM ${outbox} o LEFT JOIN product_listings l ON l.product_id = o.product_id
    WHERE o.processed_at IS NULL AND o.enqueued_at IS NULL
    ORDER BY o.id LIMIT ${limit}`);
  return res.rows;
}

/** Rows handed to BullMQ longer than `olderThanMs` ago and still not settled: the job was lost or deduplicated away. */
export async function takeStale(db: DbOrTx, olderThanMs: number, limit: number): Promise<OutboxRow[]> {
  const res = await db.execute<OutboxRow>(sql`
    SELECT o.id::int AS "id", o.kind, o.product_id AS "productId", o.payload, o.enqueue_count AS "enqueueCount",
           NULL::uuid AS "sellerId", NULL::text AS "shopId"
    FROM ${outbox} o
    WHERE o.processed_at IS NULL AND o.enqueued_at < now() - make_interval(secs => ${olderThanMs / 1000})
    ORDER BY o.id LIMIT ${limit}`);
  return res.rows;
}

export async function markEnqueued(db: DbOrTx, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(outbox)
    .set({ enqueuedAt: new Date(), enqueueCount: sql`${outbox.enqueueCount} + 1` })
    .where(inArray(outbox.id, ids));
}

/** The job of this row is done, or given up for good: the sweeper must not drive it again. */
export async function settleOutboxRow(db: DbOrTx, id: number): Promise<void> {
  await db.update(outbox).set({ processedAt: new Date() }).where(and(eq(outbox.id, id), isNull(outbox.processedAt)));
}
