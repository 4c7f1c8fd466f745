import { eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { Agent, request } from 'undici';
import { partners, webhookDeliveries } from '../db/schema.ts';
import type { SandboxDb } from '../db.ts';
import { Loop } from '../loop.ts';
import { webhookSignature } from '../signing.ts';

/** postmart-api.md#webhooks: retry after 1 min, 5 min, 15 min, 1 h, 6 h, then mark failed. */
export const RETRY_SCHEDULE_S = [60, 300, 900, 3600, 21_600] as const;
const BATCH = 32;
/** A claimed delivery is invisible to other dispatchers for this long (longer than any attempt). */
const LEASE_MS = 30_000;

type Claimed = {
  id: number;
  event_id: string;
  type: string;
  body: string;
  attempts: number;
  retry_factor: number;
  timeout_ms: number;
  url: string | null;
  partner_key: string;
};

export type AttemptResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/**
 * Delivers the outbox at least once: claims due rows (FOR UPDATE SKIP LOCKED, so several sandbox
 * processes on one database share the work), POSTs each signed body with undici, and records the
 * outcome. 2xx within the row's timeout is delivered; anything else is retried on the schedule scaled by
 * the row's retry factor, then failed.
 */
export class WebhookDispatcher {
  private readonly agent: Agent;
  private readonly loop: Loop;

  constructor(
    private readonly deps: { db: SandboxDb; log: Logger; pollIntervalMs: number; reorder: () => boolean; random: () => number },
  ) {
    this.agent = new Agent({ keepAliveTimeout: 4_000 });
    this.loop = new Loop('webhooks', deps.pollIntervalMs, () => this.deliverDue(), deps.log);
  }

  start(): void {
    this.loop.start();
  }

  /** Deliver now whatever is due (called after a transaction that enqueued events commits). */
  wake(atMs?: number): void {
    this.loop.wake(atMs);
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.agent.close();
  }

  /** One pass: returns true when there may be more due right now. */
  async deliverDue(): Promise<boolean> {
    const now = Date.now();
    const nowIso = new Date(now).toISOString();
    // Claimed with the owner's callback URL and key in the same statement.
    const claimed = await this.deps.db.execute<Claimed>(sql`
      WITH claimed AS (
        UPDATE ${webhookDeliveries} SET locked_until = ${new Date(now + LEASE_MS).toISOString()}
        WHERE id IN (
          SELECT id FROM ${webhookDeliveries}
          WHERE status = 'pending' AND next_attempt_at <= ${nowIso} AND (locked_until IS NULL OR locked_until < ${nowIso})
          ORDER BY next_attempt_at, id LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED)
        RETURNING id, event_id, type, body, attempts, retry_factor, timeout_ms, partner_id)
      SELECT c.id, c.event_id, c.type, c.body, c.attempts, c.retry_factor, c.timeout_ms, p.webhook_url AS url, coalesce(p.partner_key, '') AS partner_key
      FROM claimed c LEFT JOIN ${partners} p ON p.id = c.partner_id`);
    const rows = claimed.rows;
    if (this.deps.reorder()) rows.sort(() => this.deps.random() - 0.5);
    const results = await Promise.all(rows.map(async (row) => ({ row, result: row.url ? await this.attempt(row.url, row) : ({ ok: false, status: null, error: 'no callback URL registered' } as const) })));
    await this.recordDelivered(results.filter((r) => r.result.ok).map((r) => ({ id: r.row.id, attempts: r.row.attempts + 1, status: r.result.status! })));
    for (const { row, result } of results) if (!result.ok) await this.recordFailure(row, result);
    if (rows.length === BATCH) return true;

    // Sleep until the next retry is due rather than a whole poll interval (retry schedules are tiny in tests).
    const next = await this.deps.db.execute<{ at: Date | string | null }>(sql`
      SELECT min(next_attempt_at) AS at FROM ${webhookDeliveries}
      WHERE status = 'pending' AND (locked_until IS NULL OR locked_until < ${new Date().toISOString()})`);
    const at = next.rows[0]?.at ? new Date(next.rows[0].at).getTime() : null;
    if (at !== null && at > Date.now()) this.loop.wake(at);
    return at !== null && at <= Date.now();
  }

  /** The pass's delivered rows, in one statement (one per delivery was most of the dispatcher's database work). */
  private async recordDelivered(done: { id: number; attempts: number; status: number }[]): Promise<void> {
    if (done.length === 0) return;
    const values = sql.join(done.map((d) => sql`(${d.id}::bigint, ${d.attempts}::int, ${d.status}::int)`), sql`, `);
    await this.deps.db.execute(sql`
      UPDATE ${webhookDeliveries} d
      SET status = 'delivered', attempts = v.attempts, delivered_at = now(), last_status_code = v.status, last_error = NULL, locked_until = NULL
      FROM (VALUES ${values}) AS v(id, attempts, status) WHERE d.id = v.id`);
  }

  private async recordFailure(row: Claimed, result: Extract<AttemptResult, { ok: false }>): Promise<void> {
    const attempts = row.attempts + 1;
    const now = Date.now();
    const waitS = RETRY_SCHEDULE_S[attempts - 1];
    const failed = waitS === undefined;
    await this.deps.db
      .update(webhookDeliveries)
      .set({
        status: failed ? 'failed' : 'pending',
        attempts,
        lastStatusCode: result.status,
        lastError: result.error,
        lockedUntil: null,
        ...(failed ? {} : { nextAttemptAt: new Date(now + Math.round(waitS * 1000 * row.retry_factor)) }),
      })
      .where(eq(webhookDeliveries.id, row.id));
    this.deps.log.debug({ eventId: row.event_id, attempts, status: result.status, error: result.error, failed }, 'webhook delivery failed');
  }

  /** One signed POST (postmart-api.md#webhooks); the whole exchange must finish within the timeout. */
  private async attempt(url: string, row: Claimed): Promise<AttemptResult> {
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json',
          'x-pm-event-id': row.event_id,
          'x-pm-event-type': row.type,
          'x-pm-timestamp': String(timestamp),
          'x-pm-signature': webhookSignature(row.partner_key, url, timestamp, row.body),
        },
        body: row.body,
        headersTimeout: row.timeout_ms,
        bodyTimeout: row.timeout_ms,
        signal: AbortSignal.timeout(row.timeout_ms),
      });
      await res.body.dump();
      if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, status: res.statusCode };
      return { ok: false, status: res.statusCode, error: `HTTP ${res.statusCode}` };
    } catch (err) {
      return { ok: false, status: null, error: (err as Error).message.slice(0, 300) };
    }
  }
}
