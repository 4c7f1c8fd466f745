import type { JobsOptions, Queue } from 'bullmq';
import type { ListingBatchJob } from './definitions.ts';

/** Edits of one product within this window collapse into one sync of its latest state. */
export const SYNC_DEBOUNCE_MS = 200;
/** Price and stock changes of one shop within this window share batch calls. */
export const BATCH_WINDOW_MS = 100;
/**
 * Stock moved only by orders waits longer to be pushed: Postmart already took those units off its
 * own stock when the buyer ordered (postmart-api.md#orders), so the push only confirms it, and under
 * a stream of orders one push per shop per window replaces one per order.
 */
export const ORDER_STOCK_WINDOW_MS = 1_000;

/**
 * One waiting sync per product (BullMQ deduplication by product id); an edit made while the
 * product's sync is running leaves exactly one follow-up (keepLastIfActive). So rapid edits
 * collapse, and two jobs never sync the same product at once.
 */
export function listingSyncOptions(productId: string, jobId: string): JobsOptions {
  return { jobId, delay: SYNC_DEBOUNCE_MS, deduplication: { id: `listing:${productId}`, keepLastIfActive: true } };
}

/**
 * `full`: a whole batch is already waiting, so there is nothing to gain by waiting for more.
 * While a push is waiting, later requests join it (deduplication), so a seller's edit made while an
 * order-only push waits goes out with it, within ORDER_STOCK_WINDOW_MS.
 */
export function enqueueBatch(queue: Queue<ListingBatchJob>, sellerId: string, shopId: string, full = false, windowMs = BATCH_WINDOW_MS) {
  return queue.add('push', { sellerId, shopId }, { delay: full ? 0 : windowMs, deduplication: { id: `batch:${shopId}`, keepLastIfActive: true } });
}
