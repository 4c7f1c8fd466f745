import type { Queue } from 'bullmq';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../src/db.ts';
import { BATCH_SIZE } from '../src/services/listings/listing-batch.ts';
import { markEnqueued, OUTBOX_CHANNEL, outboxJobIdFor, takeStale, takeUnenqueued, type OutboxPayloads, type OutboxRow } from '../src/services/outbox/outbox.ts';
import { BATCH_WINDOW_MS, listingSyncOptions, ORDER_STOCK_WINDOW_MS } from '../src/queues/enqueue.ts';
import type { ListingSyncJob, MaintenanceJob, OrderActionJob } from '../src/queues/definitions.ts';

const POLL_MS = 1000;
const BATCH = 500;
/**
 * A NOTIFY wakes the relay this long later, not at once: every imported order notifies, and at tens
 * of orders a second a pass per notification cost a SELECT, an UPDATE and a BullMQ add each. Waiting
 * a moment lets one pass take the notes of several orders; the listing pushes they feed wait a
 * second anyway (ORDER_STOCK_WINDOW_MS), and an order action is a few ms later at most.
 */
export const NOTIFY_COALESCE_MS = 50;
/** A note enqueued this long ago and still unsettled was lost (Redis restart, crash) and is driven again. */
export const STALE_AFTER_MS = 30_000;

export type RelayQueues = { listingSync: Queue<ListingSyncJob>; orderActions: Queue<OrderActionJob>; maintenance: Queue<MaintenanceJob> };

/**
 * Moves outbox rows into BullMQ, routed by kind (db/schema/outbox.ts): listing changes to a sync
 * job per product, or, for price/stock-only changes of products already on Postmart, to their
 * shop's batch push; order actions and reconcile requests to their queues. The outbox row id is the
 * job id, so a relay that crashes after adding and before marking just adds a job BullMQ already
 * has. Row ids restart with the database, so job ids also carry its incarnation key
 * (db/incarnation.ts): a new or restored database on a Redis that still holds the old jobs must not
 * reuse their ids, or BullMQ silently drops the new jobs. Woken by NOTIFY from the writing transaction, with a poll as backstop; safe to run in every
 * worker replica. While Redis is away a pass fails (or waits) and the rows stay unmarked, so the
 * next pass after Redis returns delivers them.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private woken: NodeJS.Timeout | null = null;
  private listener: pg.PoolClient | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly deps: { db: Db; pool: pg.Pool; queues: RelayQueues; requestBatch: (sellerId: string, shopId: string, full: boolean, windowMs?: number) => Promise<void>; log: Logger; incarnation: string },
  ) {}

  async start(): Promise<void> {
    this.listener = await this.deps.pool.connect();
    this.listener.on('notification', () => this.wake());
    this.listener.on('error', (err) => this.deps.log.warn({ err: err.message }, 'outbox listener lost its connection; polling only'));
    await this.listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.kick();
  }

  /** A NOTIFY: one pass after NOTIFY_COALESCE_MS for every notification that arrives meanwhile. */
  private wake(): void {
    if (this.woken || this.stopped) return;
    this.woken = setTimeout(() => {
      this.woken = null;
      this.kick();
    }, NOTIFY_COALESCE_MS);
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
      await this.deliver(rows.filter((r) => !toBatch.includes(r)), (r) => outboxJobIdFor(this.deps.incarnation, r.id));
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
          await this.deps.queues.orderActions.add(data.action, data, { jobId: outboxJobIdFor(this.deps.incarnation, r.id) });
          break;
        }
        case 'maintenance.reconcile': {
          const { sellerId } = r.payload as OutboxPayloads['maintenance.reconcile'];
          await this.deps.queues.maintenance.add('reconcile', { task: 'reconcile', ...(sellerId ? { sellerId } : {}), outboxId: r.id }, { jobId: outboxJobIdFor(this.deps.incarnation, r.id) });
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
    await this.deliver(rows, (r) => `${outboxJobIdFor(this.deps.incarnation, r.id)}-r${r.enqueueCount}`);
    await markEnqueued(this.deps.db, rows.map((r) => r.id));
    return rows.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.woken) clearTimeout(this.woken);
    await this.running;
    if (this.listener) {
      await this.listener.query(`UNLISTEN ${OUTBOX_CHANNEL}`).catch(() => {});
      this.listener.release();
      this.listener = null;
    }
  }
}
