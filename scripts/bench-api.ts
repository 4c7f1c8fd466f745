/**
 * npm run bench:api — GET /v1/products?limit=50 (authenticated, 5,000 products) against a bare
 * Fastify route running the same SQL on the same pool, side by side in one run.
 *
 * Target (issue): product list throughput ≥ 0.7× the bare route, p99 ≤ 1.5× the bare route's p99.
 * Exits 0 whether or not the targets are met (it is a measurement); non-zero when anything fails:
 * seeding, start-up, a non-2xx answer or a connection error during a run.
 *
 * Environment: BENCH_DURATION (s per run, 10), BENCH_ROUNDS (A/B pairs, 2), BENCH_CONNECTIONS (10),
 * BENCH_WARMUP (s per route, 3), BENCH_LOG_LEVEL (the API's LOG_LEVEL, info as in production),
 * BENCH_DATABASE_URL (server to create the throwaway database on), BENCH_REDIS_URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { benchNamespace, dropBenchNamespace, seedBenchDatabase, type BenchNamespace } from './bench-api-database.ts';
import { checkRun, formatReport, summarize, toRun, type RunResult } from './bench-api-report.ts';
import type { ReadyMessage } from './bench-api-server.ts';

const PRODUCT_COUNT = 5_000;

function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}=${JSON.stringify(raw)}: must be an integer ≥ ${min}`);
  return n;
}

const options = {
  duration: intEnv('BENCH_DURATION', 10, 1),
  rounds: intEnv('BENCH_ROUNDS', 2, 2),
  connections: intEnv('BENCH_CONNECTIONS', 10, 1),
  warmup: intEnv('BENCH_WARMUP', 3, 0),
  logLevel: process.env.BENCH_LOG_LEVEL || 'info',
};

const log = (msg: string) => process.stderr.write(`[bench:api] ${msg}\n`);

type Child = { process: ChildProcess; ready: ReadyMessage; logLines: () => number };
/** Server processes still running; cleanup() stops them on every exit path. */
const children = new Set<ChildProcess>();

/** Starts bench-api-server.ts under tsx (one process: node --import tsx) and waits for its ready line. */
async function startServers(ns: BenchNamespace): Promise<Child> {
  const script = fileURLToPath(new URL('./bench-api-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      // Production mode, as deployed; it refuses the development secrets, so give it throwaway ones.
      NODE_ENV: 'production',
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      DATABASE_URL: ns.databaseUrl,
      REDIS_URL: ns.redisUrl,
      QUEUE_PREFIX: ns.queuePrefix,
      JWT_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: options.logLevel,
      ADMIN_PHONE: '',
      ADMIN_PASSWORD: '',
    },
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let logLines = 0;
  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server process did not become ready within 60 s')), 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server process exited before it was ready (code ${code}, signal ${signal})`));
    });
    // Keep draining stdout for the whole run: the API's request logs go there, as in production,
    // and a full pipe would stall the server we are measuring.
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('{"bench":"ready"')) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as ReadyMessage);
      } else {
        logLines += 1;
      }
    });
  });
  return { process: child, ready, logLines: () => logLines };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function login(baseUrl: string, admin: { phone: string; password: string }): Promise<string> {
  const res = await fetch(new URL('/v1/auth/login', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Both routes must answer 200 with the same newest products, or the comparison means nothing. */
async function checkSameData(ready: ReadyMessage, headers: Record<string, string>): Promise<void> {
  const a = await fetch(ready.productsUrl, { headers });
  const b = await fetch(ready.bareUrl);
  if (a.status !== 200) throw new Error(`GET /v1/products answered ${a.status}: ${await a.text()}`);
  if (b.status !== 200) throw new Error(`bare route answered ${b.status}: ${await b.text()}`);
  const page = (await a.json()) as { items: { id: string }[]; nextCursor: string | null };
  const rows = (await b.json()) as { id: string }[];
  if (page.items.length !== 50 || !page.nextCursor) throw new Error(`product list returned ${page.items.length} items, cursor ${page.nextCursor}`);
  if (rows.length !== 51) throw new Error(`bare route returned ${rows.length} rows, expected 51 (limit + 1)`);
  if (page.items.some((p, i) => p.id !== rows[i]!.id)) throw new Error('product list and bare route returned different products');
}

async function serverCpuMicros(cpuUrl: string): Promise<number> {
  const res = await fetch(cpuUrl);
  if (res.status !== 200) throw new Error(`cpu-usage route answered ${res.status}`);
  const { user, system } = (await res.json()) as NodeJS.CpuUsage;
  return user + system;
}

/** Busy and total CPU time of the whole machine so far (ms, summed over cores). */
function hostCpu(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

type Measured = { result: autocannon.Result; cpuMicros: number; hostBusy: number };

async function measure(label: string, url: string, headers: Record<string, string>, duration: number, cpuUrl: string): Promise<Measured> {
  const before = await serverCpuMicros(cpuUrl);
  const host0 = hostCpu();
  const result = await autocannon({ url, headers, connections: options.connections, duration });
  const host1 = hostCpu();
  const cpuMicros = (await serverCpuMicros(cpuUrl)) - before;
  checkRun(label, result);
  return { result, cpuMicros, hostBusy: (host1.busy - host0.busy) / Math.max(1, host1.total - host0.total) };
}

async function main(ns: BenchNamespace): Promise<void> {
  log(`database ${ns.databaseName}, Redis prefix ${ns.queuePrefix}`);
  const started = Date.now();
  const seed = await seedBenchDatabase(ns, PRODUCT_COUNT);
  log(`seeded ${seed.products} products and an admin in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const child = await startServers(ns);
  const { ready } = child;
  log(`servers ready (pid ${child.process.pid}): products ${ready.productsUrl}, bare ${ready.bareUrl}`);
  log(`bare route SQL (captured from listProducts): ${ready.sql}  params ${JSON.stringify(ready.params)}`);

  const token = await login(ready.productsUrl, seed.admin);
  const auth = { authorization: `Bearer ${token}` };
  await checkSameData(ready, auth);

  const routes = [
    { label: 'GET /v1/products?limit=50', url: ready.productsUrl, headers: auth },
    { label: 'bare route, same SQL and pool', url: ready.bareUrl, headers: {} },
  ] as const;

  if (options.warmup > 0) {
    for (const r of routes) await measure(`warm-up ${r.label}`, r.url, r.headers, options.warmup, ready.cpuUrl);
    log(`warmed up both routes (${options.warmup} s each)`);
  }
  const runs: RunResult[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const r of routes) {
      const { result, cpuMicros, hostBusy } = await measure(`round ${round} ${r.label}`, r.url, r.headers, options.duration, ready.cpuUrl);
      const run = toRun(r.label, round, result, cpuMicros, hostBusy);
      runs.push(run);
      log(`round ${round} ${r.label}: ${run.reqPerSec.toFixed(1)} req/s, p99 ${run.p99.toFixed(2)} ms, server CPU ${run.cpuPerReq.toFixed(0)} µs/req`);
    }
  }

  const [products, bare] = routes.map((r) => summarize(r.label, runs.filter((x) => x.label === r.label))) as [ReturnType<typeof summarize>, ReturnType<typeof summarize>];
  const report = formatReport(products, bare);
  process.stdout.write(
    `\nGET /v1/products?limit=50 vs bare route — ${PRODUCT_COUNT} products, ${options.connections} connections, ` +
      `${options.rounds}×${options.duration} s per route (A/B alternating), API LOG_LEVEL=${options.logLevel}, ` +
      `Node ${process.version}, ${cpus().length} cores\n\n${report.text}\n\n`,
  );
  log(`the API wrote ${child.logLines()} log lines during the run`);
}

let cleaning: Promise<void> | null = null;
/** Stops the server process and drops the database and Redis keys; runs once, on every exit path. */
function cleanup(ns: BenchNamespace): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...children].map(stopChild));
    await dropBenchNamespace(ns).catch((err: unknown) => log(`cleanup failed, drop ${ns.databaseName} by hand: ${String(err)}`));
  })();
  return cleaning;
}

const ns = benchNamespace();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup(ns).finally(() => process.exit(130));
  });
}
let exitCode = 0;
try {
  await main(ns);
} catch (err) {
  log(`FAILED: ${(err as Error).stack ?? String(err)}`);
  exitCode = 1;
} finally {
  await cleanup(ns);
}
process.exitCode = exitCode;
