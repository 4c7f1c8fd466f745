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
  close: () => Promise<void>;
};

export async function startWorld(sandboxConfig: RuntimeConfigPatch = {}, env: Record<string, string> = {}, opts: { inProcessWorkers?: boolean } = {}): Promise<World> {
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
  const app = await buildTestApp(overrides);
  await app.listen({ host: '127.0.0.1', port });
  await control('PUT', `/partners/${partnerId}/webhook`, { url: `http://127.0.0.1:${port}/v1/webhooks/postmart` });
  const workers = opts.inProcessWorkers === false ? null : await startWorkers(testConfig(overrides), pino({ level: process.env.TEST_WORKER_LOG ?? 'silent' }));
  const admin = await makeUser(app, 'admin');

  const connectSeller = async () => {
    const seller = await makeSeller(app);
    await control('POST', '/shops', { partner_id: partnerId, name: seller.name });
    const start = await app.inject({ method: 'POST', url: `/v1/sellers/${seller.id}/postmart/connect`, headers: bearer(admin) });
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
    const manager = await makeUser(app, 'seller_manager', { sellerId: seller.id });
    return { sellerId: seller.id, shopId: done.json().shopId as string, manager };
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
