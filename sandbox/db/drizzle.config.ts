import { defineConfig } from 'drizzle-kit';

/** The Postmart sandbox's own migrations, apart from the connector's (see sandbox/db/migrate.ts). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './sandbox/db/schema.ts',
  out: './sandbox/db/migrations',
  schemaFilter: ['postmart_sandbox'],
  migrations: { table: '__sandbox_migrations', schema: 'postmart_sandbox_drizzle' },
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/dong_thap_postmart' },
  strict: true,
  verbose: true,
});
