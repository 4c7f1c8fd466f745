import type { RedisConnection } from '../redis.ts';
import type { Logger } from 'pino';

/**
 * BullMQ loses jobs if Redis evicts its keys; anything but noeviction is a misconfiguration
 * (bullmq docs: going to production). Warn loudly rather than refuse, since managed Redis
 * services sometimes hide CONFIG.
 */
export async function checkRedisForBullmq(redis: RedisConnection, log: Logger): Promise<void> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy !== 'noeviction') {
      log.warn(
        { policy },
        `Redis maxmemory-policy is "${policy}"; BullMQ requires "noeviction" or queued jobs can be silently lost. Run: redis-cli CONFIG SET maxmemory-policy noeviction`,
      );
    }
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not read Redis maxmemory-policy (CONFIG GET refused); make sure it is noeviction');
  }
}
