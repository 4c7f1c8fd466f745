import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sellers } from './sellers.ts';

export const ROLES = ['admin', 'provincial_staff', 'seller_manager', 'post_office_clerk'] as const;
export type Role = (typeof ROLES)[number];

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    /** E.164 (+84…), validated by libphonenumber-js (src/lib/phone.ts); shown in Vietnamese national form. */
    phone: text('phone').notNull().unique(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    /** Scope of a seller_manager. */
    sellerId: uuid('seller_id').references(() => sellers.id),
    /** Scope of a post_office_clerk; the pickup point registry arrives with its own issue. */
    pickupPointId: uuid('pickup_point_id'),
    passwordHash: text('password_hash').notNull(),
    disabled: boolean('disabled').notNull().default(false),
    /**
     * Carried in every token the account gets (`ver`); a password change, a role or scope change and
     * disabling bump it, so every token issued before stops working at once.
     */
    tokenVersion: integer('token_version').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('users_seller_id_idx').on(t.sellerId),
    check('users_seller_scope', sql`(${t.role} = 'seller_manager') = (${t.sellerId} IS NOT NULL)`),
    check('users_pickup_scope', sql`(${t.role} = 'post_office_clerk') = (${t.pickupPointId} IS NOT NULL)`),
  ],
);
