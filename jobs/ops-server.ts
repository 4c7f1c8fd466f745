import { createHash, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { registry } from '../src/metrics/registry.ts';

export type Check = { status: 'ok' | 'fail'; error?: string };
/** Named checks, all of which must be ok for the process to be ready. */
export type Readiness = () => Promise<Record<string, Check>>;

export type OpsServer = { port: number; close: () => Promise<void> };

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * The watch endpoints of a process that has no API: GET /health (alive), GET /ready (every check
 * ok, else 503) and GET /metrics (this process's registry: its job durations and failures, queue
 * counts, Node.js process metrics), the same answers the API gives on its own port. A bare
 * node:http server, not Fastify: three fixed routes, nothing to validate. METRICS_TOKEN guards
 * /metrics as it does on the API.
 */
export async function startOpsServer(opts: { host: string; port: number; metricsToken: string | null; readiness: Readiness; log: Logger }): Promise<OpsServer> {
  const expected = opts.metricsToken ? digest(opts.metricsToken) : null;
  const send = (res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8') => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, JSON.stringify({ error: { code: 'METHOD_NOT_ALLOWED' } }));
    if (path === '/health') return send(res, 200, JSON.stringify({ status: 'ok' }));
    if (path === '/ready') {
      const checks = await opts.readiness();
      const ok = Object.values(checks).every((c) => c.status === 'ok');
      return send(res, ok ? 200 : 503, JSON.stringify({ status: ok ? 'ok' : 'fail', ...checks }));
    }
    if (path === '/metrics') {
      if (expected) {
        const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        if (!given || !timingSafeEqual(digest(given), expected)) return send(res, 401, JSON.stringify({ error: { code: 'UNAUTHENTICATED' } }));
      }
      return send(res, 200, await registry.metrics(), registry.contentType);
    }
    return send(res, 404, JSON.stringify({ error: { code: 'ROUTE_NOT_FOUND' } }));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      opts.log.error({ err, url: req.url }, 'ops endpoint failed');
      if (!res.headersSent) send(res, 500, JSON.stringify({ error: { code: 'INTERNAL' } }));
    });
  });
  server.listen(opts.port, opts.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  opts.log.info({ port }, 'health, readiness and metrics served');
  let closed: Promise<void> | null = null;
  return {
    port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      })),
  };
}

/** Runs a check with a time limit: a worker connection retries forever, so a ping to a dead Redis never settles by itself. */
export async function check(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)))]);
    return { status: 'ok' };
  } catch (err) {
    return { status: 'fail', error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
