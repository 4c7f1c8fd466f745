import type { Queue } from 'bullmq';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../src/db.ts';
import { BATCH_SIZE } from '../src/services/listings/listing-batch.ts';
import { markEnqueued, OUTBOX_CHANNEL, outboxJobId, takeStale, takeUnenqueued, type OutboxPayloads, type OutboxRow } from '../src/services/outbox/outbox.ts';
import { BATCH_WINDOW_MS, listingSyncOptions, ORDER_STOCK_WINDOW_MS } from '../src/queues/enqueue.ts';
import type { ListingSyncJob, MaintenanceJob, OrderActionJob } from '../src/queues/definitions.ts';

const POLL_MS = 1000;
const BATCH = 500;
/** A note enqueued this long ago and still unsettled was lost (Redis restart, crash) and is driven again. */
export const STALE_AFTER_MS = 30_000;

export type RelayQueues = { listingSync: Queue<ListingSyncJob>; orderActions: Queue<OrderActionJob>; maintenance: Queue<MaintenanceJob> };

/**
 * Moves outbox rows into BullMQ, routed by kind (db/schema/outbox.ts): listing changes to a sync
 * job per product, or, for price/stock-only changes of products already on Postmart, to their
 * shop's batch push; order actions and reconcile requests to their queues. The outbox row id is the
 * job id, so a relay that crashes after adding and before marking just adds a job BullMQ already
 * has. Woken by NOTIFY from the writing transaction, with a poll as backstop; safe to run in every
 * worker replica. While Redis is away a pass fails (or waits) and the rows stay unmarked, so the
 * next pass after Redis returns delivers them.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private listener: pg.PoolClient | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly deps: { db: Db; pool: pg.Pool; queues: RelayQueues; requestBatch: (sellerId: string, shopId: string, full: boolean, windowMs?: number) => Promise<void>; log: Logger },
  ) {}

  async start(): Promise<void> {
    this.listener = await this.deps.pool.connect();
    this.listener.on('notification', () => this.kick());
    this.listener.on('error', (err) => this.deps.log.warn({ err: err.message }, 'outbox listener lost its connection; polling only'));
    await this.listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
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
      const toBatch = rows.filter((r) => (r.kind === 'listing.price_stock' || r.kind === 'listing.order_stock') && r.shopId && r.sellerId);
      const shops = new Map<string, { sellerId: string; count: number; ordersOnly: boolean }>();
      for (const r of toBatch) {
        const seen = shops.get(r.shopId!);
        shops.set(r.shopId!, { sellerId: r.sellerId!, count: (seen?.count ?? 0) + 1, ordersOnly: (seen?.ordersOnly ?? true) && r.kind === 'listing.order_stock' });
      }
      for (const [shopId, { sellerId, count, ordersOnly }] of shops) {
        await this.deps.requestBatch(sellerId, shopId, count >= BATCH_SIZE, ordersOnly ? ORDER_STOCK_WINDOW_MS : BATCH_WINDOW_MS);
      }
      await this.deliver(rows.filter((r) => !toBatch.includes(r)), (r) => outboxJobId(r.id));
      await markEnqueued(this.deps.db, rows.map((r) => r.id));
      if (rows.length < BATCH) return;
    }
  }

  /**
   * Adds one job per row to its kind's queue. Listing syncs take `jobId(row)`; order actions and
   * reconciles always take the row's own id, so a re-drive of a job that still exists (waiting,
   * retrying, running) adds nothing, and only a job really lost is added again.
   */
  private async deliver(rows: OutboxRow[], listingJobId: (r: OutboxRow) => string): Promise<void> {
    const syncs = rows.filter((r) => r.kind.startsWith('listing.'));
    if (syncs.length > 0) {
      await this.deps.queues.listingSync.addBulk(syncs.map((r) => ({ name: 'sync', data: { productId: r.productId!, outboxId: r.id }, opts: listingSyncOptions(r.productId!, listingJobId(r)) })));
    }
    for (const r of rows) {
      switch (r.kind) {
        case 'order.action': {
          const data = { ...(r.payload as OutboxPayloads['order.action']), outboxId: r.id };
          await this.deps.queues.orderActions.add(data.action, data, { jobId: outboxJobId(r.id) });
          break;
        }
        case 'maintenance.reconcile': {
          const { sellerId } = r.payload as OutboxPayloads['maintenance.reconcile'];
          await this.deps.queues.maintenance.add('reconcile', { task: 'reconcile', ...(sellerId ? { sellerId } : {}), outboxId: r.id }, { jobId: outboxJobId(r.id) });
          break;
        }
        case 'listing.full':
        case 'listing.price_stock':
        case 'listing.order_stock':
          break;
        default:
          r.kind satisfies never;
      }
    }
  }

  /** Re-drives notes that were enqueued but never settled. Returns how many. */
  async sweep(): Promise<number> {
    const rows = await takeStale(this.deps.db, STALE_AFTER_MS, BATCH);
    if (rows.length === 0) return 0;
    await this.deliver(rows, (r) => `${outboxJobId(r.id)}-r${r.enqueueCount}`);
    await markEnqueued(this.deps.db, rows.map((r) => r.id));
    return rows.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    if (this.listener) {
      await this.listener.query(`UNLISTEN ${OUTBOX_CHANNEL}`).catch(() => {});
      this.listener.release();
      this.listener = null;
    }
  }
}
