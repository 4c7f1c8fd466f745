import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { eq, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ensureDatabase, runMigrations } from '../../../db/migrate.ts';
import { pickupPoints } from '../../../db/schema/pickup-points.ts';
import { seedReference } from '../../../db/seed/reference.ts';
import { runSandboxMigrations } from '../../../sandbox/db/migrate.ts';
import { loadConfig } from '../../../src/config.ts';
import { createDb, type Db } from '../../../src/db.ts';
import { createPostmart } from '../../../src/postmart/index.ts';
import { WEBHOOK_PATH } from '../../../src/postmart/paths.ts';
import { QUEUES } from '../../../src/queues/definitions.ts';
import { createRedis } from '../../../src/redis.ts';
import { createSeller } from '../../../src/services/accounts/sellers.ts';
import { createUser } from '../../../src/services/accounts/users.ts';
import { insertProduct } from '../../../src/services/catalog/products.ts';
import { ImageServer } from '../image-server.ts';
import { freePort, OwnRedis } from '../own-redis.ts';

/**
 * The connector as deployed, for the chaos suite and the soak: the Postmart sandbox, the API and two
 * workers, each its own process (`ROLES=sandbox|api|worker`, as `npm run start:*`), on a database
 * and a redis-server of their own (the machine's shared PostgreSQL database and Redis are never
 * restarted, flushed or terminated). Shops are connected through the OAuth flow, each with a seller
 * manager and products; one clerk works at the drop-off point every parcel is shipped through.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PROBE = fileURLToPath(new URL('./probe.ts', import.meta.url));
const SYSTEM = { id: '00000000-0000-7000-8000-000000000000', role: 'admin' as const, name: 'chaos', sellerId: null, pickupPointId: null };
export const DROP_OFF = 'PO30226';

export type Role = 'sandbox' | 'api' | 'worker-1' | 'worker-2';
export type Account = { token: string; userId: string };
export type Shop = { shopId: string; sellerId: string; manager: Account; productIds: string[] };

export type ClusterOptions = {
  shops: number;
  productsPerShop: number;
  /** Where the processes' logs (and probe samples) go. */
  artifacts: string;
  /** Each process samples its memory and event-loop delay into the artifacts folder (the soak reads them). */
  probe?: boolean;
  say?: (line: string) => void;
};

class Proc {
  child: ChildProcess | null = null;
  constructor(
    readonly role: Role,
    readonly env: Record<string, string>,
    readonly readyUrl: string,
    private readonly opts: ClusterOptions,
  ) {}

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const log = createWriteStream(join(this.opts.artifacts, `${this.role}.log`), { flags: 'a' });
    const args = ['--import', 'tsx', ...(this.opts.probe ? ['--import', PROBE] : []), 'server.ts'];
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...this.env, PROBE_FILE: join(this.opts.artifacts, `${this.role}.probe.jsonl`) }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.child = child;
    await waitFor(`${this.role} at ${this.readyUrl}`, async () => {
      if (!this.alive) throw new Error(`${this.role} exited with ${child.exitCode ?? child.signalCode} (see ${join(this.opts.artifacts, `${this.role}.log`)})`);
      return (await fetch(this.readyUrl).then((r) => r.status, () => 0)) === 200;
    }, 120_000);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }
}

export type Cluster = Awaited<ReturnType<typeof startCluster>>;

export async function startCluster(opts: ClusterOptions) {
  const say = opts.say ?? (() => {});
  mkdirSync(opts.artifacts, { recursive: true });
  const run = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const dbUrl = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const dbName = `dtpc_chaos_${run}`;
  dbUrl.pathname = `/${dbName}`;
  const databaseUrl = dbUrl.toString();
  await ensureDatabase(databaseUrl);
  await runMigrations(databaseUrl);
  await runSandboxMigrations(databaseUrl);
  const { pool, db } = createDb(databaseUrl, 6, 'dtpc-chaos-harness');
  await seedReference(db);

  const redis = await OwnRedis.create({ persist: true });
  await redis.start();
  const photos = await new ImageServer().start();
  const [apiPort, sandboxPort, w1Port, w2Port] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const prefix = '{dtpc-chaos}';
  const common: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: prefix,
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    PUBLIC_URL: apiUrl,
    SANDBOX_PORT: String(sandboxPort),
    TOKEN_ENCRYPTION_KEY: `chaos-${randomBytes(24).toString('hex')}`,
    JWT_SECRET: `chaos-${randomBytes(24).toString('hex')}`,
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
    LOG_FORMAT: 'json',
    MIGRATE_ON_START: 'false',
    SEED_DEMO: 'false',
    // The harness's actors call back to back from one address; the limits have their own tests.
    LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE: '1000000',
    LOGIN_ATTEMPTS_PER_MINUTE: '1000000',
    SEARCHES_PER_MINUTE: '1000000',
    REPORTS_PER_MINUTE: '1000000',
    // Two cores shared with other engineers: a busy moment must not shed the mix's requests.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    // The sandbox shows orders at once, so the poller (every 30 s) need not trail by Postmart's minute.
    ORDER_POLL_LAG_SECONDS: '1',
  };
  const sandbox = new Proc('sandbox', {
    ...common,
    NODE_ENV: 'development',
    ROLES: 'sandbox',
    SANDBOX_REVIEW_DELAY_MS: '0',
    SANDBOX_ORDER_VISIBILITY_DELAY_MS: '0',
    // A webhook retry after seconds, not Postmart's minute, so a run settles in the time it has.
    SANDBOX_WEBHOOK_RETRY_FACTOR: '0.02',
  }, `${sandboxUrl}/sandbox/config`, opts);
  const procs: Proc[] = [sandbox];
  const children = { sandbox } as Record<Role, Proc>;
  let queueConn: Redis | null = null;
  const queues: Queue[] = [];

  const control = async <T = any>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${sandboxUrl}/sandbox${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} /sandbox${path} → ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  const close = async () => {
    for (const p of [...procs].reverse()) await p.kill('SIGTERM').catch(() => {});
    await Promise.all(queues.map((q) => q.close().catch(() => {})));
    queueConn?.disconnect();
    await photos.close();
    await redis.close();
    await pool.end();
    if (!process.env.CHAOS_KEEP_DB) {
      const admin = new URL(databaseUrl);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await client.end();
    }
  };

  try {
    say(`database ${dbName}, redis-server on :${redis.port}, logs in ${opts.artifacts}`);
    await sandbox.start();
    // A call another worker sent while the one that got a 429 was still reading it is in flight,
    // not a call made inside the window; on two shared cores that reading took up to ~90 ms.
    await control('PUT', '/config', { retry_after_grace_ms: 250 });
    const { partner_id, partner_key } = await control<{ partner_id: string; partner_key: string }>('POST', '/partners', { name: 'Chaos connector' });
    const production = { ...common, NODE_ENV: 'production', POSTMART_BASE_URL: `${sandboxUrl}/api/v1`, POSTMART_PARTNER_ID: partner_id, POSTMART_PARTNER_KEY: partner_key };
    const api = new Proc('api', { ...production, ROLES: 'api' }, `${apiUrl}/ready`, opts);
    const w1 = new Proc('worker-1', { ...production, ROLES: 'worker', WORKER_HTTP_PORT: String(w1Port) }, `http://127.0.0.1:${w1Port}/ready`, opts);
    const w2 = new Proc('worker-2', { ...production, ROLES: 'worker', WORKER_HTTP_PORT: String(w2Port) }, `http://127.0.0.1:${w2Port}/ready`, opts);
    Object.assign(children, { api, 'worker-1': w1, 'worker-2': w2 });
    procs.push(api, w1, w2);
    await api.start();
    await control('PUT', `/partners/${partner_id}/webhook`, { url: `${apiUrl}${WEBHOOK_PATH}` });

    const login = async (phone: string, password: string) => {
      const res = await fetch(`${apiUrl}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone, password }) });
      if (res.status !== 200) throw new Error(`login ${phone}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    };
    const account = async (role: 'admin' | 'seller_manager' | 'post_office_clerk', scope: { sellerId?: string; pickupPointId?: string }) => {
      const phone = `09${1 + (randomBytes(1)[0]! % 8)}${String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, '0')}`;
      const password = `Ch-${randomBytes(9).toString('base64url')}`;
      const user = await createUser(db, null, { userId: null }, { phone, password, role, name: `Chaos ${role}`, ...scope });
      return { token: await login(phone, password), userId: user.id };
    };

    // Shops connected the way the OAuth callback does, each with a manager and products in stock.
    const config = loadConfig({ ...process.env, ...production });
    const pmRedis = createRedis(config.redisUrl, 'worker');
    const pm = (await createPostmart({ config, db, redis: pmRedis }))!;
    const shops: Shop[] = [];
    for (let s = 0; s < opts.shops; s++) {
      const name = `HTX hỗn loạn ${s}`;
      const { shop_id } = await control<{ shop_id: string }>('POST', '/shops', { partner_id, name });
      const seller = await createSeller(db, SYSTEM, { userId: null }, { kind: 'cooperative', name, phone: `02773${String(600_000 + s).padStart(6, '0')}`.slice(0, 11), wardCode: '30226', address: 'Ấp 1' });
      const auth = await fetch(`${pm.client.authorizeUrl('http://127.0.0.1:1/cb', 's')}&shop_id=${shop_id}`, { redirect: 'manual' });
      const code = new URL(String(auth.headers.get('location'))).searchParams.get('code')!;
      await pm.tokens.save(seller.id, shop_id, await pm.client.exchangeCode(code, shop_id));
      const productIds: string[] = [];
      await db.transaction(async (tx) => {
        for (let j = 0; j < opts.productsPerShop; j++) {
          const p = await insertProduct(tx, { userId: null }, seller.id, {
            sku: `CHAOS-${s}-${j}`, name: `Xoài cát Hòa Lộc lô ${j}`, category: 'fruit', unit: 'kg', priceVnd: 50_000 + 1000 * j,
            stock: 60, weightGrams: 1000, originWardCode: '30112', images: [photos.photoUrl(`xoai-${s}-${j}`)], status: 'active',
          } as never, 'initial');
          productIds.push((p as { id: string }).id);
        }
      });
      shops.push({ shopId: shop_id, sellerId: seller.id, manager: await account('seller_manager', { sellerId: seller.id }), productIds });
    }
    await pm.close();
    await pmRedis.quit();
    // Postmart's post offices (read through a connected shop), the drop-off point open round the clock with room for every parcel.
    const admin = await account('admin', {});
    const synced = await fetch(`${apiUrl}/v1/pickup-points/sync`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}` } });
    if (synced.status !== 200) throw new Error(`pickup point sync: ${synced.status} ${await synced.text()}`);
    const allDay = [{ open: '00:00', close: '24:00' }];
    await db.update(pickupPoints).set({ openingHours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay }, dailyCapacity: 100_000 }).where(eq(pickupPoints.code, DROP_OFF));
    const dropOffId = (await db.select({ id: pickupPoints.id }).from(pickupPoints).where(eq(pickupPoints.code, DROP_OFF)))[0]!.id;
    const clerk = await account('post_office_clerk', { pickupPointId: dropOffId });


    await w1.start();
    await w2.start();
    queueConn = new Redis(redis.url, { maxRetriesPerRequest: null, lazyConnect: true });
    queueConn.on('error', () => {}); // the harness restarts this Redis on purpose
    for (const name of Object.values(QUEUES)) {
      const q = new Queue(name, { connection: queueConn, prefix });
      q.on('error', () => {}); // the harness restarts this Redis on purpose; reads retry when it is back
      queues.push(q);
    }
    const cluster = {
      db,
      databaseName: dbName,
      redis,
      apiUrl,
      sandboxUrl,
      partnerId: partner_id,
      shops,
      clerk,
      dropOffId,
      children,
      queues,
      control,
      close,
      /** Ends every connection the connector's processes hold to this run's database (never the sandbox's, never another database's). */
      terminateConnectorBackends: async (): Promise<number> =>
        Number((await db.execute<{ n: string }>(sql`
          SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
          WHERE datname = ${dbName} AND application_name IN ('dtpc-api', 'dtpc-worker') AND pid <> pg_backend_pid()`)).rows[0]!.n),
    };
    await waitFor('the initial listing', async () => (await listedInStep(db)) === opts.shops * opts.productsPerShop, 300_000);
    say(`${opts.shops} shops × ${opts.productsPerShop} products listed; sandbox, api, worker-1, worker-2 running`);
    return cluster;
  } catch (err) {
    await close();
    throw err;
  }
}

/** Active products whose listing is on Postmart at their latest version. */
async function listedInStep(db: Db): Promise<number> {
  const r = await db.execute<{ n: string }>(sql`
    SELECT count(*) AS n FROM products p JOIN product_listings l ON l.product_id = p.id
    WHERE p.status = 'active' AND l.synced_version = p.version AND l.postmart_product_id IS NOT NULL`);
  return Number(r.rows[0]!.n);
}

/** Polls `probe` until it holds (every 200 ms); throws after `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
