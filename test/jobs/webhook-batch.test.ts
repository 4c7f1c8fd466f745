import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { webhookEvents } from '../../db/schema/webhooks.ts';
import { processWebhookJob } from '../../jobs/webhooks.ts';
import { createDb } from '../../src/db.ts';
import { PostmartError } from '../../src/postmart/client/errors.ts';
import type { Postmart } from '../../src/postmart/index.ts';
import type { WebhookJob } from '../../src/queues/definitions.ts';
import { enqueueWebhook, flushWebhooks, MAX_EVENTS_PER_JOB } from '../../src/queues/webhook-enqueue.ts';
import type { Queue } from 'bullmq';
import { recordWebhook } from '../../src/services/orders/webhooks.ts';

const { pool, db } = createDb(inject('databaseUrl'), 4);
afterAll(() => pool.end());

/** Stores an event as the receiver does and returns what its job would carry. */
async function stored(type: string) {
  const event = { event_id: `evt_${randomUUID()}`, type, shop_id: `shop_${randomUUID()}`, timestamp: Math.floor(Date.now() / 1000), data: { reason: 'test' } };
  expect(await recordWebhook(db, event)).toBe(true);
  return { eventId: event.event_id, event: { type, shop_id: event.shop_id, data: event.data } };
}
const outcomes = async (ids: string[]) =>
  Object.fromEntries((await db.select().from(webhookEvents).where(inArray(webhookEvents.eventId, ids))).map((r) => [r.eventId, r.processedAt ? r.outcome : null]));

describe('webhooks job carrying several events', () => {
  it('processes every event; when one fails it throws that error, and its retry runs only the unprocessed one', async () => {
    const quiet = await stored('shop.auth_expiring');
    const failing = await stored('shop.auth_revoked');
    let postmartUp = false;
    let postmartCalls = 0;
    const deps = {
      db,
      postmart: async () => {
        postmartCalls++;
        if (!postmartUp) throw new PostmartError('SERVICE_UNAVAILABLE', 'try later', { status: 503, retryable: true });
        return { tokens: { markDisconnected: async () => {} } } as unknown as Postmart;
      },
    };
    const data: WebhookJob = { events: [quiet, failing] };
    await expect(processWebhookJob({ data, attemptsMade: 0, opts: { attempts: 8 } }, deps)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(await outcomes([quiet.eventId, failing.eventId])).toEqual({ [quiet.eventId]: 'stored (shop.auth_expiring)', [failing.eventId]: null });

    postmartUp = true;
    postmartCalls = 0;
    await expect(processWebhookJob({ data, attemptsMade: 1, opts: { attempts: 8 } }, deps)).resolves.toBe('2 events');
    expect(postmartCalls).toBe(1);
    expect(await outcomes([quiet.eventId, failing.eventId])).toEqual({ [quiet.eventId]: 'stored (shop.auth_expiring)', [failing.eventId]: 'shop disconnected' });
    const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.eventId, quiet.eventId));
    expect(row?.processedAt).not.toBeNull();
  });
});

describe('enqueueWebhook', () => {
  /** A stand-in for the BullMQ queue that records each add (or fails them all). */
  const fakeQueue = (fail = false) => {
    const adds: { name: string; data: WebhookJob; jobId: string | undefined }[] = [];
    const queue = {
      add: async (name: string, data: WebhookJob, opts: { jobId?: string }) => {
        if (fail) throw new Error('Redis is away');
        adds.push({ name, data, jobId: opts.jobId });
      },
    } as unknown as Queue<WebhookJob>;
    return { queue, adds };
  };
  const event = { type: 'order.created', shop_id: 'shop_1', data: { order_sn: 'SN1' } };

  it('gives a lone event its own job wh-<event_id>', async () => {
    const { queue, adds } = fakeQueue();
    await enqueueWebhook(queue, 'evt_1', event);
    expect(adds).toEqual([{ name: 'event', data: { eventId: 'evt_1', event }, jobId: 'wh-evt_1' }]);
  });

  it('puts events received in the same turn into one job, at most MAX_EVENTS_PER_JOB each', async () => {
    const { queue, adds } = fakeQueue();
    const ids = Array.from({ length: MAX_EVENTS_PER_JOB + 2 }, (_, i) => `evt_b${i}`);
    await Promise.all(ids.map((id) => enqueueWebhook(queue, id, event)));
    expect(adds.map((a) => [a.name, a.jobId])).toEqual([
      ['events', 'whb-evt_b0'],
      ['events', `whb-evt_b${MAX_EVENTS_PER_JOB}`],
    ]);
    expect(adds.flatMap((a) => ('events' in a.data ? a.data.events.map((e) => e.eventId) : []))).toEqual(ids);
  });

  it('gathers events received within the window into one job, and starts a new job after it', async () => {
    const { queue, adds } = fakeQueue();
    const first = enqueueWebhook(queue, 'evt_w1', event, 1_000);
    await new Promise((r) => setImmediate(r)); // a later turn of the event loop, still within the window
    const second = enqueueWebhook(queue, 'evt_w2', event, 1_000);
    expect(adds).toEqual([]);
    flushWebhooks(queue);
    await Promise.all([first, second]);
    const third = enqueueWebhook(queue, 'evt_w3', event, 1);
    await third;
    expect(adds.map((a) => [a.name, a.jobId])).toEqual([
      ['events', 'whb-evt_w1'],
      ['event', 'wh-evt_w3'],
    ]);
  });

  it('sends a full job at once, without waiting for the window', async () => {
    const { queue, adds } = fakeQueue();
    const ids = Array.from({ length: MAX_EVENTS_PER_JOB }, (_, i) => `evt_full${i}`);
    // An hour's window: only a full job (or a flush) can send these.
    await Promise.all(ids.map((id) => enqueueWebhook(queue, id, event, 3_600_000)));
    expect(adds).toHaveLength(1);
    expect(adds[0]!.jobId).toBe('whb-evt_full0');
  });

  it('rejects every event of a job whose add failed, so the receiver leaves each to the sweeper', async () => {
    const { queue } = fakeQueue(true);
    const results = await Promise.allSettled([enqueueWebhook(queue, 'evt_f1', event), enqueueWebhook(queue, 'evt_f2', event)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
