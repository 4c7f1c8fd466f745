import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { request } from 'undici';
import { expect, inject } from 'vitest';
import { runMigrations } from '../../db/migrate.ts';
import { runSandboxMigrations } from '../../sandbox/db/migrate.ts';
import { seedReference } from '../../db/seed/reference.ts';
import { startWorkers, type Workers } from '../../jobs/worker.ts';
import { buildServer } from '../../src/build.ts';
import { createDb } from '../../src/db.ts';
import type { RuntimeConfigPatch } from '../../sandbox/config.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.ts';
import { bearer } from './http.ts';
import { buildTestApp, createScratchDatabase, dropDatabase, testConfig } from './app.ts';
import { makeSeller, makeUser, type TestUser } from './fixtures.ts';
import { control as sandboxControl } from './postmart.ts';

/**
 * A whole listing-sync world for one test file: its own database (the outbox relay drains every
 * outbox row it can see, so sharing the run's database would sync other files' products), the
 * Postmart sandbox on that database, the API, the workers on a queue prefix of their own, and a
 * seller whose shop is connected through the real OAuth flow.
 */
export type World = {
  url: string;
  app: FastifyInstance;
  sandbox: RunningSandbox;
  /** In-process workers, unless the test runs its own worker processes. */
  workers: Workers | null;
  /** The environment the app was built with, for worker processes the test starts itself. */
  env: Record<string, string>;
  admin: TestUser;
  partnerId: string;
  control: <T = any>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) => Promise<T>;
  connectSeller: () => Promise<{ sellerId: string; shopId: string; manager: TestUser }>;
  /** Connects an existing seller (one registered at a counter) to a new sandbox shop: its shop id. */
  connectShop: (sellerId: string, name: string) => Promise<string>;
  close: () => Promise<void>;
};

/** `logStream`: the API's and the in-process workers' logs go there, at debug level (the log-scan test reads them). */
export async function startWorld(
  sandboxConfig: RuntimeConfigPatch = {},
  env: Record<string, string> = {},
  opts: { inProcessWorkers?: boolean; logStream?: NodeJS.WritableStream } = {},
): Promise<World> {
  const run = randomBytes(3).toString('hex');
  const url = await createScratchDatabase(`ls_${run}`);
  await runMigrations(url);
  await runSandboxMigrations(url);
  const ref = createDb(url, 1);
  await seedReference(ref.db);
  await ref.pool.end();

  const sandbox = await startSandbox({
    databaseUrl: url,
    port: 0,
    log: false,
    pollIntervalMs: 50,
    config: { review_delay_ms: 60_000, order_visibility_delay_ms: 0, rate_limit: { per_second: 10_000, burst: 10_000 }, webhook_retry_factor: 0.001, ...sandboxConfig },
  });
  const control = <T = any>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) => sandboxControl<T>(sandbox, method, path, body);
  const { partner_id: partnerId, partner_key: partnerKey } = await control('POST', '/partners', { name: 'Connector under test' });
  const prefix = inject('queuePrefix').replace(/\}$/, `-ls${run}}`);
  // The API listens for real, so the sandbox can deliver webhooks to it.
  const port = await freePort();
  const overrides = {
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: url,
    QUEUE_PREFIX: prefix,
    POSTMART_BASE_URL: `${sandbox.url}/api/v1`,
    POSTMART_PARTNER_ID: partnerId,
    POSTMART_PARTNER_KEY: partnerKey,
    POSTMART_RATE_PER_SECOND: '1000',
    POSTMART_RATE_BURST: '1000',
    ...env,
  };
  const app = opts.logStream ? await buildServer(testConfig({ ...overrides, LOG_LEVEL: 'debug' }), { logger: { stream: opts.logStream } }) : await buildTestApp(overrides);
  await app.listen({ host: '127.0.0.1', port });
  await control('PUT', `/partners/${partnerId}/webhook`, { url: `http://127.0.0.1:${port}/v1/webhooks/postmart` });
  const workerLog = opts.logStream ? pino({ level: 'debug' }, opts.logStream) : pino({ level: process.env.TEST_WORKER_LOG ?? 'silent' });
  const workers = opts.inProcessWorkers === false ? null : await startWorkers(testConfig(overrides), workerLog);
  const admin = await makeUser(app, 'admin');

  /** A sandbox shop for the seller, connected through the OAuth flow as the seller would (the admin starts it). */
  const connectShop = async (sellerId: string, name: string) => {
    await control('POST', '/shops', { partner_id: partnerId, name });
    const start = await app.inject({ method: 'POST', url: `/v1/sellers/${sellerId}/postmart/connect`, headers: bearer(admin) });
    // Under injected faults the browser's authorize GET may fail; a person would simply try again.
    let back: URL | null = null;
    for (let attempt = 0; attempt < 20 && !back; attempt++) {
      const redirect = await request(start.json().authorizeUrl, { method: 'GET' }).catch(() => null);
      if (!redirect) continue;
      await redirect.body.dump();
      if (redirect.statusCode === 302) back = new URL(String(redirect.headers.location));
    }
    if (!back) throw new Error('authorize never redirected');
    const done = await app.inject({ url: `${back.pathname}${back.search}` });
    expect(done.statusCode).toBe(200);
    return done.json().shopId as string;
  };

  const connectSeller = async () => {
    const seller = await makeSeller(app);
    const shopId = await connectShop(seller.id, seller.name);
    const manager = await makeUser(app, 'seller_manager', { sellerId: seller.id });
    return { sellerId: seller.id, shopId, manager };
  };

  return {
    url,
    app,
    sandbox,
    workers,
    env: overrides,
    admin,
    partnerId,
    control,
    connectSeller,
    connectShop,
    close: async () => {
      await workers?.close();
      await app.close();
      await sandbox.close();
      await dropDatabase(url);
    },
  };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}
