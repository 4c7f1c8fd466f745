import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { communes } from './communes.ts';
import { sellers } from './sellers.ts';

export const CATEGORIES = ['fruit', 'vegetable', 'rice', 'seafood', 'processed', 'flower', 'herbal', 'other'] as const;
export const UNITS = ['kg', 'hop', 'thung', 'bo', 'trai', 'goi', 'chai', 'tui'] as const;
export const PRODUCT_STATUSES = ['draft', 'active', 'archived'] as const;
export const CERTIFICATION_TYPES = ['OCOP_3_STAR', 'OCOP_4_STAR', 'OCOP_5_STAR', 'VIETGAP', 'GLOBALGAP', 'ORGANIC'] as const;

export type Certification = {
  type: (typeof CERTIFICATION_TYPES)[number];
  number: string;
  issuedAt: string;
  expiresAt: string;
};

export const products = pgTable(
  'products',
  {
    /** UUIDv7: time-ordered, so keyset paging by id follows creation order. */
    id: uuid('id').primaryKey(),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => sellers.id),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    category: text('category', { enum: CATEGORIES }).notNull(),
    unit: text('unit', { enum: UNITS }).notNull(),
    priceVnd: bigint('price_vnd', { mode: 'number' }).notNull(),
    stock: integer('stock').notNull().default(0),
    weightGrams: integer('weight_grams').notNull(),
    images: jsonb('images').$type<string[]>().notNull().default([]),
    originWardCode: text('origin_ward_code')
      .notNull()
      .references(() => communes.code),
    shelfLifeDays: integer('shelf_life_days'),
    harvestFrom: date('harvest_from', { mode: 'string' }),
    harvestTo: date('harvest_to', { mode: 'string' }),
    certifications: jsonb('certifications').$type<Certification[]>().notNull().default([]),
    status: text('status', { enum: PRODUCT_STATUSES }).notNull().default('draft'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('products_seller_sku_uq').on(t.sellerId, t.sku),
    index('products_seller_id_idx').on(t.sellerId, t.id),
    index('products_category_idx').on(t.category, t.id),
    index('products_origin_idx').on(t.originWardCode, t.id),
    index('products_status_idx').on(t.status, t.id),
    check('products_price_positive', sql`${t.priceVnd} > 0`),
    check('products_stock_non_negative', sql`${t.stock} >= 0`),
    check('products_weight_positive', sql`${t.weightGrams} > 0`),
    check('products_harvest_window', sql`${t.harvestFrom} IS NULL OR ${t.harvestTo} IS NULL OR ${t.harvestFrom} <= ${t.harvestTo}`),
  ],
);
