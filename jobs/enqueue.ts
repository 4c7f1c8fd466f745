import type { JobsOptions, Queue } from 'bullmq';
import type { ListingBatchJob } from './queues.ts';

/** Edits of one product within this window collapse into one sync of its latest state. */
export const SYNC_DEBOUNCE_MS = 200;
/** Price and stock changes of one shop within this window share batch calls. */
export const BATCH_WINDOW_MS = 100;

/**
 * One waiting sync per product (BullMQ deduplication by product id); an edit made while the
 * product's sync is running leaves exactly one follow-up (keepLastIfActive). So rapid edits
 * collapse, and two jobs never sync the same product at once.
 */
export function listingSyncOptions(productId: string, jobId: string): JobsOptions {
  return { jobId, delay: SYNC_DEBOUNCE_MS, deduplication: { id: `listing:${productId}`, keepLastIfActive: true } };
}

/** `full`: a whole batch is already waiting, so there is nothing to gain by waiting for more. */
export function enqueueBatch(queue: Queue<ListingBatchJob>, sellerId: string, shopId: string, full = false) {
  return queue.add('push', { sellerId, shopId }, { delay: full ? 0 : BATCH_WINDOW_MS, deduplication: { id: `batch:${shopId}`, keepLastIfActive: true } });
}
