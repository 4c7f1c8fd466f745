import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from '../db/schema/index.ts';

/** The database on its pool; `$client` is the pool itself, for the few hot statements sent as named (prepared) queries. */
export type Db = NodePgDatabase<typeof schema> & { $client: pg.Pool };
/** A transaction handle; services accept either so callers can compose them in one transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

// Postgres bigint (int8) arrives as a string by default; our int8 columns are VND amounts and
// counts far below 2^53, so parse them as numbers once, here.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${v} exceeds Number.MAX_SAFE_INTEGER`);
  return n;
});

export function createDb(url: string, poolSize: number, applicationName = 'dong-thap-postmart'): { pool: pg.Pool; db: Db } {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: applicationName });
  // An idle client losing its connection (PostgreSQL restart) must not crash the process.
  pool.on('error', () => {});
  // Nor a checked-out one: pg's pool listens for errors only on idle clients, so a connection ended
  // while a transaction waits between queries (pg_terminate_backend, a failover) emitted 'error'
  // with no listener and took the whole process down (found by the chaos suite). The transaction's
  // next query fails with the error instead, and the pool discards the client when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  return { pool, db: drizzle({ client: pool, schema }) };
}
