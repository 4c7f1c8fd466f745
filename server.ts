import closeWithGrace from 'close-with-grace';
import { pino, type Logger } from 'pino';
import { describeDemoAccounts, prepareDatabase } from './src/bootstrap.ts';
import { buildServer } from './src/build.ts';
import { ConfigError, loadConfig, type Config } from './src/config.ts';
import { createDb } from './src/db.ts';
import { loggerOptions } from './src/lib/logger.ts';
import { connectDemoShops } from './src/postmart/demo-connect.ts';

type Closer = { name: string; close: () => Promise<unknown> };

async function connectDemoShopsWhenReady(config: Config, log: Logger): Promise<void> {
  const { pool, db } = createDb(config.databaseUrl, 2, 'dtpc-bootstrap');
  try {
    await connectDemoShops(config, db, log);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not set up the demo shops on the Postmart sandbox; start the sandbox role and restart');
  } finally {
    await pool.end();
  }
}

/**
 * One entry point, several roles (ROLES=all|api,worker,sandbox). `all` runs everything in one
 * process for a single machine; a scaled deployment runs API and worker replicas separately,
 * sharing PostgreSQL and Redis.
 */
async function main(config: Config): Promise<void> {
  const log = pino(loggerOptions(config.logLevel, config.logFormat));
  if (config.migrateOnStart) await prepareDatabase(config, log);

  const closers: Closer[] = [];
  const urls: string[] = [];
  // What this process was doing, for the log line of an uncaught error that takes it down.
  const busy: { requests?: () => unknown[]; jobs?: () => unknown[] } = {};

  if (config.roles.includes('sandbox')) {
    // The Postmart sandbox (docs/postmart-sandbox.md) starts first, so an API in the same process can reach it.
    // Loaded only for this role: the product never imports the sandbox (sandbox/, docs/postmart-sandbox.md).
    const { loadSandboxEnv } = await import('./sandbox/config.ts');
    const { startSandbox } = await import('./sandbox/server.ts');
    const sandbox = await startSandbox({
      ...loadSandboxEnv(),
      port: config.sandboxPort,
      host: config.host,
      databaseUrl: config.databaseUrl,
      migrate: config.migrateOnStart,
      log: log.child({ component: 'sandbox' }),
    });
    closers.push({ name: 'sandbox', close: sandbox.close });
    urls.push(`Sandbox API  ${sandbox.url}/api/v1`, `Sandbox ctl  ${sandbox.url}/sandbox`);
  }
  if (config.migrateOnStart && config.postmartIsSandbox) {
    // The demo's partner app, webhook and connected shops; a sandbox in another process may not be up yet.
    await connectDemoShopsWhenReady(config, log.child({ component: 'postmart-demo' }));
  }
  if (config.roles.includes('worker')) {
    const { startWorkers } = await import('./jobs/worker.ts');
    const workers = await startWorkers(config, log.child({ component: 'worker' }));
    closers.push({ name: 'workers', close: workers.close });
    busy.jobs = workers.activeJobs;
    if (!config.roles.includes('api')) {
      // A worker-only process is watched on its own port (with the API, the API port serves these).
      const { startOpsServer } = await import('./jobs/ops-server.ts');
      const ops = await startOpsServer({ host: config.host, port: config.workerHttpPort, metricsToken: config.metricsToken, readiness: workers.readiness, log: log.child({ component: 'worker-http' }) });
      // Closed after the workers (closers run in reverse), so /ready reports the shutdown while it lasts.
      closers.splice(closers.length - 1, 0, { name: 'worker-http', close: ops.close });
      urls.push(`Worker       http://${config.host}:${ops.port}/health, /ready, /metrics`);
    }
  }
  if (config.roles.includes('api')) {
    const api = await buildServer(config);
    await api.listen({ host: config.host, port: config.port });
    closers.push({ name: 'api', close: () => api.close() });
    busy.requests = api.inFlightRequests;
    urls.push(`API          ${config.publicUrl}/v1`, `API docs     ${config.publicUrl}/docs`, `OpenAPI      ${config.publicUrl}/openapi.json`, `Dashboard    ${config.publicUrl}/dashboard`, `Seller app   ${config.publicUrl}/app/`, `Counter app  ${config.publicUrl}/counter/`);
  }

  // Close in reverse order of start; in-flight requests and jobs finish first.
  closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
    if (err) log.fatal({ err, inFlightRequests: busy.requests?.(), activeJobs: busy.jobs?.() }, 'shutting down after an uncaught error');
    else log.info({ signal }, 'shutting down');
    for (const c of closers.reverse()) {
      await c.close().catch((e: unknown) => log.error({ err: e, component: c.name }, 'close failed'));
    }
  });

  const banner = [`Đồng Tháp Postmart Connector is running (roles: ${config.roles.join(', ')})`, ...urls.map((u) => `  ${u}`)];
  if (config.seedDemo && config.env !== 'production' && config.roles.includes('api')) {
    banner.push('  Demo accounts (role, phone / password):', describeDemoAccounts());
  }
  process.stdout.write(`\n${banner.join('\n')}\n\n`);
}

try {
  await main(loadConfig());
} catch (err) {
  if (err instanceof ConfigError || (err instanceof Error && err.name === 'ConfigError')) {
    process.stderr.write(`${err.message}\nFix the variables above (see the configuration table in README.md) and start again.\n`);
    process.exit(78); // EX_CONFIG
  }
  process.stderr.write(`Start-up failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}
