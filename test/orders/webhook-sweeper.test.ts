import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEvents } from '../../db/schema/webhooks.ts';
import { markWebhooksEnqueued, staleWebhooks } from '../../src/services/orders/webhooks.ts';
import { buildTestApp } from '../support/app.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app?.close());

const STALE_MS = 30_000;

async function stored(over: Partial<typeof webhookEvents.$inferInsert>) {
  const eventId = `evt_sweep_${randomUUID()}`;
  await app.db.insert(webhookEvents).values({ eventId, type: 'order.created', shopId: 'shop_sweep', eventTime: new Date(), payload: {}, ...over });
  return eventId;
}

describe('webhook sweeper: what enqueued_at decides', () => {
  it('re-drives events never queued at once and events queued long ago, not recently queued or processed ones; a re-drive restarts the clock', async () => {
    const longAgo = new Date(Date.now() - 5 * 60_000);
    const neverQueued = await stored({ enqueuedAt: null });
    const queuedNow = await stored({ enqueuedAt: new Date() });
    const lost = await stored({ receivedAt: longAgo, enqueuedAt: longAgo });
    const done = await stored({ receivedAt: longAgo, enqueuedAt: longAgo, processedAt: longAgo, outcome: 'ok' });
    const mine = [neverQueued, queuedNow, lost, done];
    const due = async () => (await staleWebhooks(app.db, STALE_MS, 10_000)).map((w) => w.eventId).filter((id) => mine.includes(id));

    expect((await due()).sort()).toEqual([neverQueued, lost].sort());
    await markWebhooksEnqueued(app.db, [neverQueued, lost]);
    expect(await due()).toEqual([]);
    const rows = await app.db.select().from(webhookEvents).where(inArray(webhookEvents.eventId, [neverQueued, lost]));
    for (const r of rows) expect(r.enqueuedAt!.getTime()).toBeGreaterThan(longAgo.getTime());
  });
});
