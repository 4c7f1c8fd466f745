import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';
import { httpRequestDuration, registry, trackOverdueOrders, trackParcelsToReturn, trackQueues } from '../metrics/registry.ts';
import { overdueBySeller } from '../services/orders/orders.ts';
import { countParcelsToReturn } from '../services/fulfillment/pickup-parcels.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * GET /metrics in the Prometheus text format: process metrics, HTTP request durations per route,
 * the queues' job counts (read at scrape time) and, when workers run in this process, job durations and failures
 * (src/metrics/registry.ts). With METRICS_TOKEN set, scrapers must send it as a bearer token;
 * unset, the endpoint is open (bind the API to a private network or set the token).
 * Not part of the API contract, so hidden from OpenAPI.
 */
export default fp(
  async (app) => {
    const expected = app.config.metricsToken ? digest(app.config.metricsToken) : null;
    const untrack = trackQueues(app.queues.list);
    const untrackParcels = trackParcelsToReturn(() => countParcelsToReturn(app.db));
    const untrackOverdue = trackOverdueOrders(() => overdueBySeller(app.db));
    app.addHook('onClose', async () => {
      untrack();
      untrackOverdue();
      untrackParcels();
    });

    // Per route, at the response: reply.elapsedTime is the time since the request arrived.
    app.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? '(unmatched)';
      httpRequestDuration.observe({ method: req.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });

    app.get('/metrics', { logLevel: 'warn', schema: { hide: true } }, async (req, reply) => {
      if (expected) {
        const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        // Compared as fixed-length digests, in constant time.
        if (!given || !timingSafeEqual(digest(given), expected)) throw new AppError('UNAUTHENTICATED');
      }
      const body = await registry.metrics();
      return reply.header('cache-control', 'no-store').type(registry.contentType).send(body);
    });
  },
  { name: 'metrics', dependencies: ['infra', 'queues', 'errors'] },
);
