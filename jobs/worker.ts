import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../src/config.ts';
import { createDb } from '../src/db.ts';
import { createRedis } from '../src/redis.ts';
import { checkRedisForBullmq } from './redis-check.ts';

export type Workers = { close: () => Promise<void> };

/**
 * Starts one BullMQ Worker per queue with its processor and dependencies. The processors arrive
 * with the sync issues; this owns the connections they share and closes them gracefully:
 * in-flight jobs finish before the process exits.
 */
export async function startWorkers(config: Config, log: Logger): Promise<Workers> {
  const connection = createRedis(config.redisUrl, 'worker');
  connection.on('error', (err) => log.warn({ err: err.message }, 'worker redis error'));
  await checkRedisForBullmq(connection, log);
  const { pool } = createDb(config.databaseUrl, config.databasePoolSize, 'dtpc-worker');
  const workers: Worker[] = [];
  for (const w of workers) w.on('error', (err) => log.error({ err, queue: w.name }, 'worker error'));
  log.info({ queues: workers.map((w) => w.name), prefix: config.queuePrefix }, 'workers started');
  let closed: Promise<void> | null = null;
  return {
    close: () =>
      (closed ??= (async () => {
        await Promise.all(workers.map((w) => w.close()));
        await Promise.allSettled([connection.quit(), pool.end()]);
      })()),
  };
}
