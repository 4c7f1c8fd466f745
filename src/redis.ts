import { Redis, type RedisOptions } from 'ioredis';

/**
 * BullMQ needs different options for the two kinds of connection (bullmq docs, going to production):
 * workers block and must retry forever; producers inside HTTP handlers must fail fast rather than
 * queue commands in memory while Redis is away.
 */
export function createRedis(url: string, kind: 'worker' | 'producer'): Redis {
  const options: RedisOptions =
    kind === 'worker'
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5000 };
  const redis = new Redis(url, { ...options, lazyConnect: false });
  return redis;
}
