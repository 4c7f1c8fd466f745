import { createHmac, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { webhookEvents } from '../../db/schema/webhooks.ts';
import { QUEUES } from '../../src/queues/definitions.ts';
import { createRedis } from '../../src/redis.ts';
import { buildTestApp } from '../support/app.ts';
import { errorOf } from '../support/http.ts';

const PARTNER_KEY = 'webhook-test-partner-key-0123456789';
const PUBLIC_URL = 'http://connector.test:3000';
const CALLBACK = `${PUBLIC_URL}/v1/webhooks/postmart`;
let app: FastifyInstance;

beforeAll(async () => {
  app = await buildTestApp({ PUBLIC_URL, POSTMART_BASE_URL: 'http://127.0.0.1:9/api/v1', POSTMART_PARTNER_ID: 'ptn_test', POSTMART_PARTNER_KEY: PARTNER_KEY });
});
afterAll(() => app?.close());

/** Signed by hand from the contract text (postmart-api.md#webhooks), not with the project's signer. */
function delivery(over: { timestamp?: number; body?: string; signWith?: { timestamp?: number; body?: string; key?: string } } = {}) {
  const eventId = `evt_${randomUUID()}`;
  const timestamp = over.timestamp ?? Math.floor(Date.now() / 1000);
  const body = over.body ?? JSON.stringify({ event_id: eventId, type: 'order.created', shop_id: 'shop_x', timestamp, data: { order_sn: 'SN1', status: 'READY_TO_SHIP', update_time: timestamp } });
  const s = over.signWith ?? {};
  const signature = createHmac('sha256', s.key ?? PARTNER_KEY).update(`${CALLBACK}|${s.timestamp ?? timestamp}|${s.body ?? body}`).digest('hex');
  const headers = { 'content-type': 'application/json', 'x-pm-event-id': eventId, 'x-pm-event-type': 'order.created', 'x-pm-timestamp': String(timestamp), 'x-pm-signature': signature };
  return {
    eventId,
    headers,
    body,
    send: (headers: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: '/v1/webhooks/postmart',
        headers: { 'content-type': 'application/json', 'x-pm-event-id': eventId, 'x-pm-event-type': 'order.created', 'x-pm-timestamp': String(timestamp), 'x-pm-signature': signature, ...headers },
        payload: body,
      }),
  };
}
const stored = async (eventId: string) => (await app.db.select().from(webhookEvents).where(eq(webhookEvents.eventId, eventId))).length;

describe('POST /v1/webhooks/postmart', () => {
  it('stores a correctly signed event once and acknowledges a duplicate without storing it again', async () => {
    const d = delivery();
    const first = await d.send();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: true, duplicate: false });
    const again = await d.send();
    expect(again.json()).toEqual({ received: true, duplicate: true });
    expect(await stored(d.eventId)).toBe(1);
  });

  it('refuses a bad signature with 401 and stores nothing', async () => {
    const d = delivery({ signWith: { key: 'someone-else-s-key-0000000000000' } });
    const res = await d.send();
    expect(res.statusCode).toBe(401);
    expect(errorOf(res).code).toBe('UNAUTHENTICATED');
    expect(await stored(d.eventId)).toBe(0);
  });

  it('refuses a timestamp outside ±300 s, and a replayed body under a new timestamp with the old signature', async () => {
    const stale = delivery({ timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect((await stale.send()).statusCode).toBe(401);
    expect(await stored(stale.eventId)).toBe(0);

    const old = Math.floor(Date.now() / 1000) - 400;
    const replay = delivery({ timestamp: Math.floor(Date.now() / 1000), signWith: { timestamp: old } });
    expect((await replay.send()).statusCode).toBe(401);
    expect(await stored(replay.eventId)).toBe(0);
  });

  it('refuses a body changed after signing, and an oversized body, storing nothing', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/postmart',
      headers: { 'content-type': 'application/json', 'x-pm-timestamp': String(Math.floor(Date.now() / 1000)), 'x-pm-signature': 'ab'.repeat(32) },
      payload: '{"event_id":"evt_tampered","type":"order.created","shop_id":"s","timestamp":1,"data":{}}',
    });
    expect(res.statusCode).toBe(401);
    expect(await stored('evt_tampered')).toBe(0);

    const huge = delivery({ body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }) });
    expect((await huge.send()).statusCode).toBe(413);
  });

  it('answers once the event is stored, and a shutdown right after the answer still queues its job', async () => {
    // An app of its own (closed here) under a queue prefix of its own, so no other file's worker takes the job.
    const prefix = inject('queuePrefix').replace(/\}$/, `-wr${randomUUID().slice(0, 8)}}`);
    const own = await buildTestApp({ PUBLIC_URL, POSTMART_BASE_URL: 'http://127.0.0.1:9/api/v1', POSTMART_PARTNER_ID: 'ptn_test', POSTMART_PARTNER_KEY: PARTNER_KEY, QUEUE_PREFIX: prefix });
    const d = delivery();
    const res = await own.inject({ method: 'POST', url: '/v1/webhooks/postmart', headers: d.headers, payload: d.body });
    expect(res.statusCode).toBe(200);
    await own.close();
    const [row] = await app.db.select().from(webhookEvents).where(eq(webhookEvents.eventId, d.eventId));
    expect(row?.enqueuedAt).not.toBeNull();
    const connection = createRedis(inject('redisUrl'), 'producer');
    const queue = new Queue(QUEUES.webhooks, { connection, prefix });
    try {
      expect((await queue.getJob(`wh-${d.eventId}`))?.data).toEqual({ eventId: d.eventId, event: { type: 'order.created', shop_id: 'shop_x', data: expect.objectContaining({ order_sn: 'SN1' }) } });
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await connection.quit();
    }
  });
});
