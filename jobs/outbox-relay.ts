import type { Queue } from 'bullmq';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../src/db.ts';
import { BATCH_SIZE } from '../src/services/listings/listing-batch.ts';
import { markEnqueued, takeStale, takeUnenqueued } from '../src/services/outbox/listing-outbox.ts';
import { BATCH_WINDOW_MS, listingSyncOptions, ORDER_STOCK_WINDOW_MS } from '../src/queues/enqueue.ts';
import type { ListingSyncJob } from '../src/queues/definitions.ts';

const POLL_MS = 1000;
const BATCH = 500;
/** A note enqueued this long ago and still unsettled was lost (Redis restart, crash) and is driven again. */
export const STALE_AFTER_MS = 30_000;

/**
 * Moves outbox rows into BullMQ (the outbox row id is the job id, so a relay that crashes after
 * adding and before marking just adds a job BullMQ already has). Row ids restart with the database,
 * so job ids carry the database's incarnation key (db/incarnation.ts): a new or restored database
 * on a Redis that still holds the old jobs must not reuse their ids, or BullMQ drops the new jobs. Price/stock-only changes of
 * products already on Postmart go to their shop's batch push instead of one sync job each. Woken by NOTIFY from the writing
 * transaction, with a poll as backstop; safe to run in every worker replica.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private listener: pg.PoolClient | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly deps: { db: Db; pool: pg.Pool; queue: Queue<ListingSyncJob>; requestBatch: (sellerId: string, shopId: string, full: boolean, windowMs?: number) => Promise<void>; log: Logger; incarnation: string },
  ) {}

  async start(): Promise<void> {
    this.listener = await this.deps.pool.connect();
    this.listener.on('notification', () => this.kick());
    this.listener.on('error', (err) => this.deps.log.warn({ err: err.message }, 'outbox listener lost its connection; polling only'));
    await this.listener.query('LISTEN listing_outbox');
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.kick();
  }

  /** Runs one relay pass now, or once more after the one in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.relayAll()
      .catch((err: unknown) => this.deps.log.warn({ err: (err as Error).message }, 'outbox relay pass failed; will retry'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async relayAll(): Promise<void> {
    for (;;) {
      const rows = await takeUnenqueued(this.deps.db, BATCH);
      if (rows.length === 0) return;
      const toBatch = rows.filter((r) => r.kind === 'price_stock' && r.shopId && r.sellerId);
      const toSync = rows.filter((r) => !toBatch.includes(r));
      const shops = new Map<string, { sellerId: string; count: number; ordersOnly: boolean }>();
      for (const r of toBatch) {
        const seen = shops.get(r.shopId!);
        shops.set(r.shopId!, { sellerId: r.sellerId!, count: (seen?.count ?? 0) + 1, ordersOnly: (seen?.ordersOnly ?? true) && r.reason.startsWith('order-') });
      }
      for (const [shopId, { sellerId, count, ordersOnly }] of shops) {
        await this.deps.requestBatch(sellerId, shopId, count >= BATCH_SIZE, ordersOnly ? ORDER_STOCK_WINDOW_MS : BATCH_WINDOW_MS);
      }
      if (toSync.length > 0) {
        await this.deps.queue.addBulk(toSync.map((r) => ({ name: 'sync', data: { productId: r.productId, outboxId: r.id }, opts: listingSyncOptions(r.productId, `ob-${this.deps.incarnation}-${r.id}`) })));
      }
      await markEnqueued(this.deps.db, rows.map((r) => r.id));
      if (rows.length < BATCH) return;
    }
  }

  /** Re-drives notes that were enqueued but never settled. Returns how many. */
  async sweep(): Promise<number> {
    const rows = await takeStale(this.deps.db, STALE_AFTER_MS, BATCH);
    if (rows.length === 0) return 0;
    await this.deps.queue.addBulk(
      rows.map((r) => ({ name: 'sync', data: { productId: r.productId, outboxId: r.id }, opts: listingSyncOptions(r.productId, `ob-${this.deps.incarnation}-${r.id}-r${r.enqueueCount}`) })),
    );
    await markEnqueued(this.deps.db, rows.map((r) => r.id));
    return rows.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    if (this.listener) {
      await this.listener.query('UNLISTEN listing_outbox').catch(() => {});
      this.listener.release();
      this.listener = null;
    }
  }
}
