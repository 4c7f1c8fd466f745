import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { pickupPoints } from './pickup-points.ts';
import { products } from './products.ts';
import { users } from './users.ts';

/**
 * Why stock changed. Orders: `reserve` takes an order's quantity when it is imported, `release`
 * gives it back when the order is cancelled, `consume` (delta 0) notes that a delivered order's
 * reservation became a sale, so the ledger tells the whole story while sum(delta) still equals stock.
 */
export const STOCK_MOVEMENT_KINDS = [
  'initial', 'set', 'adjust', 'import', 'reserve', 'release', 'consume',
  // Consignment (issue 14): the farm's side of a transfer to a post office, the office's counted
  // receipt, a return from the office (out of the office; into the farm when restocked), counter
  // sales and their voids at the office.
  'consign_out', 'consign_in', 'consign_return', 'counter_sale', 'counter_void',
] as const;

/**
 * The stock ledger: every change of a product's stock is one row, with its location, so that
 * sum(delta) per product at the farm (pickup_point_id null) always equals products.stock, and at a
 * post office equals that office's location_stock.
 */
export const stockMovements = pgTable(
  'stock_movements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    kind: text('kind').$type<(typeof STOCK_MOVEMENT_KINDS)[number]>().notNull(),
    delta: integer('delta').notNull(),
    stockAfter: integer('stock_after').notNull(),
    reason: text('reason').notNull(),
    /** Where the stock moved: null for the farm (what Postmart sells), else the post office holding it on consignment. */
    pickupPointId: uuid('pickup_point_id').references(() => pickupPoints.id),
    /** Null when the system acted on its own (no user). */
    actorUserId: uuid('actor_user_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('stock_movements_product_idx').on(t.productId, t.id),
    index('stock_movements_point_idx').on(t.pickupPointId, t.productId).where(sql`${t.pickupPointId} IS NOT NULL`),
    check('stock_movements_after_non_negative', sql`${t.stockAfter} >= 0`),
  ],
);
