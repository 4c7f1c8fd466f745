import { sql } from 'drizzle-orm';
import { boolean, check, date, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { communes } from './communes.ts';
import { orders } from './orders.ts';
import { users } from './users.ts';

/** postmart-api.md#post-offices-fulfillment-locations */
export const PICKUP_POINT_KINDS = ['BUU_CUC', 'BUU_DIEN_VAN_HOA_XA', 'DIEM_GIAO_DICH'] as const;
export const PICKUP_POINT_SOURCES = ['postmart', 'local'] as const;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** Local times HH:MM; a close at or before the open means the interval ends the next day. */
export type OpeningInterval = { open: string; close: string };
export type OpeningHours = Record<Weekday, OpeningInterval[]>;

/** Post offices where sellers drop parcels and buyers collect them: Postmart's list plus our own. */
export const pickupPoints = pgTable(
  'pickup_points',
  {
    id: uuid('id').primaryKey(),
    /** Postmart's post_office_code (a local point has a code of our choosing). */
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    kind: text('kind', { enum: PICKUP_POINT_KINDS }).notNull(),
    wardCode: text('ward_code')
      .notNull()
      .references(() => communes.code),
    address: text('address').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    /** Null when unknown (Postmart's free text did not parse): such a point is never reported open. */
    openingHours: jsonb('opening_hours').$type<OpeningHours>(),
    /** Postmart's opening_hours as it sent it, for people to read. */
    openingHoursText: text('opening_hours_text'),
    dailyCapacity: integer('daily_capacity').notNull().default(30),
    coldStorage: boolean('cold_storage').notNull().default(false),
    acceptsDropoff: boolean('accepts_dropoff').notNull().default(true),
    buyerPickup: boolean('buyer_pickup').notNull().default(true),
    active: boolean('active').notNull().default(true),
    source: text('source', { enum: PICKUP_POINT_SOURCES }).notNull(),
    holdDays: integer('hold_days').notNull().default(7),
    perishableHoldDays: integer('perishable_hold_days').notNull().default(3),
    /** Set by the sync when Postmart stopped listing the point (it is then inactive). */
    vanishedAt: timestamp('vanished_at', { withTimezone: true }),
    lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The distance search prefilters on a bounding box before the great-circle formula.
    index('pickup_points_lat_lng_idx').on(t.lat, t.lng),
    index('pickup_points_ward_idx').on(t.wardCode),
    check('pickup_points_capacity', sql`${t.dailyCapacity} >= 0`),
    check('pickup_points_hold_days', sql`${t.holdDays} >= 1 AND ${t.perishableHoldDays} >= 1`),
    check('pickup_points_coordinates', sql`${t.lat} BETWEEN -90 AND 90 AND ${t.lng} BETWEEN -180 AND 180`),
  ],
);

/** Drop-off slots booked per point and Vietnam calendar day; the check is what makes booking atomic. */
export const pickupPointDays = pgTable(
  'pickup_point_days',
  {
    pickupPointId: uuid('pickup_point_id')
      .notNull()
      .references(() => pickupPoints.id),
    day: date('day', { mode: 'string' }).notNull(),
    booked: integer('booked').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.pickupPointId, t.day] }), check('pickup_point_days_booked', sql`${t.booked} >= 0`)],
);

/**
 * requested: slot booked, ship queued for Postmart; accepted: Postmart gave a package number;
 * failed: Postmart refused (slot freed); released: the order was cancelled (slot freed).
 */
export const SHIPMENT_STATES = ['requested', 'accepted', 'failed', 'released'] as const;

/** The seller's drop-off of an order at a pickup point, and the clerk's receipt of it. */
export const shipments = pgTable(
  'shipments',
  {
    orderId: uuid('order_id')
      .primaryKey()
      .references(() => orders.id, { onDelete: 'cascade' }),
    /** A new id per ship request: it keys the idempotent Postmart call, so a re-ship elsewhere is a new call. */
    bookingId: uuid('booking_id').notNull(),
    pickupPointId: uuid('pickup_point_id')
      .notNull()
      .references(() => pickupPoints.id),
    day: date('day', { mode: 'string' }).notNull(),
    state: text('state', { enum: SHIPMENT_STATES }).notNull(),
    packageNumber: text('package_number'),
    failure: text('failure'),
    declaredWeightGrams: integer('declared_weight_grams').notNull(),
    measuredWeightGrams: integer('measured_weight_grams'),
    weightFlagged: boolean('weight_flagged').notNull().default(false),
    handedOverAt: timestamp('handed_over_at', { withTimezone: true }),
    handedOverBy: uuid('handed_over_by').references(() => users.id),
    requestedBy: uuid('requested_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // The counter looks parcels up by the package number on their label (GET /v1/parcels/:packageNumber).
  (t) => [index('shipments_point_day_idx').on(t.pickupPointId, t.day), index('shipments_package_number_idx').on(t.packageNumber)],
);

/** A parcel waiting at a pickup point for its buyer: when it arrived, who collected it, or when it was flagged for return. */
export const pickupParcels = pgTable(
  'pickup_parcels',
  {
    orderId: uuid('order_id')
      .primaryKey()
      .references(() => orders.id, { onDelete: 'cascade' }),
    pickupPointId: uuid('pickup_point_id')
      .notNull()
      .references(() => pickupPoints.id),
    arrivedAt: timestamp('arrived_at', { withTimezone: true }).notNull(),
    holdUntil: timestamp('hold_until', { withTimezone: true }).notNull(),
    collectedAt: timestamp('collected_at', { withTimezone: true }),
    collectedBy: uuid('collected_by').references(() => users.id),
    returnFlaggedAt: timestamp('return_flagged_at', { withTimezone: true }),
  },
  (t) => [
    index('pickup_parcels_point_idx').on(t.pickupPointId),
    index('pickup_parcels_waiting_idx').on(t.holdUntil).where(sql`${t.collectedAt} IS NULL AND ${t.returnFlaggedAt} IS NULL`),
  ],
);
