import { boolean, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { communes } from './communes.ts';

export const SELLER_KINDS = ['cooperative', 'household', 'enterprise'] as const;

export const sellers = pgTable('sellers', {
  id: uuid('id').primaryKey(),
  kind: text('kind', { enum: SELLER_KINDS }).notNull(),
  name: text('name').notNull(),
  taxCode: text('tax_code').unique(),
  /** E.164 (+84…), src/lib/phone.ts; shown in national form. */
  phone: text('phone').notNull(),
  wardCode: text('ward_code')
    .notNull()
    .references(() => communes.code),
  address: text('address').notNull(),
  /**
   * The seller's choice (issue 14, default off): the stock Postmart sells is the farm's plus what
   * the post offices hold on consignment (src/services/stock/postmart-stock.ts).
   */
  postmartIncludesConsigned: boolean('postmart_includes_consigned').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
