import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import app from './app.ts';
import type { Config } from './config.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * One log line per request, written when it completes, with what the two default lines carried
 * (method, URL, status, time): the "incoming request" line doubled the logging cost of every call.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

/** Builds the API server (not listening). Tests call this with their own config. */
/**
 * `now` is the server's clock for "today" (reports' this month, today's pickup load): tests pass a
 * fixed instant so data seeded "today" stays today even when the run crosses Vietnam midnight.
 */
export async function buildServer(config: Config, opts: { logger?: boolean; now?: () => Date } = {}): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.body.password'],
          },
    logController: new OneLinePerRequest(),
    // Honour a caller's X-Request-Id (a proxy or the dashboard) so one id follows a request end to end.
    requestIdHeader: 'x-request-id',
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: {
      // Reject unknown properties (additionalProperties: false) instead of silently dropping them.
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();
  fastify.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  // fp() so the app's decorators (db, pool, redis, jwt, forgetPrincipal…) are visible on the returned
  // instance: tests, scripts and the server reach them there (the fastify/demo server.ts pattern).
  await fastify.register(fp(app, { name: 'app' }), { config, ...(opts.now ? { now: opts.now } : {}) });
  return fastify;
}
