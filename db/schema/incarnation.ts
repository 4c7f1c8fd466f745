import { sql } from 'drizzle-orm';
import { boolean, check, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * One row: a random id drawn when this database was created (migration 0012). Together with where
 * the row physically lives (db/incarnation.ts) it names this database's history, so ids derived from
 * database sequences, such as the outbox's BullMQ job ids, never repeat an id a Redis still holds
 * from another database: a dropped and recreated one, or a backup restored beside the original.
 */
export const databaseIncarnation = pgTable(
  'database_incarnation',
  {
    /** Always true: the primary key admits one row. */
    singleton: boolean('singleton').primaryKey().default(true),
    id: uuid('id').notNull().defaultRandom(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('database_incarnation_one_row', sql`${t.singleton}`)],
);
