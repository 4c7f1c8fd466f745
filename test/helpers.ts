import { createHmac, randomBytes, randomInt } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../src/config.ts';
import { buildServer } from '../src/build.ts';
import { pickupPoints } from '../db/schema/pickup-points.ts';
import type { Role } from '../db/schema/users.ts';
import { createSeller, type Seller } from '../src/services/accounts/sellers.ts';
import { createUser } from '../src/services/accounts/users.ts';
import { newId } from '../src/lib/ids.ts';
import type { Principal } from '../src/services/accounts/access.ts';

export const TEST_JWT_SECRET = 'test-secret-0123456789-0123456789-abcdef';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: inject('queuePrefix'),
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    PORT: '0',
    SANDBOX_PORT: '0',
    // Every test file of a run logs in from 127.0.0.1 under one Redis prefix; the per-address limit has
    // its own test (test/security/limits.test.ts), which gives its app the real default.
    LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE: '1000000',
    // Likewise the per-user limits: tests call these routes back to back by design.
    REPORTS_PER_MINUTE: '1000000',
    SEARCHES_PER_MINUTE: '1000000',
    IMPORTS_PER_MINUTE: '1000000',
    // Tests share two cores with other runs; a busy moment must not shed their requests. The load
    // shedding test (test/security/limits.test.ts) sets its own threshold.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ...overrides,
  });
}

/** The real app on the per-run database and Redis prefix; close it in afterAll. */
export async function buildTestApp(overrides: Record<string, string> = {}): Promise<FastifyInstance> {
  const app = await buildServer(testConfig(overrides), { logger: false });
  await app.ready();
  return app;
}

/** A phone number no other test uses (the 09x range, random). */
export function uniquePhone(): string {
  return `09${randomInt(1, 9)}${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
}

export function uniqueTaxCode(): string {
  return String(randomInt(1_000_000_000, 9_999_999_999));
}

const SYSTEM_ADMIN: Principal = { id: '00000000-0000-7000-8000-000000000000', role: 'admin', name: 'test', sellerId: null, pickupPointId: null };

export async function makeSeller(app: FastifyInstance, over: Partial<{ name: string; wardCode: string }> = {}): Promise<Seller> {
  return createSeller(app.db, SYSTEM_ADMIN, { userId: null }, {
    kind: 'cooperative',
    name: over.name ?? `HTX thử nghiệm ${randomInt(1e6)}`,
    taxCode: uniqueTaxCode(),
    phone: uniquePhone(),
    wardCode: over.wardCode ?? '30226',
    address: 'Ấp 1',
  });
}

export type TestUser = { id: string; phone: string; password: string; token: string; role: Role; sellerId: string | null };

/** Creates an account through the users service and logs it in through the API. */
export async function makeUser(app: FastifyInstance, role: Role, scope: { sellerId?: string; pickupPointId?: string } = {}): Promise<TestUser> {
  const phone = uniquePhone();
  const password = `Mk-${randomBytes(9).toString('base64url')}`;
  const user = await createUser(app.db, null, { userId: null }, { phone, password, role, name: `Người dùng ${role}`, ...scope });
  const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { phone, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  return { id: user.id, phone, password, token: res.json().token, role, sellerId: user.sellerId };
}

/** A pickup point of our own (not from Postmart), for clerks to be scoped to. */
export async function makePickupPoint(app: FastifyInstance, over: Partial<typeof pickupPoints.$inferInsert> = {}): Promise<string> {
  const id = newId();
  await app.db.insert(pickupPoints).values({ id, code: `LOCAL-${randomInt(1e9)}`, name: 'Điểm giao nhận thử', kind: 'DIEM_GIAO_DICH', wardCode: '30226', address: 'Lai Vung', lat: 10.29, lng: 105.65, source: 'local', ...over });
  return id;
}

export const bearer = (u: { token: string }) => ({ authorization: `Bearer ${u.token}` });

/** A valid product body; tests override what they are about. */
export function productBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sku: `SKU-${randomInt(1e9)}`,
    name: 'Xoài cát Hòa Lộc',
    category: 'fruit',
    unit: 'kg',
    priceVnd: 65000,
    stock: 10,
    weightGrams: 1000,
    originWardCode: '30112',
    ...over,
  };
}

export type ErrorReply = { code: string; message: string; field?: string };

/** The one error body every failure answers, { error: { code, message, field? } }, checked for shape and returned. */
export function errorOf(res: LightMyRequestResponse): ErrorReply {
  const body = res.json() as { error?: ErrorReply };
  if (!body || typeof body !== 'object' || Object.keys(body).join() !== 'error' || !body.error) {
    throw new Error(`not an error body (${res.statusCode}): ${res.body}`);
  }
  const extra = Object.keys(body.error).filter((k) => !['code', 'message', 'field'].includes(k));
  if (typeof body.error.code !== 'string' || typeof body.error.message !== 'string' || extra.length > 0) {
    throw new Error(`malformed error body: ${res.body}`);
  }
  return body.error;
}

/**
 * An HS256 JWT built by hand, so tests can make tokens the app would never issue: signed with
 * another secret, or already expired (a past iat/exp, no waiting). It is an API token of a fresh
 * account (`aud` dtpc-api, token version 0) unless the claims say otherwise; a claim given as
 * undefined is left out.
 */
export function signJwt(claims: Record<string, unknown>, secret = TEST_JWT_SECRET): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ ver: 0, aud: 'dtpc-api', ...claims })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** A throwaway database next to the run's own (for files that must not share it), and its removal. */
export async function createScratchDatabase(suffix: string): Promise<string> {
  const { ensureDatabase } = await import('../db/migrate.ts');
  const u = new URL(inject('databaseUrl'));
  u.pathname = `${u.pathname}_${suffix}`;
  await ensureDatabase(u.toString());
  return u.toString();
}

export async function dropDatabase(url: string): Promise<void> {
  const pg = (await import('pg')).default;
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
