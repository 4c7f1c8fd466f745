import { sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Logger } from 'pino';
import { authCodes, nonces } from './db/schema.ts';
import { mergeConfig, type RuntimeConfig, type RuntimeConfigPatch, type SandboxSettings } from './config.ts';
import type { SandboxDeps } from './context.ts';
import type { SandboxDb } from './db.ts';
import { BuyerGenerator } from './generator.ts';
import { NONCE_TTL_MS } from './auth-guard.ts';
import { purgeExpiredIdempotencyKeys } from './idempotency.ts';
import { Loop } from './loop.ts';
import { RateLimiter } from './rate-limit.ts';
import type { Commune } from './recipients.ts';
import { announceExpiringAuth } from './services/auth.ts';
import { resetAll } from './services/control.ts';
import { approveDueProducts, nextReviewDue } from './services/review.ts';
import { StatsRecorder } from './stats.ts';
import { WebhookDispatcher } from './webhooks/dispatcher.ts';

const STATS_FLUSH_MS = 1_000;

/**
 * Everything one sandbox process owns besides its HTTP server: the live config, the in-memory
 * rate-limit buckets, the stats buffer and the background work (webhook dispatcher, reviewer,
 * housekeeping, buyer generator). `stop()` ends them all; the pool is ended by its owner (server.ts).
 */
export class SandboxRuntime {
  readonly deps: SandboxDeps;
  readonly stats: StatsRecorder;
  readonly limiter: RateLimiter;
  readonly dispatcher: WebhookDispatcher;
  readonly generator: BuyerGenerator;
  private config: RuntimeConfig;
  private readonly initialConfig: RuntimeConfig;
  private readonly loops: Loop[];
  private readonly reviewer: Loop;
  private stopped: Promise<void> | null = null;

  constructor(o: { db: SandboxDb; pool: pg.Pool; settings: SandboxSettings; config: RuntimeConfig; log: Logger; random: () => number; communes: Commune[] }) {
    this.config = o.config;
    this.initialConfig = o.config;
    this.dispatcher = new WebhookDispatcher({
      db: o.db,
      log: o.log.child({ component: 'sandbox-webhooks' }),
      pollIntervalMs: o.settings.pollIntervalMs,
      reorder: () => this.config.webhooks.reorder,
      random: o.random,
    });
    this.reviewer = new Loop('review', o.settings.pollIntervalMs * 4, async () => {
      const more = await approveDueProducts(this.deps);
      const next = await nextReviewDue(this.deps);
      if (next !== null) this.reviewer.wake(next);
      return more;
    }, o.log);
    this.deps = {
      db: o.db,
      settings: o.settings,
      config: () => this.config,
      random: o.random,
      log: o.log,
      communes: o.communes,
      wakeWebhooks: () => this.dispatcher.wake(),
      reviewAt: (atMs) => this.reviewer.wake(atMs),
    };
    this.stats = new StatsRecorder(o.db);
    this.limiter = new RateLimiter(() => this.config.rate_limit, () => this.config.retry_after_grace_ms);
    this.generator = new BuyerGenerator(this.deps, o.log.child({ component: 'sandbox-generator' }));
    this.loops = [
      this.reviewer,
      new Loop('stats', STATS_FLUSH_MS, async () => (await this.stats.flush(), false), o.log),
      new Loop('housekeeping', o.settings.housekeepingIntervalMs, () => this.housekeeping(), o.log),
    ];
  }

  currentConfig(): RuntimeConfig {
    return this.config;
  }

  /** PUT /sandbox/config: merges and answers the whole config. */
  updateConfig(patch: RuntimeConfigPatch): RuntimeConfig {
    this.config = mergeConfig(this.config, patch);
    return this.config;
  }

  start(): void {
    this.dispatcher.start();
    for (const l of this.loops) l.start();
  }

  stop(): Promise<void> {
    return (this.stopped ??= (async () => {
      await this.generator.stop();
      await Promise.all(this.loops.map((l) => l.stop()));
      await this.dispatcher.stop();
      await this.stats.flush().catch((err: unknown) => this.deps.log.warn({ err }, 'sandbox stats flush failed at close'));
    })());
  }

  /** POST /sandbox/reset: every table emptied, buckets and config back to how the process started. */
  async reset(): Promise<void> {
    await this.generator.stop();
    this.stats.discard();
    await resetAll(this.deps.db);
    this.limiter.clear();
    this.config = this.initialConfig;
  }

  private async housekeeping(): Promise<boolean> {
    const now = Date.now();
    await this.deps.db.delete(nonces).where(sql`${nonces.seenAt} < ${new Date(now - NONCE_TTL_MS).toISOString()}`);
    await this.deps.db.delete(authCodes).where(sql`${authCodes.expiresAt} < ${new Date(now - 3600_000).toISOString()}`);
    await purgeExpiredIdempotencyKeys(this.deps.db, now);
    await announceExpiringAuth(this.deps);
    return false;
  }
}
