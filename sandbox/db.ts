import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './db/schema.ts';

export type SandboxDb = NodePgDatabase<typeof schema>;
export type SandboxTx = Parameters<Parameters<SandboxDb['transaction']>[0]>[0];
export type DbOrTx = SandboxDb | SandboxTx;

/** The sandbox's own pool; whoever creates it ends it (server.ts, on close). */
export function createSandboxDb(url: string, size: number): { pool: pg.Pool; db: SandboxDb } {
  const pool = new pg.Pool({ connectionString: url, max: size, application_name: 'postmart-sandbox' });
  // An idle client losing its connection (PostgreSQL restart) must not crash the process.
  pool.on('error', () => {});
  return { pool, db: drizzle({ client: pool, schema }) };
}

/** A count(*) or sum() comes back from pg as a string (int8/numeric); this makes it a number. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
