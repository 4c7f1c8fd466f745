import type { Queue } from 'bullmq';
import type { StoredWebhookEvent, WebhookJob } from './definitions.ts';

/** Events per job at most: a job's events run side by side, and its retry re-reads each one's row. */
export const MAX_EVENTS_PER_JOB = 50;

type Pending = { eventId: string; event: StoredWebhookEvent; resolve: () => void; reject: (err: unknown) => void };
const pendingByQueue = new WeakMap<Queue<WebhookJob>, Pending[]>();

/**
 * Queues a stored webhook event's job. Events received in the same turn of the event loop (the
 * sandbox and Postmart deliver in bursts of concurrent requests) go into one job: each job costs
 * three Redis round trips (add, move to active, move to finished) whatever it carries, and these
 * were most of the connector's Redis work per order. Nothing waits on a timer. A lone event keeps
 * its own job `wh-<event_id>`; a batch is named after its first event, which is in no other job.
 * A failed add rejects every event of the batch, so each is left to the sweeper as before.
 */
export function enqueueWebhook(queue: Queue<WebhookJob>, eventId: string, event: StoredWebhookEvent): Promise<void> {
  let pending = pendingByQueue.get(queue);
  if (!pending) {
    pendingByQueue.set(queue, (pending = []));
    setImmediate(() => {
      pendingByQueue.delete(queue);
      void flush(queue, pending!);
    });
  }
  const list = pending;
  return new Promise((resolve, reject) => list.push({ eventId, event, resolve, reject }));
}

async function flush(queue: Queue<WebhookJob>, pending: Pending[]): Promise<void> {
  for (let i = 0; i < pending.length; i += MAX_EVENTS_PER_JOB) {
    const batch = pending.slice(i, i + MAX_EVENTS_PER_JOB);
    const [first] = batch;
    try {
      if (batch.length === 1) await queue.add('event', { eventId: first!.eventId, event: first!.event }, { jobId: `wh-${first!.eventId}` });
      else await queue.add('events', { events: batch.map((p) => ({ eventId: p.eventId, event: p.event })) }, { jobId: `whb-${first!.eventId}` });
      for (const p of batch) p.resolve();
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
