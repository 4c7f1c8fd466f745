import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ensureDatabase, runMigrations } from '../db/migrate.ts';
import { runSandboxMigrations } from '../sandbox/db/migrate.ts';
import { seedReference } from '../db/seed/reference.ts';
import { createDb } from '../src/db.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    queuePrefix: string;
  }
}

/**
 * Each test run gets its own database and Redis key prefix, created here and dropped at the end,
 * so concurrent runs (two developers, CI beside a session) never see each other's data.
 */
export default async function setup(project: TestProject) {
  const run = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/dtpc_test_${run}`;
  const databaseUrl = base.toString();
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const queuePrefix = `{dtpc-test-${run}}`;

  await ensureDatabase(databaseUrl);
  await runMigrations(databaseUrl);
  await runSandboxMigrations(databaseUrl);
  const { pool, db } = createDb(databaseUrl, 2);
  await seedReference(db);
  await pool.end();

  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redisUrl);
  project.provide('queuePrefix', queuePrefix);

  return async () => {
    const admin = new URL(databaseUrl);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "dtpc_test_${run}" WITH (FORCE)`);
    await client.end();
    const redis = new Redis(redisUrl);
    let cursor = '0';
    do {
      // Files that need queues of their own use {dtpc-test-<run>-<file>}, so match the whole family.
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{dtpc-test-${run}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  };
}
