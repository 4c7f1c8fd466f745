import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../src/db.ts';

/**
 * A short key naming this database's history, for ids built from its sequences that outlive it in
 * Redis (the outbox relay's BullMQ job ids: BullMQ silently ignores an add whose job id it still
 * holds, so a repeated id drops the job).
 *
 * - A new database (first start, or dropped and recreated) draws a new random id in migration 0012.
 * - A restore from pg_dump keeps that row, so the key also covers where the row lives: the table's
 *   own OID (pg_restore creates the table anew, always under a new OID in the same cluster), the
 *   database's OID and the cluster's system identifier (another cluster). A restored database thus
 *   gets a new key although its sequences resume from the dump, while the original, still running,
 *   keeps its own.
 * - Something that merely moves the row (pg_upgrade makes a new cluster) changes the key once, which
 *   is harmless: ids change, they never repeat.
 */
export async function databaseIncarnationKey(db: DbOrTx): Promise<string> {
  const res = await db.execute<{ id: string; tableOid: string; databaseOid: string }>(sql`
    SELECT i.id::text AS "id", 'database_incarnation'::regclass::oid::text AS "tableOid", d.oid::text AS "databaseOid"
    FROM database_incarnation i JOIN pg_database d ON d.datname = current_database()`);
  const row = res.rows[0];
  if (!row) throw new Error('database_incarnation has no row: run the migrations (npm run db:migrate)');
  // Readable by every role since PostgreSQL 10 unless revoked; without it the other parts still differ.
  const system = await db
    .execute<{ id: string }>(sql`SELECT system_identifier::text AS "id" FROM pg_control_system()`)
    .then((r) => r.rows[0]?.id ?? '', () => '');
  return createHash('sha256').update(`${row.id}/${row.tableOid}/${row.databaseOid}/${system}`).digest('hex').slice(0, 16);
}
