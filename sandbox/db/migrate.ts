import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

export const SANDBOX_MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * Must match db/sandbox/drizzle.config.ts and differ from the connector's drizzle.__drizzle_migrations.
 * Not inside postmart_sandbox itself: drizzle creates the bookkeeping schema before the first migration,
 * whose CREATE SCHEMA "postmart_sandbox" would then fail.
 */
export const SANDBOX_MIGRATIONS = { table: '__sandbox_migrations', schema: 'postmart_sandbox_drizzle' } as const;

// Not db/migrate.ts's lock (8_241_102_025): the two migration sets are independent and may run side by side.
const SANDBOX_MIGRATION_LOCK = 8_241_102_026;

/** Applies the sandbox's committed drizzle-kit migrations (schema postmart_sandbox) under its own advisory lock. */
export async function runSandboxMigrations(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'postmart-sandbox-migrate' });
  await client.connect();
  try {
    await client.query('SET client_min_messages = warning');
    await client.query('SELECT pg_advisory_lock($1)', [SANDBOX_MIGRATION_LOCK]);
    await migrate(drizzle({ client }), {
      migrationsFolder: SANDBOX_MIGRATIONS_FOLDER,
      migrationsTable: SANDBOX_MIGRATIONS.table,
      migrationsSchema: SANDBOX_MIGRATIONS.schema,
    });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [SANDBOX_MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
}
