// npm run test:smoke:node24: the production build on Node.js 24, as deployed. Installs the npm
// registry's `node@24` package (it ships a node binary) into a cache directory, builds dist/, then
// under that Node 24: the one-shot migrate/seed job, the sandbox (ROLES=sandbox), an API process and a
// worker process (NODE_ENV=production, ROLES=api / ROLES=worker), each on its own ports, on a
// throwaway database and queue prefix. Checks every process's /health, /ready and /metrics, walks one
// order end to end (scripts/demo-flow.ts: a buyer orders in the sandbox, the webhook brings it in,
// the seller confirms and ships, the clerk hands it over), then stops them with SIGTERM and expects
// each to exit cleanly. Logs land in test-artifacts/smoke-node24/.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE_MAJOR = process.env.SMOKE_NODE_MAJOR ?? '24';
const CACHE = process.env.SMOKE_NODE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dtpc', `node${NODE_MAJOR}`);
const LOGS = join(ROOT, 'test-artifacts', `smoke-node${NODE_MAJOR}`);
const PG_BASE = process.env.SMOKE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.SMOKE_REDIS_URL ?? 'redis://127.0.0.1:6379';

const say = (line: string) => process.stdout.write(`[smoke node${NODE_MAJOR}] ${line}\n`);

/** The cached Node binary, installed from the npm registry's `node` package on first use. */
function nodeBinary(): string {
  const bin = join(CACHE, 'node_modules', 'node', 'bin', 'node');
  const version = () => (existsSync(bin) ? spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim() : '');
  if (!version().startsWith(`v${NODE_MAJOR}.`)) {
    say(`installing node@${NODE_MAJOR} from the npm registry into ${CACHE}`);
    mkdirSync(CACHE, { recursive: true });
    const npm = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', CACHE, `node@${NODE_MAJOR}`], { stdio: 'inherit' });
    if (npm.status !== 0) throw new Error(`npm install node@${NODE_MAJOR} failed`);
  }
  const v = version();
  if (!v.startsWith(`v${NODE_MAJOR}.`)) throw new Error(`${bin} is not Node ${NODE_MAJOR} (got "${v}")`);
  say(`using ${bin} ${v}`);
  return bin;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

type Proc = { name: string; child: ChildProcess; exited: Promise<number | null> };

function start(node: string, name: string, script: string, env: Record<string, string>): Proc {
  const log = createWriteStream(join(LOGS, `${name}.log`));
  const child = spawn(node, [script], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, exited };
}

async function getJson(url: string): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(url);
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (an HTML error page, say): the caller reports the text.
  }
  return { status: res.status, body, text };
}

/** Waits until GET url answers 200, or the process dies, or the time is up. */
async function waitReady(proc: Proc, url: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let dead = false;
  void proc.exited.then(() => (dead = true));
  for (;;) {
    if (dead) throw new Error(`${proc.name} exited before ${url} answered (see ${join(LOGS, `${proc.name}.log`)})`);
    const status = await fetch(url).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (Date.now() > until) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last ${status})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function checkEndpoints(name: string, base: string, metric: string): Promise<void> {
  const health = await getJson(`${base}/health`);
  const ready = await getJson(`${base}/ready`);
  const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
  if (health.status !== 200 || health.body?.status !== 'ok') throw new Error(`${name} /health: ${health.status} ${health.text}`);
  if (ready.status !== 200 || ready.body?.status !== 'ok') throw new Error(`${name} /ready: ${ready.status} ${ready.text}`);
  if (!metrics.includes(metric)) throw new Error(`${name} /metrics lacks ${metric}`);
  say(`${name}: /health ok, /ready ${JSON.stringify(ready.body)}, /metrics has ${metric}`);
}

async function main(): Promise<void> {
  mkdirSync(LOGS, { recursive: true });
  const node = nodeBinary();
  say('building dist/ (npm run build)');
  if (spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('npm run build failed');

  const run = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const dbUrl = new URL(PG_BASE);
  dbUrl.pathname = `/dtpc_smoke_${run}`;
  const prefix = `{dtpc-smoke-${run}}`;
  const [apiPort, workerPort, sandboxPort] = [await freePort(), await freePort(), await freePort()];
  const common = {
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    SANDBOX_PORT: String(sandboxPort),
    // The sandbox process stores the partner key sealed with this key; API and worker open it.
    TOKEN_ENCRYPTION_KEY: `smoke-${randomBytes(24).toString('hex')}`,
    JWT_SECRET: `smoke-${randomBytes(24).toString('hex')}`,
    LOG_LEVEL: 'info',
  };
  // API and worker run as in production, against the sandbox as their "real" Postmart; the sandbox
  // itself (refused in production) runs in development, seeds the demo and connects the demo shops.
  const production = {
    ...common,
    NODE_ENV: 'production',
    MIGRATE_ON_START: 'false',
    POSTMART_BASE_URL: `http://127.0.0.1:${sandboxPort}/api/v1`,
  };
  const procs: Proc[] = [];
  try {
    say(`database ${dbUrl.pathname.slice(1)}, queue prefix ${prefix}, ports api ${apiPort} worker ${workerPort} sandbox ${sandboxPort}`);
    const migrate = start(node, 'migrate', 'dist/scripts/db-seed.js', { ...common, NODE_ENV: 'development' });
    if ((await migrate.exited) !== 0) throw new Error(`the migrate job failed (see ${join(LOGS, 'migrate.log')})`);
    say('one-shot migrate/seed job done');

    const sandbox = start(node, 'sandbox', 'dist/server.js', { ...common, NODE_ENV: 'development', ROLES: 'sandbox', MIGRATE_ON_START: 'true', SANDBOX_REVIEW_DELAY_MS: '0' });
    procs.push(sandbox);
    // The sandbox (a development double) has no /health; its control API answering is enough.
    await waitReady(sandbox, `http://127.0.0.1:${sandboxPort}/sandbox/config`);
    const api = start(node, 'api', 'dist/server.js', { ...production, ROLES: 'api' });
    procs.push(api);
    // The worker starts once the API serves: the first listings send photo URLs the API serves, and
    // Postmart's review (the sandbox's) refuses a listing whose photo it cannot download.
    await waitReady(api, `http://127.0.0.1:${apiPort}/ready`);
    const worker = start(node, 'worker', 'dist/server.js', { ...production, ROLES: 'worker', WORKER_HTTP_PORT: String(workerPort) });
    procs.push(worker);
    await waitReady(worker, `http://127.0.0.1:${workerPort}/ready`);
    await checkEndpoints('api', `http://127.0.0.1:${apiPort}`, 'http_request_duration_seconds');
    await checkEndpoints('worker', `http://127.0.0.1:${workerPort}`, 'bullmq_queue_jobs');

    // The demo flow needs a listed product: the worker's first sync after the shops connected.
    const login = await fetch(`http://127.0.0.1:${apiPort}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '0900000003', password: 'demo-seller-2026' }),
    }).then((r) => r.json() as Promise<{ token: string }>);
    const listedBy = Date.now() + 90_000;
    for (;;) {
      const products = await fetch(`http://127.0.0.1:${apiPort}/v1/products?limit=50`, { headers: { authorization: `Bearer ${login.token}` } }).then((r) => r.json() as Promise<{ items: { listingStatus: string }[] }>);
      if (products.items.some((p) => p.listingStatus === 'listed')) break;
      if (Date.now() > listedBy) throw new Error('no demo product was listed on the sandbox within 90 s (see the worker log)');
      await new Promise((r) => setTimeout(r, 500));
    }
    say('the worker listed the demo products on the sandbox; one order end to end:');
    const flow = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo-flow.ts'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, DEMO_API_URL: `http://127.0.0.1:${apiPort}`, DEMO_SANDBOX_URL: `http://127.0.0.1:${sandboxPort}/sandbox` },
    });
    if (flow.status !== 0) throw new Error('the order did not go through end to end (scripts/demo-flow.ts)');
    // The worker's own scrape shows the jobs it ran for that order.
    const workerMetrics = await fetch(`http://127.0.0.1:${workerPort}/metrics`).then((r) => r.text());
    if (!/bullmq_job_duration_seconds_count\{queue="order-actions",outcome="completed"\} [1-9]/.test(workerMetrics)) {
      throw new Error('the worker /metrics does not count the order-action jobs it ran');
    }
    say('worker /metrics counts the order-action jobs it ran');

    for (const p of procs.reverse()) {
      p.child.kill('SIGTERM');
      const code = await p.exited;
      if (code !== 0) throw new Error(`${p.name} exited with ${code} after SIGTERM (see ${join(LOGS, `${p.name}.log`)})`);
      say(`${p.name} stopped cleanly`);
    }
    say('passed');
  } finally {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    const admin = new pg.Client({ connectionString: PG_BASE });
    await admin.connect();
    if (!process.env.SMOKE_KEEP_DB) await admin.query(`DROP DATABASE IF EXISTS "dtpc_smoke_${run}" WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  }
}

main().catch((err: Error) => {
  say(`FAILED: ${err.message}`);
  process.exit(1);
});
