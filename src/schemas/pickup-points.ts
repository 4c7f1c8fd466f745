import { Type, type Static } from '@sinclair/typebox';
import { PICKUP_POINT_KINDS, PICKUP_POINT_SOURCES } from '../../db/schema/pickup-points.ts';
import { ORDER_STATUSES } from '../../db/schema/orders.ts';
import { CalendarDate, Cursor, Label, Limit, StringEnum, Timestamp, Uuid, WardCode } from './common.ts';

const Strict = { additionalProperties: false } as const;
const Clock = Type.String({ pattern: '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$', description: 'HH:MM local time (Asia/Ho_Chi_Minh); 24:00 closes at midnight' });
const Interval = Type.Object({ open: Clock, close: Clock }, { ...Strict, description: 'A close at or before the open runs past midnight into the next day' });

const Day = Type.Optional(Type.Array(Interval, { maxItems: 6 }));
export const OpeningHours = Type.Object(
  { mon: Day, tue: Day, wed: Day, thu: Day, fri: Day, sat: Day, sun: Day },
  { ...Strict, description: 'Per weekday (mon…sun) the opening intervals; a missing or empty day is closed. Example: {"mon":[{"open":"07:00","close":"11:30"},{"open":"13:30","close":"17:00"}]}' },
);

const Kind = StringEnum(PICKUP_POINT_KINDS, { description: 'BUU_CUC (post office), BUU_DIEN_VAN_HOA_XA (commune cultural post office), DIEM_GIAO_DICH (counter)' });
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Lng = Type.Number({ minimum: -180, maximum: 180 });
const Capacity = Type.Integer({ minimum: 0, maximum: 100_000, description: 'Parcels the point takes from sellers per day' });
const HoldDays = Type.Integer({ minimum: 1, maximum: 60, description: 'Days a parcel waits for its buyer before it is flagged for return' });
const PerishableHoldDays = Type.Integer({ minimum: 1, maximum: 60, description: 'The same for parcels with a product of shelf life ≤ 7 days' });

export const PickupPoint = Type.Object(
  {
    id: Uuid(),
    code: Type.String({ description: "Postmart's post_office_code" }),
    name: Type.String(),
    kind: Kind,
    wardCode: Type.String(),
    address: Type.String(),
    lat: Type.Number(),
    lng: Type.Number(),
    openingHours: Type.Union([OpeningHours, Type.Null()], { description: 'Null when unknown (then never reported open)' }),
    openingHoursText: Type.Union([Type.String(), Type.Null()], { description: "Postmart's own wording of the hours" }),
    dailyCapacity: Type.Integer(),
    coldStorage: Type.Boolean(),
    acceptsDropoff: Type.Boolean(),
    buyerPickup: Type.Boolean(),
    active: Type.Boolean(),
    source: StringEnum(PICKUP_POINT_SOURCES, { description: 'postmart: kept in step with Postmart; local: entered here (CSV or POST)' }),
    holdDays: Type.Integer(),
    perishableHoldDays: Type.Integer(),
    vanishedAt: Type.Union([Timestamp, Type.Null()], { description: 'When Postmart stopped listing it' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'PickupPoint' },
);

/** A point found by distance, with today's state. */
export const NearbyPickupPoint = Type.Composite([
  Type.Omit(PickupPoint, ['createdAt', 'updatedAt', 'vanishedAt']),
  Type.Object({
    distanceKm: Type.Union([Type.Number(), Type.Null()], { description: 'Great-circle distance from the origin' }),
    remainingToday: Type.Integer({ description: 'Drop-off slots left today (Vietnam date)' }),
    openNow: Type.Boolean({ description: 'Open at this moment, Asia/Ho_Chi_Minh' }),
  }),
]);

export const PickupPointCreate = Type.Object(
  {
    code: Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
    name: Label(200),
    kind: Kind,
    wardCode: WardCode,
    address: Label(500),
    lat: Lat,
    lng: Lng,
    openingHours: Type.Optional(Type.Union([OpeningHours, Type.Null()])),
    dailyCapacity: Type.Optional(Capacity),
    coldStorage: Type.Optional(Type.Boolean()),
    acceptsDropoff: Type.Optional(Type.Boolean()),
    buyerPickup: Type.Optional(Type.Boolean()),
    active: Type.Optional(Type.Boolean()),
    holdDays: Type.Optional(HoldDays),
    perishableHoldDays: Type.Optional(PerishableHoldDays),
  },
  Strict,
);
export type PickupPointCreateInput = Static<typeof PickupPointCreate>;

export const PickupPointPatch = Type.Partial(Type.Omit(PickupPointCreate, ['code']), { ...Strict, minProperties: 1 });
export type PickupPointPatchInput = Static<typeof PickupPointPatch>;

export const PickupPointQuery = Type.Object(
  {
    near: Type.Optional(Type.String({ pattern: '^-?\\d{1,2}(\\.\\d+)?,-?\\d{1,3}(\\.\\d+)?$', description: '`lat,lng`: active points by distance from there' })),
    wardCode: Type.Optional(Type.String({ pattern: '^\\d{5}$', description: "Active points by distance from this commune's centroid" })),
    radiusKm: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 300, default: 30, description: 'With near/wardCode' })),
    active: Type.Optional(Type.Boolean({ description: 'Registry listing only (without near/wardCode)' })),
    limit: Limit,
    cursor: Type.Optional(Cursor),
  },
  Strict,
);
export type PickupPointQueryInput = Static<typeof PickupPointQuery>;

export const PickupSuggestion = Type.Composite([
  NearbyPickupPoint,
  Type.Object({ reasons: Type.Array(Type.String(), { description: 'Why it ranks where it does' }) }),
]);
export const PickupSuggestions = Type.Object({
  perishable: Type.Boolean({ description: 'The order holds a product with shelf life ≤ 7 days (cold storage ranks first)' }),
  origin: Type.Object({ wardCode: Type.String(), lat: Type.Number(), lng: Type.Number() }, { description: "The seller's commune centroid" }),
  items: Type.Array(PickupSuggestion),
});

export const ShipBody = Type.Object({ pickupPointId: Uuid({ description: 'Where the seller will drop the parcel' }) }, Strict);
export const Shipment = Type.Object({
  orderId: Uuid(),
  pickupPointId: Uuid(),
  pickupPointCode: Type.String(),
  day: CalendarDate,
  state: Type.String({ description: 'requested (queued for Postmart), accepted (package number given), failed, released (order cancelled)' }),
  packageNumber: Type.Union([Type.String(), Type.Null()]),
  failure: Type.Union([Type.String(), Type.Null()]),
  declaredWeightGrams: Type.Integer({ description: 'Sum of product weight × quantity' }),
  measuredWeightGrams: Type.Union([Type.Integer(), Type.Null()]),
  weightFlagged: Type.Boolean({ description: 'Measured weight more than 10% off the declared weight' }),
  handedOverAt: Type.Union([Timestamp, Type.Null()]),
});
export const ShipAccepted = Type.Object({ queued: Type.Literal(true), jobId: Type.String(), shipment: Shipment });

export const HandoverBody = Type.Object(
  {
    weightGrams: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Weight measured at the counter' }),
    weightConfirmed: Type.Optional(Type.Boolean({ description: 'The clerk confirms a weight more than 10% off the declared one (otherwise 409 WEIGHT_CONFIRMATION_REQUIRED)' })),
  },
  Strict,
);
export const CollectBody = Type.Object(
  {
    phone: Type.String({ minLength: 6, maxLength: 20, description: "The recipient's phone as the buyer says it; normalized before comparing" }),
    cashVnd: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Cash taken for a cash-on-delivery parcel (integer VND); required for COD, must equal the COD amount unless `cashReason` is given' })),
    cashReason: Type.Optional(Type.String({ minLength: 2, maxLength: 500, description: 'Why the cash taken differs from the COD amount' })),
  },
  Strict,
);
export const Collected = Type.Object({ orderId: Uuid(), collectedAt: Timestamp, cashVnd: Type.Union([Type.Integer(), Type.Null()], { description: 'Cash taken (COD), null for a prepaid parcel' }) });

const ParcelBase = {
  orderId: Uuid(),
  orderSn: Type.String(),
  status: StringEnum(ORDER_STATUSES),
};
export const Parcels = Type.Object({
  date: CalendarDate,
  dropoffs: Type.Array(
    Type.Object({
      ...ParcelBase,
      sellerName: Type.String(),
      packageNumber: Type.Union([Type.String(), Type.Null()]),
      shipmentState: Type.String(),
      declaredWeightGrams: Type.Integer(),
      measuredWeightGrams: Type.Union([Type.Integer(), Type.Null()]),
      weightFlagged: Type.Boolean(),
      handedOverAt: Type.Union([Timestamp, Type.Null()]),
    }),
  ),
  pickups: Type.Array(
    Type.Object({
      ...ParcelBase,
      recipientName: Type.String(),
      recipientPhone: Type.String({ description: 'Masked: the buyer tells the number' }),
      codAmountVnd: Type.Integer({ description: 'Cash to collect' }),
      arrivedAt: Type.Union([Timestamp, Type.Null()]),
      holdUntil: Type.Union([Timestamp, Type.Null()]),
      flaggedForReturn: Type.Boolean(),
      collectionLocked: Type.Boolean({ description: 'Locked after 5 wrong recipient phone numbers (POST /v1/orders/{id}/collection-unlock)' }),
      collectedAt: Type.Union([Timestamp, Type.Null()]),
    }),
  ),
});
export const ParcelsQuery = Type.Object({ date: Type.Optional(CalendarDate) }, Strict);

export const PickupSyncResult = Type.Object({ listed: Type.Integer(), added: Type.Integer(), updated: Type.Integer(), deactivated: Type.Integer(), skipped: Type.Integer() });

export const PickupImportReport = Type.Object({
  rows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  rejected: Type.Array(
    Type.Object({
      line: Type.Integer({ description: 'Line number in the file, header is line 1' }),
      code: Type.Union([Type.String(), Type.Null()], { description: 'The post office code of the row' }),
      errorCode: Type.String(),
      field: Type.Optional(Type.String()),
      message: Type.String(),
    }),
  ),
});
