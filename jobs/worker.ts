import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../src/config.ts';
import { createDb } from '../src/db.ts';
import { databaseIncarnationKey } from '../db/incarnation.ts';
import { observeWorker, trackQueues } from '../src/metrics/registry.ts';
import { check, type Readiness } from './ops-server.ts';
import { createPostmart } from '../src/postmart/index.ts';
import { lazyPostmart } from '../src/postmart/lazy.ts';
import { createRedis } from '../src/redis.ts';
import { reconcile } from '../src/services/listings/listing-reconcile.ts';
import type { ListingDeps } from '../src/services/listings/listing-sync.ts';
import { enqueueBatch } from '../src/queues/enqueue.ts';
import { listingBatchJob } from './listing-batch.ts';
import { listingSyncJob } from './listing-sync.ts';
import { maintenanceJob, type MaintenanceDeps } from './maintenance.ts';
import { keepSchedulers } from './schedulers.ts';
import { webhookJob } from './webhooks.ts';
import { orderActionJob } from './order-actions.ts';
import { runJob, type JobSpec } from './runner.ts';
import { markWebhooksEnqueued, staleWebhooks } from '../src/services/orders/webhooks.ts';
import { pollAllShops } from '../src/services/orders/order-poll.ts';
import { syncPickupPoints } from '../src/services/fulfillment/pickup-sync.ts';
import { OutboxRelay, STALE_AFTER_MS } from './outbox-relay.ts';
import { DEFAULT_JOB_OPTIONS, QUEUES, type ListingBatchJob, type ListingSyncJob, type MaintenanceJob, type OrderActionJob, type WebhookJob } from '../src/queues/definitions.ts';
import { checkRedisForBullmq } from '../src/queues/redis-check.ts';

export type Workers = {
  close: () => Promise<void>;
  relay: OutboxRelay;
  /** PostgreSQL and Redis answer, and every BullMQ worker is running: what GET /ready reports. */
  readiness: Readiness;
  /** The jobs this process is running right now: logged when the process dies (server.ts). */
  activeJobs: () => { queue: string; jobId: string | undefined; name: string }[];
};

export type WorkerOptions = { concurrency?: { sync?: number; batch?: number; webhooks?: number }; schedulerCheckMs?: number };

/**
 * Starts one BullMQ Worker per queue with its processor and dependencies, the outbox relay and the
 * schedulers; owns the connections they share and closes them gracefully: in-flight jobs finish
 * before the process exits.
 */
export async function startWorkers(config: Config, log: Logger, opts: WorkerOptions = {}): Promise<Workers> {
  const syncConcurrency = opts.concurrency?.sync ?? 8;
  const batchConcurrency = opts.concurrency?.batch ?? 4;
  // Webhook jobs mostly wait on Postmart (an order's details) and on short transactions, so many
  // run at once; the per-shop token bucket, not this number, keeps each shop under its limit.
  const webhookConcurrency = opts.concurrency?.webhooks ?? 32;
  const connection = createRedis(config.redisUrl, 'worker');
  connection.on('error', (err) => log.warn({ err: err.message }, 'worker redis error'));
  await checkRedisForBullmq(connection, log);
  // Each sync holds one connection for its product lock and uses others for its queries.
  const { pool, db } = createDb(config.databaseUrl, Math.max(config.databasePoolSize, 2 * syncConcurrency + batchConcurrency + webhookConcurrency + 4), 'dtpc-worker');
  const queueOpts = { connection, prefix: config.queuePrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS };
  const syncQueue = new Queue<ListingSyncJob>(QUEUES.listingSync, queueOpts);
  const batchQueue = new Queue<ListingBatchJob>(QUEUES.listingBatch, queueOpts);
  const maintenanceQueue = new Queue<MaintenanceJob>(QUEUES.maintenance, queueOpts);
  const webhookQueue = new Queue<WebhookJob>(QUEUES.webhooks, queueOpts);
  const orderActionQueue = new Queue<OrderActionJob>(QUEUES.orderActions, queueOpts);
  const queues = [syncQueue, batchQueue, maintenanceQueue, webhookQueue, orderActionQueue];
  for (const q of queues) q.on('error', (err) => log.warn({ err: err.message, queue: q.name }, 'queue redis error'));

  // A job that finds no credentials yet fails retryably and tries again after its backoff.
  const postmart = lazyPostmart(() => createPostmart({ config, db, redis: connection, log }), () => new Error('Postmart partner credentials are not configured yet'));
  const deps: ListingDeps = {
    db,
    pool,
    log,
    postmart: postmart.get,
    requestBatch: async (sellerId, shopId, full = false, windowMs?: number) => {
      await enqueueBatch(batchQueue, sellerId, shopId, full, windowMs);
    },
  };
  const sweepWebhooks = async () => {
    const stale = await staleWebhooks(db, STALE_AFTER_MS, 500);
    // A fresh job id: the lost job may still exist as failed or completed under the old one.
    for (const w of stale) await webhookQueue.add('event', { eventId: w.eventId }, { jobId: `wh-${w.eventId}-${Date.now()}` });
    await markWebhooksEnqueued(db, stale.map((w) => w.eventId));
    return stale.length;
  };
  const incarnation = await databaseIncarnationKey(db);
  const relay = new OutboxRelay({ db, pool, queues: { listingSync: syncQueue, orderActions: orderActionQueue, maintenance: maintenanceQueue }, requestBatch: deps.requestBatch, log, incarnation });

  const maintenanceDeps: MaintenanceDeps = {
    db,
    relay,
    reconcile: (sellerId) => reconcile(deps, sellerId),
    sweepWebhooks,
    pollOrders: () => pollAllShops({ ...deps, lagSeconds: config.orderPollLagSeconds }),
    syncPickupPoints: () => syncPickupPoints(deps),
  };
  // Every processor goes through the one runner (jobs/runner.ts): failure policy, give-up hooks,
  // outbox settlement, logging and metrics live there, not in each processor.
  const ctx = { db, log };
  const workerOpts = { connection, prefix: config.queuePrefix };
  const worker = <D extends object, Deps>(spec: JobSpec<D, Deps>, d: Deps, concurrency: number) => new Worker<D>(spec.queue, runJob(spec, d, ctx), { ...workerOpts, concurrency }) as unknown as Worker;
  const workers: Worker[] = [
    worker<ListingSyncJob, ListingDeps>(listingSyncJob, deps, syncConcurrency),
    worker<ListingBatchJob, ListingDeps>(listingBatchJob, deps, batchConcurrency),
    worker<WebhookJob, ListingDeps>(webhookJob, deps, webhookConcurrency),
    worker<OrderActionJob, ListingDeps>(orderActionJob, deps, 4),
    worker<MaintenanceJob, MaintenanceDeps>(maintenanceJob, maintenanceDeps, 1),
  ];
  for (const w of workers) {
    w.on('error', (err) => log.error({ err, queue: w.name }, 'worker error'));
    observeWorker(w); // job durations and failures for GET /metrics (src/metrics/registry.ts)
  }
  const active = new Map<string, { queue: string; jobId: string | undefined; name: string }>();
  for (const w of workers) {
    w.on('active', (job) => active.set(`${w.name}:${job.id}`, { queue: w.name, jobId: job.id, name: job.name }));
    w.on('completed', (job) => active.delete(`${w.name}:${job.id}`));
    w.on('failed', (job) => job && active.delete(`${w.name}:${job.id}`));
  }
  // Every queue's job counts on this process's /metrics too, so a worker-only deployment is watched.
  const untrack = trackQueues(queues);
  const schedulers = keepSchedulers(maintenanceQueue, log, opts.schedulerCheckMs);
  await schedulers.ensure();
  await relay.start();
  log.info({ queues: workers.map((w) => w.name), prefix: config.queuePrefix, incarnation }, 'workers started');

  let closed: Promise<void> | null = null;
  return {
    relay,
    activeJobs: () => [...active.values()],
    readiness: async () => {
      const [postgres, redis] = await Promise.all([check(() => pool.query('SELECT 1')), check(() => connection.ping())]);
      const stopped = workers.filter((w) => !w.isRunning()).map((w) => w.name);
      return { postgres, redis, workers: stopped.length === 0 ? { status: 'ok' } : { status: 'fail', error: `not running: ${stopped.join(', ')}` } };
    },
    close: () =>
      (closed ??= (async () => {
        schedulers.stop();
        await relay.stop();
        await Promise.all(workers.map((w) => w.close()));
        untrack();
        await Promise.all(queues.map((q) => q.close()));
        await postmart.close();
        await Promise.allSettled([connection.quit(), pool.end()]);
      })()),
  };
}
