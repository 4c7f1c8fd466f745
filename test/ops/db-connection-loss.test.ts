import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../src/db.ts';
import { eventually } from '../support/eventually.ts';

// A pool of this file's own on the run's database; the only backend it terminates is its own. Before the
// fix (src/db.ts) the ended connection emitted an unhandled 'error', which fails the run as an uncaught exception.
const { pool, db } = createDb(inject('databaseUrl'), 2, 'dtpc-test-connection-loss');
const admin = new pg.Client({ connectionString: inject('databaseUrl') });

afterAll(async () => {
  await admin.end();
  await pool.end();
});

describe('a database connection ended under a checked-out client', () => {
  it('fails the transaction that held it, without taking the process down, and the pool serves the next query', async () => {
    await admin.connect();
    const gone = async (pid: number) => Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1', [pid])).rows[0]!.n) === 0;
    const cut = db.transaction(async (tx) => {
      const pid = Number((await tx.execute<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`)).rows[0]!.pid);
      // Between two queries, as a request waiting on Redis or Postmart inside its transaction.
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await eventually(() => gone(pid), Boolean);
      await tx.execute(sql`SELECT 1`);
    });
    await expect(cut).rejects.toThrow();
    expect((await db.execute<{ one: number }>(sql`SELECT 1 AS one`)).rows[0]).toEqual({ one: 1 });
  });
});
