import fp from 'fastify-plugin';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { createDb, type Db } from '../db.ts';
import { createRedis, type RedisConnection } from '../redis.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    pool: pg.Pool;
    /** Producer connection: fails fast instead of buffering while Redis is down. */
    redis: RedisConnection;
  }
}

/** Opens the PostgreSQL pool and the Redis connection this app owns, and closes them with it. */
export default fp(
  async (app, opts: { config: Config }) => {
    const { pool, db } = createDb(opts.config.databaseUrl, opts.config.databasePoolSize, 'dtpc-api');
    const redis = createRedis(opts.config.redisUrl, 'producer');
    redis.on('error', (err) => app.log.warn({ err: err.message }, 'redis connection error'));
    app.decorate('config', opts.config);
    app.decorate('db', db);
    app.decorate('pool', pool);
    app.decorate<RedisConnection>('redis', redis);
    app.addHook('onClose', async () => {
      // quit() is refused while Redis has been unreachable; disconnect() then stops the reconnect loop.
      await Promise.allSettled([redis.quit().catch(() => redis.disconnect()), pool.end()]);
    });
  },
  { name: 'infra' },
);
