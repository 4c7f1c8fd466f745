import { eq } from 'drizzle-orm';
import { products } from '../db/schema/products.ts';
import { settleOutbox } from '../src/services/outbox/listing-outbox.ts';
import { recordListingError, syncProduct, type ListingDeps } from '../src/services/listings/listing-sync.ts';
import { QUEUES, type ListingSyncJob } from '../src/queues/definitions.ts';
import type { JobSpec, RunnerJob } from './runner.ts';

/** listing-sync processor: a plain function of the job and its dependencies. */
export async function processListingSync(job: RunnerJob<ListingSyncJob>, deps: ListingDeps) {
  return syncProduct(deps, job.data.productId, { force: job.data.force === true });
}

/**
 * Contract errors that retrying cannot fix (4xx: validation, conflicts, a disconnected shop) fail at
 * once and leave the reason on the listing; retryable ones back off, the listing showing each attempt.
 */
export const listingSyncJob: JobSpec<ListingSyncJob, ListingDeps> = {
  queue: QUEUES.listingSync,
  process: processListingSync,
  async onFailure(job, deps, { err, attempt, terminal }) {
    const [p] = await deps.db.select({ sellerId: products.sellerId, version: products.version }).from(products).where(eq(products.id, job.data.productId));
    if (!p) return;
    await recordListingError(deps.db, job.data.productId, p.sellerId, err, attempt, terminal);
    // Given up on this version: settle its notes so the sweeper does not drive it again and again.
    // The listing shows the error; the next change (or a resync) tries again.
    if (terminal) await settleOutbox(deps.db, job.data.productId, p.version);
  },
};
