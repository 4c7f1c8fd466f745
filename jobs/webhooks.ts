import type { Db } from '../src/db.ts';
import type { Postmart } from '../src/postmart/index.ts';
import { classify, type JobSpec, type RunnerJob } from './runner.ts';
import { processWebhook } from '../src/services/orders/webhooks.ts';
import { QUEUES, type WebhookJob } from '../src/queues/definitions.ts';

export type WebhookDeps = { db: Db; postmart: () => Promise<Postmart> };

/**
 * webhooks processor: one stored Postmart event, or several received together; idempotent (a
 * processed event is skipped). A job's events run side by side. If any fails, the job fails with
 * that error (a retryable one first, so the retry policy still applies) and its retry reads each
 * event's row back, so the events already processed are skipped and only the failed ones run again.
 */
export async function processWebhookJob(job: RunnerJob<WebhookJob>, deps: WebhookDeps) {
  const data = job.data;
  if (!('events' in data)) return processWebhook(deps, data.eventId, data.event);
  const retry = job.attemptsMade > 0;
  const results = await Promise.allSettled(data.events.map((e) => processWebhook(deps, e.eventId, retry ? undefined : e.event)));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
  if (failed.length > 0) throw failed.find((err) => classify(err).retryable) ?? failed[0];
  return `${results.length} events`;
}

export const webhookJob: JobSpec<WebhookJob, WebhookDeps> = { queue: QUEUES.webhooks, process: processWebhookJob };
