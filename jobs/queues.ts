import type { JobsOptions } from 'bullmq';

/**
 * Every queue the connector runs, by name. All queue keys live under one hash-tagged prefix
 * (QUEUE_PREFIX, default "{dtpc}") so that on a Redis Cluster all of them hash to one slot,
 * which BullMQ's multi-key Lua scripts require.
 */
export const QUEUES = {} as const satisfies Record<string, string>;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
