import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import app from './app.ts';
import type { Config } from './config.ts';
import { loggerOptions } from './lib/logger.ts';
import { clientErrorHandler, frameworkError } from './plugins/framework-errors.ts';
import { buildValidators } from './plugins/validators.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
/** The longest a request may take to arrive (headers and body); documented in README's Operations. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** Query parameters that carry secrets (the OAuth callback's one-time code and state); logged as ***. */
const SECRET_PARAMS = /([?&](?:code|state|token|access_token|refresh_token)=)[^&]*/gi;
export const loggableUrl = (url: string) => url.replace(SECRET_PARAMS, '$1***');

/**
 * One log line per request, written when it completes, with what the two default lines carried
 * (method, URL, status, time): the "incoming request" line doubled the logging cost of every call.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: loggableUrl(request.url), statusCode: reply.statusCode, responseTime: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

export type InFlightRequest = { reqId: string; method: string; url: string; ms: number };

declare module 'fastify' {
  interface FastifyInstance {
    /** The requests being served right now, oldest first: logged when the process dies (server.ts). */
    inFlightRequests: () => InFlightRequest[];
  }
}

/** Builds the API server (not listening). Tests call this with their own config. */
/**
 * `now` is the server's clock for "today" (reports' this month, today's pickup load): tests pass a
 * fixed instant so data seeded "today" stays today even when the run crosses Vietnam midnight.
 * `onRoute` sees every route as it is added (tests walk the whole route table with it).
 */
export async function buildServer(
  config: Config,
  opts: { logger?: boolean | { stream: NodeJS.WritableStream }; now?: () => Date; onRoute?: (route: RouteOptions) => void } = {},
): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            ...loggerOptions(config.logLevel, config.logFormat),
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.body.password'],
            ...(typeof opts.logger === 'object' ? { stream: opts.logger.stream } : {}),
          },
    logController: new OneLinePerRequest(),
    // Honour a caller's X-Request-Id (a proxy or the dashboard) so one id follows a request end to end.
    requestIdHeader: 'x-request-id',
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Bodies are validated without type coercion, query strings and params with it (src/plugins/validators.ts).
    schemaController: { compilersFactory: { buildValidator: buildValidators() } },
    // JSON bodies are small (the largest, a product with its certificates and images, is a few kB);
    // CSV imports raise their own limit on their content-type parser (routes/products, routes/pickup-points).
    bodyLimit: 256 * 1024,
    forceCloseConnections: 'idle',
    // A request that has not arrived whole within this time is answered 408 and its socket closed, so a
    // slow client cannot hold a connection (and its memory) forever; idle keep-alive sockets close too.
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionTimeout: REQUEST_TIMEOUT_MS * 2,
    // Errors raised before a route is found (a malformed URL, an over-long path parameter) answer in our error body.
    frameworkErrors: frameworkError,
    // And so do errors the HTTP parser raises before Fastify sees a request (431, 400, 408).
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();
  fastify.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  // A Map insertion and deletion per request: cheap enough to always know what was being served
  // when an uncaught error takes the process down.
  // Keyed by the request object: a caller's X-Request-Id need not be unique.
  const inFlight = new Map<FastifyRequest, number>();
  fastify.addHook('onRequest', async (req) => void inFlight.set(req, performance.now()));
  fastify.addHook('onResponse', async (req) => void inFlight.delete(req));
  fastify.addHook('onRequestAbort', async (req) => void inFlight.delete(req));
  fastify.decorate('inFlightRequests', () =>
    [...inFlight].map(([req, since]) => ({ reqId: req.id, method: req.method, url: req.url, ms: Math.round(performance.now() - since) })),
  );
  if (opts.onRoute) fastify.addHook('onRoute', opts.onRoute);
  // fp() so the app's decorators (db, pool, redis, jwt, forgetPrincipal…) are visible on the returned
  // instance: tests, scripts and the server reach them there (the fastify/demo server.ts pattern).
  await fastify.register(fp(app, { name: 'app' }), { config, ...(opts.now ? { now: opts.now } : {}) });
  return fastify;
}
