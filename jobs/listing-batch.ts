import { pushPriceAndStock } from '../src/services/listings/listing-batch.ts';
import type { ListingDeps } from '../src/services/listings/listing-sync.ts';
import { QUEUES, type ListingBatchJob } from '../src/queues/definitions.ts';
import type { JobSpec, RunnerJob } from './runner.ts';

/** listing-batch processor: pushes the shop's pending price and stock changes, ≤ 50 products a call. */
export async function processListingBatch(job: RunnerJob<ListingBatchJob>, deps: ListingDeps) {
  return pushPriceAndStock(deps, job.data.sellerId, job.data.shopId);
}

export const listingBatchJob: JobSpec<ListingBatchJob, ListingDeps> = { queue: QUEUES.listingBatch, process: processListingBatch };
