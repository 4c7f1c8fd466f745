import helmet from '@fastify/helmet';
import underPressure from '@fastify/under-pressure';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';

/** Seconds an overloaded API asks clients to wait (Retry-After). */
export const OVERLOAD_RETRY_AFTER_SECONDS = 10;

/**
 * Pages served by this process (Swagger UI at /docs, bull-board at /admin/queues) load only their
 * own scripts; both set inline styles and data: images, and neither may be framed. The monitoring
 * dashboard sets its own stricter policy (src/routes/dashboard/index.ts). bull-board asks for a web
 * font from another origin: the CSP refuses it and the board falls back to system fonts.
 */
const CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

/** Liveness answers even under pressure: a load balancer must not kill a busy process. */
const exempt = (req: FastifyRequest) => req.url === '/health' || req.url.startsWith('/health?');

/**
 * Security headers on every answer (@fastify/helmet: nosniff, frame denial, CSP, no referrer),
 * `Cache-Control: no-store` on API answers (they carry personal data and tokens), and load
 * shedding (@fastify/under-pressure): past the event-loop delay or heap limit of the config, new
 * requests answer 503 with Retry-After instead of piling up until the process dies.
 */
export default fp(
  async (app) => {
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: CSP,
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      // HSTS only means something over https; a development instance on http must not pin it.
      hsts: app.config.publicUrl.startsWith('https://') ? { maxAge: 15552000 } : false,
      crossOriginEmbedderPolicy: false,
    });
    app.addHook('onSend', async (req, reply) => {
      if (req.url.startsWith('/v1/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    });

    const { maxEventLoopDelayMs, maxHeapUsedBytes } = app.config.pressure;
    await app.register(underPressure, {
      maxEventLoopDelay: maxEventLoopDelayMs,
      maxHeapUsedBytes,
      retryAfter: OVERLOAD_RETRY_AFTER_SECONDS,
      exposeStatusRoute: false,
      // under-pressure sends what this returns (its types say void) and serves the request when it returns nothing.
      pressureHandler: ((req: FastifyRequest, reply: FastifyReply, type: string) => {
        if (exempt(req)) return undefined; // served as usual
        req.log.warn({ pressure: type }, 'shedding load');
        const err = new AppError('OVERLOADED', { seconds: OVERLOAD_RETRY_AFTER_SECONDS });
        void reply.status(err.status).header('retry-after', String(OVERLOAD_RETRY_AFTER_SECONDS));
        return { error: { code: err.code, message: err.messageIn(req.lang ?? 'vi') } };
      }) as unknown as () => void,
    });
  },
  { name: 'protection', dependencies: ['infra', 'errors'] },
);
