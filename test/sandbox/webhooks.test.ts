import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { activeProduct, connectShop, control, startTestSandbox, uniqueSku, WebhookReceiver, webhookSignature, type Received, type Shop } from '../support/sandbox.ts';

let sb: RunningSandbox;
let receiver: WebhookReceiver;
let db: pg.Client;

beforeAll(async () => {
  // A short receiver timeout keeps the "too slow" case fast; the contract's is 3 s.
  sb = await startTestSandbox({}, { webhookTimeoutMs: 400 });
  receiver = await new WebhookReceiver().start();
  db = new pg.Client({ connectionString: inject('databaseUrl') });
  await db.connect();
});
afterAll(async () => {
  await sb?.close();
  await receiver?.close();
  await db?.end();
});

/** A shop with its own SKU and the receiver as its partner's callback URL. */
async function setup(): Promise<{ shop: Shop; sku: string }> {
  const shop = await connectShop(sb.url);
  await control(sb.url, 'PUT', `/partners/${shop.partnerId}/webhook`, { url: receiver.url });
  const sku = uniqueSku('MIT');
  await activeProduct(sb.url, shop, [{ seller_sku: sku, stock: 100 }]);
  return { shop, sku };
}
const order = async (shop: Shop, sku: string) => (await control(sb.url, 'POST', '/orders', { shop_id: shop.shopId, items: [{ seller_sku: sku, qty: 1 }] })).order_sn as string;
const isCreated = (sn: string) => (r: Received) => r.json.type === 'order.created' && r.json.data.order_sn === sn;

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > until) return v;
    await sleep(25);
  }
}
const deliveries = async (eventId: string) =>
  (await db.query('SELECT status, attempts, duplicate FROM postmart_sandbox.webhook_deliveries WHERE event_id = $1 ORDER BY id', [eventId])).rows;

describe('webhooks (postmart-api.md#webhooks)', () => {
  it('delivers a signed event with the contract headers and a thin body', async () => {
    const { shop, sku } = await setup();
    const sn = await order(shop, sku);
    const r = await receiver.next(isCreated(sn));
    expect(r.headers['x-pm-event-id']).toBe(r.json.event_id);
    expect(r.headers['x-pm-event-type']).toBe('order.created');
    const ts = String(r.headers['x-pm-timestamp']);
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(30);
    expect(r.headers['x-pm-signature']).toBe(webhookSignature(shop.partnerKey, receiver.url, ts, r.body));
    expect(Object.keys(r.json).sort()).toEqual(['data', 'event_id', 'shop_id', 'timestamp', 'type']);
    expect(r.json).toMatchObject({ type: 'order.created', shop_id: shop.shopId, timestamp: expect.any(Number) });
    expect(r.json.data).toEqual({ order_sn: sn, status: 'READY_TO_SHIP', update_time: expect.any(Number) });
  });

  it('retries after a non-2xx answer, on the (scaled) schedule, with the same event and body', async () => {
    const { shop, sku } = await setup();
    let first = true;
    receiver.respond = (r) => (r.json.shop_id === shop.shopId && r.json.type === 'order.created' && first ? ((first = false), 503) : 200);
    try {
      const sn = await order(shop, sku);
      const a = await receiver.next(isCreated(sn));
      const b = await receiver.next((r) => isCreated(sn)(r) && r !== a);
      expect(b.json.event_id).toBe(a.json.event_id);
      expect(b.body).toBe(a.body);
      expect(b.at - a.at).toBeGreaterThanOrEqual(50); // 1 min × 0.001
      const rows = await eventually(() => deliveries(a.json.event_id), (rs) => rs[0]?.status === 'delivered');
      expect(rows).toEqual([{ status: 'delivered', attempts: 2, duplicate: false }]);
    } finally {
      receiver.respond = () => 200;
    }
  });

  it('an answer slower than the timeout counts as a failure and is retried', async () => {
    const { shop, sku } = await setup();
    const slow = await new WebhookReceiver().start();
    let first = true;
    slow.delay = (r) => (r.json.type === 'order.created' && first ? ((first = false), 800) : 0);
    await control(sb.url, 'PUT', `/partners/${shop.partnerId}/webhook`, { url: slow.url });
    try {
      const sn = await order(shop, sku);
      const rows = await eventually(
        async () => (await db.query("SELECT status, attempts FROM postmart_sandbox.webhook_deliveries WHERE shop_id = $1 AND type = 'order.created' AND body LIKE $2", [shop.shopId, `%${sn}%`])).rows,
        (rs) => rs[0]?.status === 'delivered',
      );
      expect(rows).toEqual([{ status: 'delivered', attempts: 2 }]);
    } finally {
      await slow.close();
    }
  });

  it('marks an event failed after the last retry (1 min, 5 min, 15 min, 1 h, 6 h, scaled)', async () => {
    await control(sb.url, 'PUT', '/config', { webhook_retry_factor: 0.0001 });
    const { shop, sku } = await setup();
    receiver.respond = (r) => (r.json.shop_id === shop.shopId ? 500 : 200);
    try {
      const sn = await order(shop, sku);
      const a = await receiver.next(isCreated(sn));
      const rows = await eventually(() => deliveries(a.json.event_id), (rs) => rs[0]?.status === 'failed', 10_000);
      expect(rows).toEqual([{ status: 'failed', attempts: 6, duplicate: false }]);
      expect(receiver.received.filter(isCreated(sn))).toHaveLength(6);
      const stats = await control(sb.url, 'GET', `/stats?shop_id=${shop.shopId}`);
      expect(stats.webhooks.failed).toBeGreaterThanOrEqual(1);
      expect(stats.webhooks.sent).toBeGreaterThanOrEqual(6);
    } finally {
      receiver.respond = () => 200;
      await control(sb.url, 'PUT', '/config', { webhook_retry_factor: 0.001 });
    }
  });

  it('fault options: duplicate_rate sends an event twice, drop_rate never sends it, enabled: false suppresses it, delay_ms holds it back', async () => {
    const { shop, sku } = await setup();
    try {
      await control(sb.url, 'PUT', '/config', { webhooks: { duplicate_rate: 1 } });
      const dup = await order(shop, sku);
      const d1 = await receiver.next(isCreated(dup));
      const d2 = await receiver.next((r) => isCreated(dup)(r) && r !== d1);
      expect(d2.json.event_id).toBe(d1.json.event_id);

      await control(sb.url, 'PUT', '/config', { webhooks: { duplicate_rate: 0, drop_rate: 1 } });
      const dropped = await order(shop, sku);
      await control(sb.url, 'PUT', '/config', { webhooks: { drop_rate: 0, enabled: false } });
      const suppressed = await order(shop, sku);
      await control(sb.url, 'PUT', '/config', { webhooks: { enabled: true, delay_ms: 300 } });
      const before = Date.now();
      const delayed = await order(shop, sku);
      const late = await receiver.next(isCreated(delayed));
      expect(late.at - before).toBeGreaterThanOrEqual(300);

      const stats = await control(sb.url, 'GET', `/stats?shop_id=${shop.shopId}`);
      expect(stats.webhooks).toMatchObject({ duplicates: 1, dropped: expect.any(Number), suppressed: expect.any(Number) });
      expect(stats.webhooks.dropped).toBeGreaterThanOrEqual(1);
      expect(stats.webhooks.suppressed).toBeGreaterThanOrEqual(1);
      expect(receiver.received.some(isCreated(dropped))).toBe(false);
      expect(receiver.received.some(isCreated(suppressed))).toBe(false);
    } finally {
      await control(sb.url, 'PUT', '/config', { webhooks: { enabled: true, duplicate_rate: 0, drop_rate: 0, delay_ms: 0, reorder: false } });
    }
  });

  it('reorder still delivers every event (in any order)', async () => {
    const { shop, sku } = await setup();
    await control(sb.url, 'PUT', '/config', { webhooks: { reorder: true } });
    try {
      const sns = await Promise.all([1, 2, 3, 4].map(() => order(shop, sku)));
      const got = await Promise.all(sns.map((sn) => receiver.next(isCreated(sn))));
      expect(got.map((r) => r.json.data.order_sn)).toEqual(sns);
    } finally {
      await control(sb.url, 'PUT', '/config', { webhooks: { reorder: false } });
    }
  });
});
