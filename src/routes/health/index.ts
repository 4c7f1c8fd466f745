import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { publicRoute } from '../docs.ts';

const Check = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('fail')]), error: Type.Optional(Type.String()) });

async function check(fn: () => Promise<unknown>): Promise<{ status: 'ok' | 'fail'; error?: string }> {
  try {
    await fn();
    return { status: 'ok' };
  } catch (err) {
    return { status: 'fail', error: (err as Error).message };
  }
}

const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      logLevel: 'warn',
      schema: {
        tags: ['ops'],
        summary: 'Liveness: the process is up',
        operationId: 'getHealth',
        ...publicRoute(),
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      logLevel: 'warn',
      schema: {
        tags: ['ops'],
        summary: 'Readiness: PostgreSQL and Redis answer',
        operationId: 'getReadiness',
        ...publicRoute('503 while either dependency is unreachable.'),
        response: {
          200: Type.Object({ status: Type.Literal('ok'), postgres: Check, redis: Check }),
          503: Type.Object({ status: Type.Literal('fail'), postgres: Check, redis: Check }),
        },
      },
    },
    async (_req, reply) => {
      const [postgres, redis] = await Promise.all([check(() => app.pool.query('SELECT 1')), check(() => app.redis.ping())]);
      const ok = postgres.status === 'ok' && redis.status === 'ok';
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'fail', postgres, redis });
    },
  );
};
export default health;
