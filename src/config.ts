import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { resolveLogFormat, type LogFormat } from './lib/logger.ts';
import { getHeapStatistics } from 'node:v8';
import { localSecrets } from './local-secrets.ts';

export const ROLE_NAMES = ['api', 'worker', 'sandbox'] as const;
export type ProcessRole = (typeof ROLE_NAMES)[number];


/** Every environment variable the service reads, with defaults that work on a developer machine. */
const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], { default: 'development' }),
  /** Default: 127.0.0.1 outside production (a dev instance is not on the LAN), 0.0.0.0 in production. */
  HOST: Type.Optional(Type.String({ minLength: 1 })),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', default: 'postgres://postgres@127.0.0.1:5432/dong_thap_postmart' }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  /** One URL for a single Redis; two or more, comma-separated, for a Redis Cluster (src/redis.ts). */
  REDIS_URL: Type.String({ pattern: '^rediss?://', default: 'redis://127.0.0.1:6379' }),
  /** BullMQ key prefix. The braces make it a Redis Cluster hash tag, so all of a queue's keys share one slot. */
  QUEUE_PREFIX: Type.String({ pattern: '^\\{[A-Za-z0-9_:-]+\\}$', default: '{dtpc}' }),
  /** Where a process without the API role (ROLES=worker) serves /health, /ready and /metrics (jobs/ops-server.ts). */
  WORKER_HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3001 }),
  SANDBOX_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 4010 }),
  POSTMART_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Partner credentials for a real Postmart; against the embedded sandbox the start-up seed creates them. */
  POSTMART_PARTNER_ID: Type.Optional(Type.String({ minLength: 1 })),
  POSTMART_PARTNER_KEY: Type.Optional(Type.String({ minLength: 16 })),
  /** Client-side budget per shop, kept under Postmart's 10 req/s, burst 20 (postmart-api.md#rate-limits). */
  POSTMART_RATE_PER_SECOND: Type.Number({ exclusiveMinimum: 0, maximum: 1000, default: 9 }),
  POSTMART_RATE_BURST: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  /** How far the order poller's window trails now: Postmart lists changes up to 60 s late (postmart-api.md#orders). */
  ORDER_POLL_LAG_SECONDS: Type.Integer({ minimum: 0, maximum: 3600, default: 60 }),
  /** Encrypts Postmart tokens and keys at rest. */
  /** Where uploaded photos are kept: `local` (a folder, MEDIA_DIR) or `s3` (any S3-compatible store). */
  MEDIA_DRIVER: Type.Union([Type.Literal('local'), Type.Literal('s3')], { default: 'local' }),
  MEDIA_DIR: Type.String({ minLength: 1, default: './var/media' }),
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  S3_REGION: Type.String({ minLength: 1, default: 'us-east-1' }),
  S3_BUCKET: Type.Optional(Type.String({ minLength: 3 })),
  S3_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1 })),
  S3_SECRET_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  /** Path-style addressing (`endpoint/bucket/key`), which MinIO and most self-hosted stores need. */
  S3_FORCE_PATH_STYLE: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'true' }),
  TOKEN_ENCRYPTION_KEY: Type.Optional(Type.String({ minLength: 32 })),
  ROLES: Type.String({ pattern: '^(all|api|worker|sandbox)(,(api|worker|sandbox))*$', default: 'all' }),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  JWT_TTL_SECONDS: Type.Integer({ minimum: 60, default: 12 * 3600 }),
  LOGIN_ATTEMPTS_PER_MINUTE: Type.Integer({ minimum: 1, default: 10 }),
  /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`; unset, /metrics is open. */
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  ADMIN_PHONE: Type.Optional(Type.String({ minLength: 9 })),
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 10 })),
  SEED_DEMO: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  MIGRATE_ON_START: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'true' }),
  /** auto: pretty (pino-pretty) in development on a terminal, JSON lines everywhere else. */
  LOG_FORMAT: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], { default: 'auto' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  // --- Hardening (issue 15): secrets outside production, per-user limits, load shedding ---
  /** Outside production, where JWT_SECRET / TOKEN_ENCRYPTION_KEY come from when unset (generated at first start). */
  SECRETS_FILE: Type.String({ minLength: 1, default: '.secrets.local.json' }),
  LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE: Type.Integer({ minimum: 1, default: 30 }),
  REPORTS_PER_MINUTE: Type.Integer({ minimum: 1, default: 30 }),
  SEARCHES_PER_MINUTE: Type.Integer({ minimum: 1, default: 60 }),
  IMPORTS_PER_MINUTE: Type.Integer({ minimum: 1, default: 6 }),
  /** Above this event-loop delay the API answers 503 with Retry-After (0: not checked). */
  MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, default: 1000 }),
  /** Above this heap use the API answers 503 with Retry-After (0: 90% of the V8 heap limit). */
  MAX_HEAP_USED_MB: Type.Integer({ minimum: 0, default: 0 }),
});
type Env = Static<typeof EnvSchema>;

/** The names of every variable above (.env.example documents each; test/config.test.ts checks it). */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(EnvSchema.properties));

export type Config = Readonly<{
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  publicUrl: string;
  databaseUrl: string;
  databasePoolSize: number;
  redisUrl: string;
  queuePrefix: string;
  workerHttpPort: number;
  sandboxPort: number;
  postmartBaseUrl: string;
  /**
   * The connector talks to the project's sandbox: POSTMART_BASE_URL was not set, or ROLES names the
   * sandbox role explicitly (compose's demo profile reaches the sandbox by its service host name).
   */
  postmartIsSandbox: boolean;
  postmartPartner: { partnerId: string; partnerKey: string } | null;
  postmartRate: { perSecond: number; burst: number };
  orderPollLagSeconds: number;
  tokenEncryptionKey: string;
  roles: readonly ProcessRole[];
  jwtSecret: string;
  jwtTtlSeconds: number;
  /** Login attempts allowed per minute for one phone number from one address. */
  loginAttemptsPerMinute: number;
  metricsToken: string | null;
  admin: { phone: string; password: string } | null;
  seedDemo: boolean;
  migrateOnStart: boolean;
  logLevel: string;
  media: MediaConfig;
  logFormat: LogFormat;
  // --- Hardening (issue 15) ---
  /** Per-user (or, for logins, per-address) requests allowed per minute; counted in Redis. */
  limits: { loginsPerAddress: number; reportsPerUser: number; searchesPerUser: number; importsPerUser: number };
  pressure: { maxEventLoopDelayMs: number; maxHeapUsedBytes: number };
}>;

export type MediaConfig = Readonly<
  | { driver: 'local'; dir: string }
  | { driver: 's3'; endpoint: string | null; region: string; bucket: string; accessKeyId: string | null; secretAccessKey: string | null; forcePathStyle: boolean }
>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment once and returns a frozen config; throws ConfigError naming each bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = source[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const withDefaults = Value.Default(EnvSchema, Value.Convert(EnvSchema, raw));
  const problems = [...Value.Errors(EnvSchema, withDefaults)].map(
    (e) => `${e.path.slice(1) || '(env)'}=${JSON.stringify(source[e.path.slice(1)] ?? '')}: ${e.message}`,
  );
  const env = withDefaults as Env;
  if (problems.length === 0) {
    if (env.NODE_ENV === 'production' && env.JWT_SECRET === undefined) {
      problems.push('JWT_SECRET: must be set to a secret of at least 32 characters in production');
    }
    if (env.NODE_ENV === 'production' && env.TOKEN_ENCRYPTION_KEY === undefined) {
      problems.push('TOKEN_ENCRYPTION_KEY: must be set to a secret of at least 32 characters in production');
    }
    // The sandbox is a development and test double (docs/postmart-sandbox.md); production must name the real Postmart.
    if (env.NODE_ENV === 'production' && env.POSTMART_BASE_URL === undefined) {
      problems.push('POSTMART_BASE_URL: must be set to the real Postmart partner API in production (the sandbox is for development and tests)');
    }
    if (env.NODE_ENV === 'production' && env.ROLES !== 'all' && env.ROLES.split(',').includes('sandbox')) {
      problems.push('ROLES: the sandbox role is refused in production; run api and worker only');
    }
    if ((env.POSTMART_PARTNER_ID === undefined) !== (env.POSTMART_PARTNER_KEY === undefined)) {
      problems.push('POSTMART_PARTNER_ID and POSTMART_PARTNER_KEY: set both or neither');
    }
    if (env.MEDIA_DRIVER === 's3' && env.S3_BUCKET === undefined) problems.push('S3_BUCKET: must be set when MEDIA_DRIVER=s3');
    if ((env.S3_ACCESS_KEY_ID === undefined) !== (env.S3_SECRET_ACCESS_KEY === undefined)) {
      problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both or neither');
    }
    if ((env.ADMIN_PHONE === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
      problems.push('ADMIN_PHONE and ADMIN_PASSWORD: set both or neither');
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  // In production `all` means api and worker: the sandbox never runs there.
  const everything: ProcessRole[] = env.NODE_ENV === 'production' ? ['api', 'worker'] : [...ROLE_NAMES];
  const roles: ProcessRole[] = env.ROLES === 'all' ? everything : [...new Set(env.ROLES.split(',') as ProcessRole[])];
  const publicUrl = env.PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`;
  // No secret is a constant in the code: outside production an unset one is generated once and kept
  // in a git-ignored local file, so every process of this checkout (and a restart) shares it.
  const generated = env.JWT_SECRET === undefined || env.TOKEN_ENCRYPTION_KEY === undefined ? localSecrets(env.SECRETS_FILE) : null;
  return Object.freeze({
    env: env.NODE_ENV,
    host: env.HOST ?? (env.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    port: env.PORT,
    publicUrl: publicUrl.replace(/\/$/, ''),
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    redisUrl: env.REDIS_URL,
    queuePrefix: env.QUEUE_PREFIX,
    workerHttpPort: env.WORKER_HTTP_PORT,
    sandboxPort: env.SANDBOX_PORT,
    postmartBaseUrl: (env.POSTMART_BASE_URL ?? `http://127.0.0.1:${env.SANDBOX_PORT}/api/v1`).replace(/\/$/, ''),
    // ROLES=all with a real POSTMART_BASE_URL must not treat that Postmart as the sandbox.
    postmartIsSandbox: env.POSTMART_BASE_URL === undefined || (env.ROLES !== 'all' && roles.includes('sandbox')),
    postmartPartner:
      env.POSTMART_PARTNER_ID && env.POSTMART_PARTNER_KEY ? { partnerId: env.POSTMART_PARTNER_ID, partnerKey: env.POSTMART_PARTNER_KEY } : null,
    postmartRate: { perSecond: env.POSTMART_RATE_PER_SECOND, burst: env.POSTMART_RATE_BURST },
    orderPollLagSeconds: env.ORDER_POLL_LAG_SECONDS,
    tokenEncryptionKey: env.TOKEN_ENCRYPTION_KEY ?? generated!.tokenEncryptionKey,
    roles: Object.freeze(roles),
    jwtSecret: env.JWT_SECRET ?? generated!.jwtSecret,
    jwtTtlSeconds: env.JWT_TTL_SECONDS,
    loginAttemptsPerMinute: env.LOGIN_ATTEMPTS_PER_MINUTE,
    metricsToken: env.METRICS_TOKEN ?? null,
    admin: env.ADMIN_PHONE && env.ADMIN_PASSWORD ? { phone: env.ADMIN_PHONE, password: env.ADMIN_PASSWORD } : null,
    seedDemo: env.SEED_DEMO ? env.SEED_DEMO === 'true' : env.NODE_ENV !== 'production',
    migrateOnStart: env.MIGRATE_ON_START === 'true',
    logLevel: env.LOG_LEVEL,
    media: Object.freeze(
      env.MEDIA_DRIVER === 's3'
        ? {
            driver: 's3' as const,
            endpoint: env.S3_ENDPOINT ?? null,
            region: env.S3_REGION,
            bucket: env.S3_BUCKET!,
            accessKeyId: env.S3_ACCESS_KEY_ID ?? null,
            secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? null,
            forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
          }
        : { driver: 'local' as const, dir: env.MEDIA_DIR },
    ),
    logFormat: resolveLogFormat(env.LOG_FORMAT, env.NODE_ENV),
    limits: {
      loginsPerAddress: env.LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE,
      reportsPerUser: env.REPORTS_PER_MINUTE,
      searchesPerUser: env.SEARCHES_PER_MINUTE,
      importsPerUser: env.IMPORTS_PER_MINUTE,
    },
    pressure: {
      maxEventLoopDelayMs: env.MAX_EVENT_LOOP_DELAY_MS,
      maxHeapUsedBytes: env.MAX_HEAP_USED_MB > 0 ? env.MAX_HEAP_USED_MB * 1024 * 1024 : Math.floor(getHeapStatistics().heap_size_limit * 0.9),
    },
  });
}
