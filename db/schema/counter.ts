import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { orders } from './orders.ts';
import { pickupPoints } from './pickup-points.ts';
import { sellers } from './sellers.ts';
import { users } from './users.ts';

/** Documents a clerk may check to unlock a parcel after too many wrong phone numbers. */
export const IDENTITY_DOCUMENTS = ['cccd', 'cmnd', 'passport', 'driving_licence'] as const;
export type IdentityDocument = (typeof IDENTITY_DOCUMENTS)[number];

/**
 * The recipient-phone check at collection, per parcel: wrong numbers counted, and the lock that
 * the fifth one sets (the clerk's list shows 0947***124, so only three digits are unknown: 1,000
 * guesses, not 5). Unlocked by an admin, or by an identity check the clerk records.
 */
export const parcelPhoneChecks = pgTable('parcel_phone_checks', {
  orderId: uuid('order_id')
    .primaryKey()
    .references(() => orders.id, { onDelete: 'cascade' }),
  /** Wrong numbers since the last unlock. */
  failures: integer('failures').notNull().default(0),
  lockedAt: timestamp('locked_at', { withTimezone: true }),
  unlockedAt: timestamp('unlocked_at', { withTimezone: true }),
  unlockedBy: uuid('unlocked_by').references(() => users.id),
  /** `admin`, or `identity` with the document the clerk saw. */
  unlockKind: text('unlock_kind', { enum: ['admin', 'identity'] }),
  identityDocument: text('identity_document', { enum: IDENTITY_DOCUMENTS }),
  identityLast4: text('identity_last4'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Cash taken at the counter for a cash-on-delivery parcel, on the Vietnam day of the collection. */
export const counterCash = pgTable(
  'counter_cash',
  {
    orderId: uuid('order_id')
      .primaryKey()
      .references(() => orders.id, { onDelete: 'cascade' }),
    pickupPointId: uuid('pickup_point_id')
      .notNull()
      .references(() => pickupPoints.id),
    day: date('day', { mode: 'string' }).notNull(),
    clerkId: uuid('clerk_id')
      .notNull()
      .references(() => users.id),
    expectedVnd: bigint('expected_vnd', { mode: 'number' }).notNull(),
    takenVnd: bigint('taken_vnd', { mode: 'number' }).notNull(),
    /** Why the cash differs from the COD amount; required then, null otherwise. */
    reason: text('reason'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('counter_cash_point_day_idx').on(t.pickupPointId, t.day),
    check('counter_cash_amounts', sql`${t.takenVnd} >= 0 AND ${t.expectedVnd} >= 0`),
    check('counter_cash_reason', sql`${t.takenVnd} = ${t.expectedVnd} OR ${t.reason} IS NOT NULL`),
  ],
);

/** A post office's cash day, closed: from then on nothing is added to or changed in that day's sheet. */
export const cashDayClosings = pgTable(
  'cash_day_closings',
  {
    pickupPointId: uuid('pickup_point_id')
      .notNull()
      .references(() => pickupPoints.id),
    day: date('day', { mode: 'string' }).notNull(),
    closedBy: uuid('closed_by')
      .notNull()
      .references(() => users.id),
    closedAt: timestamp('closed_at', { withTimezone: true }).notNull(),
    parcels: integer('parcels').notNull(),
    totalVnd: bigint('total_vnd', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.pickupPointId, t.day] })],
);

/** Why a parcel goes back to its seller: not collected in time, or refused / undeliverable per Postmart. */
export const RETURN_CAUSES = ['hold_expired', 'refused'] as const;

/** A parcel handed back to its seller at the counter. */
export const parcelReturns = pgTable('parcel_returns', {
  orderId: uuid('order_id')
    .primaryKey()
    .references(() => orders.id, { onDelete: 'cascade' }),
  pickupPointId: uuid('pickup_point_id')
    .notNull()
    .references(() => pickupPoints.id),
  cause: text('cause', { enum: RETURN_CAUSES }).notNull(),
  /** Who took the parcel for the seller, as the clerk wrote it. */
  receivedByName: text('received_by_name').notNull(),
  returnedBy: uuid('returned_by')
    .notNull()
    .references(() => users.id),
  returnedAt: timestamp('returned_at', { withTimezone: true }).notNull(),
});

/** What a post office may do for a seller under an authorization (ủy quyền). */
export const AUTHORIZATION_SCOPES = ['catalog', 'orders', 'shipping'] as const;
export type AuthorizationScope = (typeof AUTHORIZATION_SCOPES)[number];

/**
 * A seller's legal authorization (ủy quyền) for the clerks of one post office to act for them,
 * within its scopes and its validity, until revoked.
 */
export const authorizations = pgTable(
  'authorizations',
  {
    id: uuid('id').primaryKey(),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => sellers.id),
    pickupPointId: uuid('pickup_point_id')
      .notNull()
      .references(() => pickupPoints.id),
    scopes: text('scopes', { enum: AUTHORIZATION_SCOPES }).array().notNull(),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    validUntil: timestamp('valid_until', { withTimezone: true }).notNull(),
    /** The number of the signed paper. */
    documentNumber: text('document_number').notNull(),
    /** The farmer was at the counter when the clerk recorded it. */
    farmerPresent: boolean('farmer_present').notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: uuid('revoked_by').references(() => users.id),
    revokeReason: text('revoke_reason'),
    /**
     * The scan of the signed paper (SHA-256 of the processed JPEG). Kept under a key /media never
     * serves (src/services/media/storage.ts scanKey): it shows an ID number and a signature, so
     * only those who may read the authorization fetch it, through GET /v1/authorizations/{id}/scan.
     */
    scanHash: text('scan_hash'),
    scanBytes: integer('scan_bytes'),
    scanUploadedAt: timestamp('scan_uploaded_at', { withTimezone: true }),
    scanUploadedBy: uuid('scan_uploaded_by').references(() => users.id),
  },
  (t) => [
    // Every clerk request reads the live authorizations of its office: this index answers it.
    index('authorizations_point_idx').on(t.pickupPointId, t.validUntil).where(sql`${t.revokedAt} IS NULL`),
    index('authorizations_seller_idx').on(t.sellerId),
    check('authorizations_validity', sql`${t.validUntil} > ${t.validFrom}`),
    check('authorizations_scopes', sql`cardinality(${t.scopes}) > 0`),
  ],
);
