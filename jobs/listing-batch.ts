import { UnrecoverableError, type Job } from 'bullmq';
import { PostmartError } from '../src/postmart/client/errors.ts';
import { pushPriceAndStock } from '../src/services/listings/listing-batch.ts';
import type { ListingDeps } from '../src/services/listings/listing-sync.ts';
import type { ListingBatchJob } from '../src/queues/definitions.ts';

/** listing-batch processor: pushes the shop's pending price and stock changes, ≤ 50 products a call. */
export async function processListingBatch(job: Pick<Job<ListingBatchJob>, 'data'>, deps: ListingDeps) {
  try {
    return await pushPriceAndStock(deps, job.data.sellerId, job.data.shopId);
  } catch (err) {
    if (err instanceof PostmartError && !err.retryable) throw new UnrecoverableError(err.message);
    throw err;
  }
}
