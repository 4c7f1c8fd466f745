import { sql } from 'drizzle-orm';
import { bigint, bigserial, date, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { sellers } from './sellers.ts';

/**
 * How the sales rollup is cut: `post_office` partitions each (day, seller)'s orders exactly (key ''
 * when the order names no post office), so time, seller and commune reports sum it; `category`,
 * `certification` and `product` count an order once per key it contains, so their rows may overlap.
 */
export const SALES_DIMENSIONS = ['post_office', 'category', 'certification', 'product'] as const;

/**
 * Sales per Vietnam calendar day (of the order's placement), seller and key, recomputed cell by
 * cell from orders (src/services/reports-rollup.ts). Reports over a year read a few thousand of
 * these rows instead of every order and line.
 */
export const salesRollup = pgTable(
  'sales_rollup',
  {
    dim: text('dim', { enum: SALES_DIMENSIONS }).notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => sellers.id),
    key: text('key').notNull(),
    orders: integer('orders').notNull(),
    cancelled: integer('cancelled').notNull(),
    units: integer('units').notNull(),
    revenueVnd: bigint('revenue_vnd', { mode: 'number' }).notNull(),
    codRevenueVnd: bigint('cod_revenue_vnd', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.dim, t.day, t.sellerId, t.key] }), index('sales_rollup_seller_idx').on(t.sellerId, t.dim, t.day)],
);

/**
 * (day, seller) cells whose orders changed since the rollup last read them. Triggers on orders,
 * order_lines and products append here (custom migration 0007), so the order import needs no
 * change; appending never contends, and the refresher consumes rows with DELETE … RETURNING, so a
 * change committed late is simply picked up by the next refresh.
 */
export const salesDirtyCells = pgTable('sales_dirty_cells', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  day: date('day', { mode: 'string' }).notNull(),
  sellerId: uuid('seller_id').notNull(),
});

/** The Vietnam calendar day of a unix time in seconds: UTC+7 all year (no daylight saving). */
export const vnDayOf = (epochSeconds: unknown) => sql`(date '1970-01-01' + ((${epochSeconds} + 25200) / 86400)::int)`;
