import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Every verified Postmart webhook, once (postmart-api.md#webhooks: delivery is at least once and
 * unordered). The receiver only stores and acknowledges; a job does the work, and a sweeper
 * re-drives events whose job was lost.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    eventId: text('event_id').primaryKey(),
    type: text('type').notNull(),
    shopId: text('shop_id').notNull(),
    /** The event's own timestamp (seconds), for ordering checks by the handlers. */
    eventTime: timestamp('event_time', { withTimezone: true }).notNull(),
    payload: jsonb('payload').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    /** When its job was last queued (by the receiver or the sweeper); null when queueing failed. */
    enqueuedAt: timestamp('enqueued_at', { withTimezone: true }),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    outcome: text('outcome'),
  },
  (t) => [index('webhook_events_pending_idx').on(t.receivedAt).where(sql`${t.processedAt} IS NULL`)],
);
