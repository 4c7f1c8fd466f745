import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Rate = Type.Number({ minimum: 0, maximum: 1 });

/**
 * What `PUT /sandbox/config` changes at run time (postmart-api.md#the-sandbox). The last four keys
 * are sandbox extensions for tests and demos; the contract's keys are exactly the first four.
 * The config belongs to one sandbox process and is not persisted: several sandboxes may share a
 * database (parallel test files), and each must keep the settings its owner gave it.
 */
export const RuntimeConfigSchema = Type.Object(
  {
    review_delay_ms: Type.Integer({ minimum: 0, maximum: 86_400_000 }),
    rate_limit: Type.Object({ per_second: Type.Number({ exclusiveMinimum: 0, maximum: 100_000 }), burst: Type.Integer({ minimum: 1, maximum: 100_000 }) }, { additionalProperties: false }),
    faults: Type.Object({ error_rate: Rate, reset_rate: Rate, latency_ms: Type.Integer({ minimum: 0, maximum: 60_000 }) }, { additionalProperties: false }),
    webhooks: Type.Object(
      { enabled: Type.Boolean(), duplicate_rate: Rate, reorder: Type.Boolean(), delay_ms: Type.Integer({ minimum: 0, maximum: 3_600_000 }), drop_rate: Rate },
      { additionalProperties: false },
    ),
    /** postmart-api.md#orders: "visible up to 60 s late"; 0 makes GET /orders read its own writes. */
    order_visibility_delay_ms: Type.Integer({ minimum: 0, maximum: 3_600_000 }),
    /** postmart-api.md#authentication-and-signing: 4 h; 0 issues tokens that are already expired. */
    access_token_ttl_s: Type.Integer({ minimum: 0, maximum: 30 * 86_400 }),
    /** Multiplies the webhook retry schedule (1 min … 6 h) for events created from now on. */
    webhook_retry_factor: Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
    /**
     * A call reaching the sandbox this long after the 429 that opened a Retry-After window is still
     * taken as already in flight (sent before the caller could read the 429), not as made during
     * the window. 0, the default, counts every call after the 429.
     */
    retry_after_grace_ms: Type.Integer({ minimum: 0, maximum: 10_000 }),
  },
  { additionalProperties: false },
);
export type RuntimeConfig = Static<typeof RuntimeConfigSchema>;

/** The body of PUT /sandbox/config: any subset, nested objects partial too. */
export const RuntimeConfigPatch = Type.Object(
  {
    review_delay_ms: Type.Optional(RuntimeConfigSchema.properties.review_delay_ms),
    rate_limit: Type.Optional(Type.Partial(RuntimeConfigSchema.properties.rate_limit, { additionalProperties: false })),
    faults: Type.Optional(Type.Partial(RuntimeConfigSchema.properties.faults, { additionalProperties: false })),
    webhooks: Type.Optional(Type.Partial(RuntimeConfigSchema.properties.webhooks, { additionalProperties: false })),
    order_visibility_delay_ms: Type.Optional(RuntimeConfigSchema.properties.order_visibility_delay_ms),
    access_token_ttl_s: Type.Optional(RuntimeConfigSchema.properties.access_token_ttl_s),
    webhook_retry_factor: Type.Optional(RuntimeConfigSchema.properties.webhook_retry_factor),
    retry_after_grace_ms: Type.Optional(RuntimeConfigSchema.properties.retry_after_grace_ms),
  },
  { additionalProperties: false },
);
export type RuntimeConfigPatch = Static<typeof RuntimeConfigPatch>;

export const DEFAULT_RUNTIME_CONFIG: RuntimeConfig = Object.freeze({
  review_delay_ms: 5_000,
  rate_limit: { per_second: 10, burst: 20 }, // postmart-api.md#rate-limits
  faults: { error_rate: 0, reset_rate: 0, latency_ms: 0 },
  webhooks: { enabled: true, duplicate_rate: 0, reorder: false, delay_ms: 0, drop_rate: 0 },
  order_visibility_delay_ms: 60_000, // postmart-api.md#orders
  access_token_ttl_s: 4 * 3600, // postmart-api.md#authentication-and-signing
  webhook_retry_factor: 1,
  retry_after_grace_ms: 0,
});

/** Merges a patch into a config; the result is checked against the schema again. */
export function mergeConfig(base: RuntimeConfig, patch: RuntimeConfigPatch): RuntimeConfig {
  const next: RuntimeConfig = {
    ...base,
    ...(patch.review_delay_ms !== undefined ? { review_delay_ms: patch.review_delay_ms } : {}),
    ...(patch.order_visibility_delay_ms !== undefined ? { order_visibility_delay_ms: patch.order_visibility_delay_ms } : {}),
    ...(patch.access_token_ttl_s !== undefined ? { access_token_ttl_s: patch.access_token_ttl_s } : {}),
    ...(patch.webhook_retry_factor !== undefined ? { webhook_retry_factor: patch.webhook_retry_factor } : {}),
    ...(patch.retry_after_grace_ms !== undefined ? { retry_after_grace_ms: patch.retry_after_grace_ms } : {}),
    rate_limit: { ...base.rate_limit, ...patch.rate_limit },
    faults: { ...base.faults, ...patch.faults },
    webhooks: { ...base.webhooks, ...patch.webhooks },
  };
  if (!Value.Check(RuntimeConfigSchema, next)) {
    const e = [...Value.Errors(RuntimeConfigSchema, next)][0];
    throw new Error(`invalid sandbox config at ${e?.path ?? '/'}: ${e?.message ?? 'unknown'}`);
  }
  return next;
}

/** Settings fixed for the life of a sandbox process (not changeable through /sandbox/config). */
export type SandboxSettings = Readonly<{
  allowReset: boolean;
  /** 30 d (postmart-api.md#authentication-and-signing). */
  refreshTokenTtlS: number;
  /** Single-use OAuth code lifetime, 10 min. */
  authCodeTtlS: number;
  /** shop.auth_expiring is sent when a shop's live refresh token has less than this left. */
  authExpiringNoticeS: number;
  /** How often background loops (review, webhooks, clean-up) look for due work, besides being woken. */
  pollIntervalMs: number;
  /** How often expired nonces, codes and idempotency keys are purged and shop.auth_expiring is checked. */
  housekeepingIntervalMs: number;
  /** A webhook receiver must answer 2xx within this (postmart-api.md#webhooks: 3 s). */
  webhookTimeoutMs: number;
  poolSize: number;
}>;

export const DEFAULT_SETTINGS: SandboxSettings = Object.freeze({
  allowReset: false,
  refreshTokenTtlS: 30 * 86_400,
  authCodeTtlS: 600,
  authExpiringNoticeS: 7 * 86_400,
  pollIntervalMs: 250,
  housekeepingIntervalMs: 10_000,
  webhookTimeoutMs: 3_000,
  poolSize: 5,
});

const Bool = Type.Union([Type.Literal('true'), Type.Literal('false')]);

/** Environment variables of the sandbox role (see docs/postmart-sandbox.md); all optional. */
const SandboxEnvSchema = Type.Object({
  SANDBOX_ALLOW_RESET: Type.Optional(Bool),
  SANDBOX_REVIEW_DELAY_MS: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400_000 })),
  SANDBOX_ORDER_VISIBILITY_DELAY_MS: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000 })),
  SANDBOX_ACCESS_TOKEN_TTL_S: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86_400 })),
  SANDBOX_WEBHOOK_RETRY_FACTOR: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
  SANDBOX_RATE_PER_SECOND: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100_000 })),
  SANDBOX_RATE_BURST: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
});

/** The names of the sandbox's variables (.env.example documents each). */
export const SANDBOX_VARIABLES: readonly string[] = Object.freeze(Object.keys(SandboxEnvSchema.properties));

export type SandboxEnvOptions = { allowReset: boolean; config: RuntimeConfigPatch };

/** A bad SANDBOX_* variable; named like the connector's ConfigError so the entry point reports both alike. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid sandbox configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the SANDBOX_* variables; throws ConfigError naming each bad one, like src/config.ts. */
export function loadSandboxEnv(source: Record<string, string | undefined> = process.env): SandboxEnvOptions {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(SandboxEnvSchema.properties)) {
    const value = source[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const env = Value.Convert(SandboxEnvSchema, raw) as Static<typeof SandboxEnvSchema>;
  const problems = [...Value.Errors(SandboxEnvSchema, env)].map((e) => `${e.path.slice(1)}=${JSON.stringify(source[e.path.slice(1)] ?? '')}: ${e.message}`);
  if (problems.length > 0) throw new ConfigError(problems);
  const config: RuntimeConfigPatch = {};
  if (env.SANDBOX_REVIEW_DELAY_MS !== undefined) config.review_delay_ms = env.SANDBOX_REVIEW_DELAY_MS;
  if (env.SANDBOX_ORDER_VISIBILITY_DELAY_MS !== undefined) config.order_visibility_delay_ms = env.SANDBOX_ORDER_VISIBILITY_DELAY_MS;
  if (env.SANDBOX_ACCESS_TOKEN_TTL_S !== undefined) config.access_token_ttl_s = env.SANDBOX_ACCESS_TOKEN_TTL_S;
  if (env.SANDBOX_WEBHOOK_RETRY_FACTOR !== undefined) config.webhook_retry_factor = env.SANDBOX_WEBHOOK_RETRY_FACTOR;
  if (env.SANDBOX_RATE_PER_SECOND !== undefined || env.SANDBOX_RATE_BURST !== undefined) {
    config.rate_limit = {
      ...(env.SANDBOX_RATE_PER_SECOND !== undefined ? { per_second: env.SANDBOX_RATE_PER_SECOND } : {}),
      ...(env.SANDBOX_RATE_BURST !== undefined ? { burst: env.SANDBOX_RATE_BURST } : {}),
    };
  }
  return { allowReset: env.SANDBOX_ALLOW_RESET === 'true', config };
}
