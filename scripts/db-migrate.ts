// npm run db:migrate: create the database if missing and apply committed migrations (for deployments
// that run migrations as a release step with MIGRATE_ON_START=false on the replicas).
import { ensureDatabase, runMigrations } from '../db/migrate.ts';
import { loadConfig } from '../src/config.ts';

const config = loadConfig();
if (await ensureDatabase(config.databaseUrl)) console.log('created database');
await runMigrations(config.databaseUrl);
console.log('migrations applied');
