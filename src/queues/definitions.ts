import type { JobsOptions } from 'bullmq';

/**
 * Every queue the connector runs, by name. All queue keys live under one hash-tagged prefix
 * (QUEUE_PREFIX, default "{dtpc}") so that on a Redis Cluster all of them hash to one slot,
 * which BullMQ's multi-key Lua scripts require.
 *
 * Listing sync is split by Postmart call budget: per-product calls (create, patch, unlist, relist,
 * delete) and the batch price/stock calls that coalesce up to 50 products. Both draw on the same
 * per-shop token bucket in Redis (src/postmart/client/rate-limiter.ts), which is what keeps a shop
 * under its limit and honours Retry-After for every worker.
 */
export const QUEUES = {
  listingSync: 'listing-sync',
  listingBatch: 'listing-batch',
  maintenance: 'maintenance',
  webhooks: 'webhooks',
  orderActions: 'order-actions',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export type ListingSyncJob = { productId: string; outboxId?: number; force?: boolean };
export type ListingBatchJob = { sellerId: string; shopId: string };
/**
 * `event`: the stored event's type, shop and data, as the receiver stored them, so the job need not
 * read its row back; a job the sweeper re-drives carries only the id and reads the row.
 */
export type StoredWebhookEvent = { type: string; shop_id: string; data: Record<string, unknown> };
/** `events`: several events received together, carried by one job (src/queues/webhook-enqueue.ts). */
export type WebhookJob = { eventId: string; event?: StoredWebhookEvent } | { events: { eventId: string; event: StoredWebhookEvent }[] };
export type OrderAction =
  | { action: 'confirm' }
  | { action: 'cancel'; reason: 'OUT_OF_STOCK' | 'CUSTOMER_REQUEST' | 'UNDELIVERABLE_AREA' | 'PRICE_ERROR' }
  | { action: 'buyer-cancellation'; accept: boolean }
  /** The drop-off slot is booked when the request is accepted (src/services/order-ship.ts); bookingId keys the Postmart call. */
  | { action: 'ship'; bookingId: string };
/** `outboxId`: the outbox row the job came from (every order action does); the job runner settles it. */
export type OrderActionJob = { orderId: string; actorUserId: string; outboxId?: number } & OrderAction;
export type MaintenanceJob = { task: 'sweep-outbox' | 'apply-sellable-rules' | 'reconcile' | 'poll-orders' | 'sync-pickup-points' | 'age-parcels' | 'refresh-sales'; sellerId?: string; outboxId?: number };

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
