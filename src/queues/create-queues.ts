import { Queue } from 'bullmq';
import type { RedisConnection } from '../redis.ts';
import { DEFAULT_JOB_OPTIONS, QUEUES, type ListingBatchJob, type ListingSyncJob, type MaintenanceJob, type OrderActionJob, type WebhookJob } from './definitions.ts';
import type { Config } from '../config.ts';

/** The payload of each queue in QUEUES; a queue added there without a payload here fails the type check. */
type Payloads = { listingSync: ListingSyncJob; listingBatch: ListingBatchJob; maintenance: MaintenanceJob; webhooks: WebhookJob; orderActions: OrderActionJob };
type QueueKey = keyof typeof QUEUES;

/** Producer handles on every queue, by the key used in QUEUES (`queues.listingSync.add(…)`). */
export type Queues = { readonly [K in QueueKey]: Queue<Payloads[K]> } & {
  /** Every queue, in QUEUES order: for the dashboard and the metrics. */
  readonly list: readonly Queue[];
  /** Closes the queues (not the connection: its owner closes it). Safe to call twice. */
  close: () => Promise<void>;
};

/**
 * One typed BullMQ Queue per name in QUEUES, under the configured hash-tagged prefix, sharing the
 * given connection. Queues only produce and inspect; they never block, so a producer connection
 * (`createRedis(url, 'producer')`: no offline queue) is the right one. The caller owns the
 * connection and must listen for 'error' on each queue (BullMQ re-emits connection errors there).
 */
export function createQueues(config: Pick<Config, 'queuePrefix'>, connection: RedisConnection): Queues {
  const opts = { connection, prefix: config.queuePrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS };
  const byKey = Object.fromEntries((Object.keys(QUEUES) as QueueKey[]).map((key) => [key, new Queue(QUEUES[key], opts)])) as {
    [K in QueueKey]: Queue<Payloads[K]>;
  };
  const list = Object.values(byKey) as Queue[];
  let closed: Promise<void> | null = null;
  return {
    ...byKey,
    list,
    close: () => (closed ??= Promise.allSettled(list.map((q) => q.close())).then(() => undefined)),
  };
}
