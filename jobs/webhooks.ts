import type { Db } from '../src/db.ts';
import type { Postmart } from '../src/postmart/index.ts';
import { processWebhook } from '../src/services/orders/webhooks.ts';
import { QUEUES, type WebhookJob } from '../src/queues/definitions.ts';
import type { JobSpec, RunnerJob } from './runner.ts';

export type WebhookDeps = { db: Db; postmart: () => Promise<Postmart> };

/** webhooks processor: one stored Postmart event; idempotent (a processed event is skipped). */
export async function processWebhookJob(job: RunnerJob<WebhookJob>, deps: WebhookDeps) {
  return processWebhook(deps, job.data.eventId, job.data.event);
}

export const webhookJob: JobSpec<WebhookJob, WebhookDeps> = { queue: QUEUES.webhooks, process: processWebhookJob };
