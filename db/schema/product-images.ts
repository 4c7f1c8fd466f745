import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { products } from './products.ts';

/**
 * Photos uploaded for a product, in display order. The bytes live in media storage under their
 * content hash (`<hash>.jpg`, thumbnail `<hash>_320.jpg`); `products.images` holds their public
 * URLs in this order, which is what the listing sends to Postmart.
 */
export const productImages = pgTable(
  'product_images',
  {
    id: uuid('id').primaryKey(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    /** sha256 (hex) of the processed 1280 px JPEG. */
    hash: text('hash').notNull(),
    position: integer('position').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    bytes: integer('bytes').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('product_images_product_hash_uq').on(t.productId, t.hash), index('product_images_hash_idx').on(t.hash)],
);
