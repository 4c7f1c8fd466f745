import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { checkRedisForBullmq } from '../queues/redis-check.ts';
import { createQueues, type Queues } from '../queues/create-queues.ts';
import { createRedis } from '../redis.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Producer handles on every BullMQ queue (jobs/queues.ts), for routes, the dashboard and /metrics. */
    queues: Queues;
  }
}

/**
 * The API's BullMQ queues on a connection of their own (BullMQ takes over the connection it is
 * given, so it is not app.redis), made the producer way: no offline queue, so adding a job while
 * Redis is away fails the request instead of piling up in memory (bullmq: going to production).
 */
export default fp(
  async (app) => {
    const log = app.log.child({ component: 'queues' });
    const connection = createRedis(app.config.redisUrl, 'producer');
    connection.on('error', (err) => log.warn({ err: err.message }, 'queue redis connection error'));
    // Checked once the connection is up (a command sent before that fails at once without an
    // offline queue), in the background: a misconfigured or unreachable Redis warns, never stops start-up.
    connection.once('ready', () => void checkRedisForBullmq(connection, log as unknown as Logger));

    const queues = createQueues(app.config, connection);
    for (const q of queues.list) q.on('error', (err) => log.warn({ err: err.message, queue: q.name }, 'queue error'));
    app.decorate('queues', queues);
    app.addHook('onClose', async () => {
      await queues.close();
      await connection.quit().catch(() => connection.disconnect());
    });
  },
  { name: 'queues', dependencies: ['infra'] },
);
