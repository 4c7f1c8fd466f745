import { defineConfig } from 'drizzle-kit';

/** The Postmart sandbox's own migrations, apart from the connector's (see db/sandbox/migrate.ts). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/sandbox/schema.ts',
  out: './db/sandbox/migrations',
  schemaFilter: ['postmart_sandbox'],
  migrations: { table: '__sandbox_migrations', schema: 'postmart_sandbox_drizzle' },
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/dong_thap_postmart' },
  strict: true,
  verbose: true,
});
