import type { Queue } from 'bullmq';
import type { StoredWebhookEvent, WebhookJob } from './definitions.ts';

/** Events per job at most: a job's events run side by side, and its retry re-reads each one's row. */
export const MAX_EVENTS_PER_JOB = 50;
/**
 * How long the first event of a job waits for others. Each job costs the worker about five Redis
 * round trips (add, the blocking wait, two moves to active of which one finds nothing, move to
 * finished) whatever it carries, and deliveries seldom arrive in the same turn: at 80 events/s a
 * job per turn carried about one event. 40 ms gathers three or four at that pace, and a full job
 * leaves at once. The receiver answers Postmart once the event is stored, without waiting for this.
 */
export const WEBHOOK_BATCH_WINDOW_MS = 40;

type Pending = { eventId: string; event: StoredWebhookEvent; resolve: () => void; reject: (err: unknown) => void };
type Gathering = { events: Pending[]; timer: NodeJS.Timeout };
const gatheringByQueue = new WeakMap<Queue<WebhookJob>, Gathering>();

/**
 * Queues a stored webhook event's job. Events received within WEBHOOK_BATCH_WINDOW_MS of the first
 * go into one job (at most MAX_EVENTS_PER_JOB). A lone event keeps its own job `wh-<event_id>`; a
 * batch is named after its first event, which is in no other job. A failed add rejects every event
 * of the batch, so the receiver leaves each to the sweeper as before.
 */
export function enqueueWebhook(queue: Queue<WebhookJob>, eventId: string, event: StoredWebhookEvent, windowMs = WEBHOOK_BATCH_WINDOW_MS): Promise<void> {
  let gathering = gatheringByQueue.get(queue);
  if (!gathering) {
    const g: Gathering = { events: [], timer: setTimeout(() => close(queue, g), windowMs) };
    gatheringByQueue.set(queue, (gathering = g));
  }
  const g = gathering;
  const added = new Promise<void>((resolve, reject) => g.events.push({ eventId, event, resolve, reject }));
  if (g.events.length >= MAX_EVENTS_PER_JOB) {
    clearTimeout(g.timer);
    close(queue, g);
  }
  return added;
}

/** Sends the events gathered for this queue now (the receiver's shutdown, before the queue closes). */
export function flushWebhooks(queue: Queue<WebhookJob>): void {
  const g = gatheringByQueue.get(queue);
  if (!g) return;
  clearTimeout(g.timer);
  close(queue, g);
}

function close(queue: Queue<WebhookJob>, g: Gathering): void {
  if (gatheringByQueue.get(queue) === g) gatheringByQueue.delete(queue);
  void add(queue, g.events);
}

async function add(queue: Queue<WebhookJob>, batch: Pending[]): Promise<void> {
  const [first] = batch;
  try {
    if (batch.length === 1) await queue.add('event', { eventId: first!.eventId, event: first!.event }, { jobId: `wh-${first!.eventId}` });
    else await queue.add('events', { events: batch.map((p) => ({ eventId: p.eventId, event: p.event })) }, { jobId: `whb-${first!.eventId}` });
    for (const p of batch) p.resolve();
  } catch (err) {
    for (const p of batch) p.reject(err);
  }
}
