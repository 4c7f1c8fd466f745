import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { runSandboxMigrations } from './db/migrate.ts';
import sandboxApp from './app.ts';
import { DEFAULT_RUNTIME_CONFIG, DEFAULT_SETTINGS, mergeConfig, type RuntimeConfigPatch, type SandboxSettings } from './config.ts';
import { createSandboxDb } from './db.ts';
import { SandboxRuntime } from './runtime.ts';
import { readCommunes } from './db/communes.ts';
import { seedPostOffices } from './services/post-offices.ts';

export type SandboxOptions = Partial<Omit<SandboxSettings, 'allowReset'>> & {
  databaseUrl: string;
  /** POST /sandbox/reset is refused unless this is true. */
  allowReset?: boolean;
  /** A pino logger, or false for none. */
  log?: Logger | false;
  /** Apply db/sandbox/migrations first (tests run them once in global set-up instead). */
  migrate?: boolean;
  /** The starting run-time config, in the same words as PUT /sandbox/config. */
  config?: RuntimeConfigPatch;
  /** Source of randomness for faults, delays and generated data (tests may fix it). */
  random?: () => number;
};

export type StartSandboxOptions = SandboxOptions & { port?: number; host?: string };
export type RunningSandbox = { url: string; app: FastifyInstance; close: () => Promise<void> };

/** Builds the sandbox (not listening): opens its pool, seeds the demo post offices, wires the background work. */
export async function buildSandbox(opts: SandboxOptions): Promise<FastifyInstance> {
  const log = opts.log || pino({ level: 'silent' });
  const settings: SandboxSettings = Object.freeze({
    ...DEFAULT_SETTINGS,
    ...Object.fromEntries(Object.entries(opts).filter(([k, v]) => k in DEFAULT_SETTINGS && v !== undefined)),
    allowReset: opts.allowReset ?? false,
  });
  const config = mergeConfig(DEFAULT_RUNTIME_CONFIG, opts.config ?? {});
  if (opts.migrate) await runSandboxMigrations(opts.databaseUrl);

  const { pool, db } = createSandboxDb(opts.databaseUrl, settings.poolSize);
  let runtime: SandboxRuntime;
  try {
    await seedPostOffices(db);
    const communes = (await readCommunes()).map((c) => ({ code: c.code, name: c.name, type: c.type }));
    runtime = new SandboxRuntime({ db, pool, settings, config, log: log.child({ component: 'sandbox' }), random: opts.random ?? Math.random, communes });
  } catch (err) {
    await pool.end();
    throw err;
  }

  // Typed as the default instance: the route plugins bring their own TypeBox type provider.
  const app = Fastify({
    ...(opts.log ? { loggerInstance: opts.log.child({ component: 'sandbox-http' }) } : { logger: false }),
    genReqId: () => `req_${randomUUID().replace(/-/g, '')}`,
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
    // A load test or the generator makes thousands of calls; per-request lines would drown the connector's logs.
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;
  await sandboxApp(app, { runtime });
  app.addHook('onReady', async () => runtime.start());
  // One owner closes what it opened: background work first, then the pool it uses.
  app.addHook('onClose', async () => {
    await runtime.stop();
    await pool.end();
  });
  return app;
}

/** Builds and listens; `url` is the base (append /api/v1 or /sandbox). */
export async function startSandbox(opts: StartSandboxOptions): Promise<RunningSandbox> {
  const app = await buildSandbox(opts);
  const host = opts.host ?? '127.0.0.1';
  try {
    await app.listen({ port: opts.port ?? 4010, host });
  } catch (err) {
    await app.close();
    throw err;
  }
  const { port } = app.server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return { url: `http://${shown}:${port}`, app, close: () => (closing ??= app.close()) };
}
