import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { buildServer } from '../../src/build.ts';

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
    ...overrides,
  });
}

/**
 * The real app on the per-run database and Redis prefix; close it in afterAll. A test whose data
 * is "today" passes `now` (a fixed instant), so the server's today is the one the data was seeded on.
 */
export async function buildTestApp(overrides: Record<string, string> = {}, opts: { now?: () => Date } = {}): Promise<FastifyInstance> {
  const app = await buildServer(testConfig(overrides), { logger: false, ...opts });
  await app.ready();
  return app;
}

/** A throwaway database next to the run's own (for files that must not share it), and its removal. */
export async function createScratchDatabase(suffix: string): Promise<string> {
  const { ensureDatabase } = await import('../../db/migrate.ts');
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
