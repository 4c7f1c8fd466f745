import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';

type Limit = {
  /** Names the counter (several limits may apply to one request). */
  name: string;
  /** Requests allowed per minute for one key. */
  perMinute: number;
  /** Whose requests are counted together; null: this request is not counted. */
  key: (req: FastifyRequest) => string | null;
  /** The error answered past the limit; RATE_LIMITED by default. */
  error?: (retryAfterSeconds: number) => AppError;
};
type Hook = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * A preHandler counting requests in Redis, shared by every API replica: past `perMinute` for one
     * key it answers 429 with Retry-After. If Redis is unreachable the request is served (a limit is
     * protection, not a dependency).
     */
    limit: (limit: Limit) => Hook;
    /**
     * Runs `work` while holding a Redis lock named `name`; a second caller meanwhile gets `busy`.
     * Without Redis the work runs unguarded.
     */
    oneAtATime: <T>(name: string, busy: () => AppError, work: () => Promise<T>) => Promise<T>;
  }
}

/** The longest an import may hold its lock; it is released as soon as the import ends. */
const LOCK_MS = 5 * 60_000;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export default fp(
  async (app) => {
    await app.register(rateLimit, { global: false, redis: app.redis, nameSpace: `${app.config.queuePrefix}:limits:`, skipOnError: true });
    const lockPrefix = `${app.config.queuePrefix}:locks:`;

    app.decorate('limit', (limit: Limit): Hook => {
      const check = app.createRateLimit({ max: limit.perMinute, timeWindow: 60_000, keyGenerator: (req) => `${limit.name}|${limit.key(req) ?? ''}` });
      return async (req, reply) => {
        if (limit.key(req) === null) return;
        const r = await check(req);
        if (r.isAllowed || !r.isExceeded) return;
        const seconds = Math.max(1, r.ttlInSeconds);
        reply.header('retry-after', String(seconds));
        throw limit.error?.(seconds) ?? new AppError('RATE_LIMITED', { seconds });
      };
    });

    app.decorate('oneAtATime', async <T>(name: string, busy: () => AppError, work: () => Promise<T>): Promise<T> => {
      const key = `${lockPrefix}${name}`;
      const token = `${process.pid}:${Math.random().toString(36).slice(2)}`;
      const got = await app.redis.set(key, token, 'PX', LOCK_MS, 'NX').catch(() => 'unavailable' as const);
      if (got === null) throw busy();
      try {
        return await work();
      } finally {
        if (got === 'OK') await app.redis.eval(RELEASE, 1, key, token).catch(() => undefined);
      }
    });
  },
  { name: 'limits', dependencies: ['infra'] },
);
