import { UnrecoverableError, type Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import { products } from '../db/schema/products.ts';
import { PostmartError } from '../src/postmart/client/errors.ts';
import { settleOutbox } from '../src/services/outbox/listing-outbox.ts';
import { recordListingError, syncProduct, type ListingDeps } from '../src/services/listings/listing-sync.ts';
import type { ListingSyncJob } from '../src/queues/definitions.ts';

/**
 * listing-sync processor: a plain function of the job and its dependencies. Contract errors that
 * retrying cannot fix (4xx: validation, conflicts, a disconnected shop) fail at once with
 * UnrecoverableError and leave the reason on the listing; retryable ones back off.
 */
export async function processListingSync(job: Pick<Job<ListingSyncJob>, 'data' | 'attemptsMade' | 'opts'>, deps: ListingDeps) {
  try {
    return await syncProduct(deps, job.data.productId, { force: job.data.force === true });
  } catch (err) {
    const retryable = err instanceof PostmartError ? err.retryable : !(err instanceof UnrecoverableError);
    const [p] = await deps.db.select({ sellerId: products.sellerId, version: products.version }).from(products).where(eq(products.id, job.data.productId));
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const terminal = !retryable || lastAttempt;
    if (p) {
      await recordListingError(deps.db, job.data.productId, p.sellerId, err, job.attemptsMade + 1, terminal);
      // Given up on this version: settle its notes so the sweeper does not drive it again and again.
      // The listing shows the error; the next change (or a resync) tries again.
      if (terminal) await settleOutbox(deps.db, job.data.productId, p.version);
    }
    if (!retryable) throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
    throw err;
  }
}
