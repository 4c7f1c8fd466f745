import { UnrecoverableError, type Job } from 'bullmq';
import type { Db } from '../src/db.ts';
import { PostmartError } from '../src/postmart/client/errors.ts';
import type { Postmart } from '../src/postmart/index.ts';
import { processWebhook } from '../src/services/orders/webhooks.ts';
import type { WebhookJob } from '../src/queues/definitions.ts';

/** webhooks processor: one stored Postmart event; idempotent (a processed event is skipped). */
export async function processWebhookJob(job: Pick<Job<WebhookJob>, 'data'>, deps: { db: Db; postmart: () => Promise<Postmart> }) {
  try {
    return await processWebhook(deps, job.data.eventId);
  } catch (err) {
    if (err instanceof PostmartError && !err.retryable) throw new UnrecoverableError(err.message);
    throw err;
  }
}
