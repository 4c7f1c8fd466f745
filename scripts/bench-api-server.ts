/**
 * The servers under test for scripts/bench-api.ts, run in their own process so the load generator
 * does not share this event loop:
 *
 * - the real API, built exactly as production builds it (buildServer(loadConfig(env)));
 * - a bare Fastify instance on the SAME pg pool (app.pool) with one route that runs the exact SQL
 *   the product list runs for ?limit=50 and answers JSON.stringify(rows): no auth, no hooks,
 *   no schema, no logger. It is the floor the product list is compared against.
 *
 * When both listen it writes one line to stdout: {"bench":"ready",...}. Logs of the real API also go
 * to stdout (pino), as in production; the parent drains them. It exits on SIGTERM/SIGINT or when
 * its stdin closes (the parent died).
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { QueryConfig } from 'pg';
import { buildServer } from '../src/build.ts';
import { loadConfig } from '../src/config.ts';
import type { Principal } from '../src/services/accounts/access.ts';
import { listProducts } from '../src/services/catalog/products.ts';

export type ReadyMessage = {
  bench: 'ready';
  productsUrl: string;
  bareUrl: string;
  cpuUrl: string;
  sql: string;
  params: unknown[];
};

const BARE_PATH = '/bare/products';
const CPU_PATH = '/bare/cpu-usage';
const LIMIT = 50;

// The product list never calls Postmart, and production refuses to start without a Postmart address
// (config.ts): a closed local port stands in for it.
const app = await buildServer(loadConfig({ POSTMART_BASE_URL: 'http://127.0.0.1:9/api/v1', ...process.env, PORT: '0', HOST: '127.0.0.1' }));
await app.ready();

// buildServer registers the app with fastify-plugin, so infra's `pool` and `db` are on the root.
if (!app.hasDecorator('pool') || !app.hasDecorator('db')) {
  throw new Error('buildServer() returned an instance without the pool/db decorators: is src/app.ts still registered with fp()?');
}

// Capture the statement listProducts really sends for an admin asking ?limit=50, rather than
// re-writing it by hand, so the bare route cannot drift from the service.
const BENCH_ADMIN: Principal = { id: '00000000-0000-7000-8000-000000000000', role: 'admin', name: 'bench', sellerId: null, pickupPointId: null };
const pool = app.pool;
const original = pool.query;
const captured: { text: string; values: unknown[] }[] = [];
pool.query = function (this: typeof pool, ...args: unknown[]) {
  const [config, values] = args as [QueryConfig | string, unknown[] | undefined];
  captured.push({ text: typeof config === 'string' ? config : config.text, values: values ?? (typeof config === 'string' ? [] : (config.values ?? [])) });
  return (original as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pool.query;
try {
  await listProducts(app.db, BENCH_ADMIN, { limit: LIMIT });
} finally {
  pool.query = original;
}
if (captured.length !== 1) throw new Error(`expected listProducts to run 1 query, it ran ${captured.length}`);
const { text: sql, values: params } = captured[0]!;

const bare = Fastify({ logger: false });
bare.get(BARE_PATH, async (_req, reply) => {
  const { rows } = await pool.query(sql, params);
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(rows));
});

// The parent reads this process's CPU time before and after each run: CPU per request is far less
// sensitive than req/s to other load on the machine (PostgreSQL, the load generator, other jobs).
bare.get(CPU_PATH, async () => process.cpuUsage());

await app.listen({ host: '127.0.0.1', port: 0 });
await bare.listen({ host: '127.0.0.1', port: 0 });
const port = (f: { server: { address: () => unknown } }) => (f.server.address() as AddressInfo).port;

let closing = false;
async function shutdown(code: number): Promise<void> {
  if (closing) return;
  closing = true;
  // The bare instance borrows app.pool, so it closes first; app.close() ends the pool.
  await bare.close().catch(() => {});
  await app.close().catch(() => {});
  process.exit(code);
}
process.once('SIGTERM', () => void shutdown(0));
process.once('SIGINT', () => void shutdown(0));
process.stdin.on('end', () => void shutdown(0));
process.stdin.resume();

const ready: ReadyMessage = {
  bench: 'ready',
  productsUrl: `http://127.0.0.1:${port(app)}/v1/products?limit=${LIMIT}`,
  bareUrl: `http://127.0.0.1:${port(bare)}${BARE_PATH}`,
  cpuUrl: `http://127.0.0.1:${port(bare)}${CPU_PATH}`,
  sql,
  params,
};
process.stdout.write(`${JSON.stringify(ready)}\n`);
