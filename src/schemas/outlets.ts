import { Type } from '@sinclair/typebox';
import { PAYMENT_METHODS, PICKUP_WINDOWS, RETURN_REASONS } from '../../db/schema/outlets.ts';
import { CalendarDate, Label, Phone, StringEnum, Timestamp, Uuid, Vnd, WardCode } from './common.ts';

const Qty = Type.Integer({ minimum: 1, maximum: 100_000 });
const Reason = Type.String({ minLength: 3, maxLength: 500, pattern: '\\S', description: 'Why, in words (kept in the history)' });
const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);

/* Consignment */

export const ConsignmentBody = Type.Object(
  {
    sellerId: Type.Optional(Uuid({ description: 'Required for an admin; a seller manager sends their own seller’s goods' })),
    pickupPointId: Uuid(),
    note: Type.Optional(Type.String({ maxLength: 500 })),
    lines: Type.Array(
      Type.Object(
        {
          productId: Uuid(),
          qty: Qty,
          lot: Type.Optional(Type.String({ maxLength: 60 })),
          harvestDate: Type.Optional(CalendarDate),
          shelfLifeDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'Defaults to the product’s shelf life' })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);

const ConsignmentLine = Type.Object({
  id: Uuid(), productId: Uuid(), sku: Type.String(), name: Type.String(),
  qtySent: Type.Integer(), qtyReceived: Nullable(Type.Integer()), difference: Type.Union([Type.Integer(), Type.Null()], { description: 'qtyReceived − qtySent once counted' }),
  lot: Nullable(Type.String()), harvestDate: Type.Union([CalendarDate, Type.Null()]), shelfLifeDays: Nullable(Type.Integer()),
  bestBefore: Type.Union([CalendarDate, Type.Null()]), remaining: Type.Integer({ description: 'Still on the office’s shelf' }),
});

export const Consignment = Type.Object({
  id: Uuid(), sellerId: Uuid(), pickupPointId: Uuid(), state: StringEnum(['sent', 'received'] as const), note: Type.String(),
  sentAt: Timestamp, sentBy: Type.Union([Uuid(), Type.Null()]), receivedAt: Type.Union([Timestamp, Type.Null()]), receivedBy: Type.Union([Uuid(), Type.Null()]),
  lines: Type.Array(ConsignmentLine),
});
export const ConsignmentList = Type.Object({ items: Type.Array(Consignment) });
export const ConsignmentQuery = Type.Object(
  { state: Type.Optional(StringEnum(['sent', 'received'] as const)), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })) },
  { additionalProperties: false },
);

export const ReceiveBody = Type.Object(
  { counts: Type.Array(Type.Object({ lineId: Uuid(), qtyReceived: Type.Integer({ minimum: 0, maximum: 100_000 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
);

export const ReturnBody = Type.Object(
  { lineId: Uuid(), qty: Qty, reason: StringEnum(RETURN_REASONS, { description: 'unsold goes back into the farm’s stock; expiring and damaged do not' }), note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export const ConsignmentReturn = Type.Object({
  id: Uuid(), lineId: Uuid(), pickupPointId: Uuid(), productId: Uuid(), qty: Type.Integer(), reason: StringEnum(RETURN_REASONS), note: Type.String(),
  restocked: Type.Boolean(), clerkUserId: Type.Union([Uuid(), Type.Null()]), remaining: Type.Integer(), createdAt: Timestamp,
});

export const PointQuery = Type.Object({ pickupPointId: Type.Optional(Uuid({ description: 'The office (a clerk’s own by default)' })) }, { additionalProperties: false });

export const Shelf = Type.Object({
  pickupPointId: Uuid(),
  today: CalendarDate,
  lots: Type.Array(
    Type.Object({
      lineId: Uuid(), consignmentId: Uuid(), productId: Uuid(), sku: Type.String(), name: Type.String(), unit: Type.String(), priceVnd: Vnd(),
      sellerId: Uuid(), sellerName: Type.String(), lot: Nullable(Type.String()), harvestDate: Type.Union([CalendarDate, Type.Null()]),
      bestBefore: Type.Union([CalendarDate, Type.Null()]), daysLeft: Type.Union([Type.Integer(), Type.Null()], { description: 'Days to the best-before; negative when past it' }),
      remaining: Type.Integer(), nearExpiry: Type.Boolean(),
    }),
    { description: 'Nearest best-before first; goods that keep last' },
  ),
});

export const StockByLocation = Type.Object({
  productId: Uuid(),
  farm: Type.Integer({ description: 'products.stock: what Postmart sells' }),
  postOffices: Type.Array(Type.Object({ pickupPointId: Uuid(), code: Type.String(), name: Type.String(), stock: Type.Integer() })),
  total: Type.Integer(),
});

/* Counter sales */

export const SaleBody = Type.Object(
  {
    pickupPointId: Type.Optional(Uuid({ description: 'The clerk’s own office by default' })),
    lines: Type.Array(Type.Object({ productId: Uuid(), qty: Qty }, { additionalProperties: false }), { minItems: 1, maxItems: 50 }),
    payment: StringEnum(PAYMENT_METHODS),
    cashReceivedVnd: Type.Optional(Vnd({ minimum: 1, description: 'Cash handed over (defaults to the total); the change is computed' })),
  },
  { additionalProperties: false },
);

/** Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): a fresh random value per sale, e.g. a UUID. */
export const SaleHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$', description: 'A new random value per sale (a UUID): sending the same request again answers the sale it made instead of selling twice' }),
  ),
});

export const Sale = Type.Object({
  id: Uuid(), receiptNo: Type.String(), pickupPointId: Uuid(), clerkUserId: Uuid(), soldAt: Timestamp, vnDay: CalendarDate,
  payment: StringEnum(PAYMENT_METHODS), totalVnd: Vnd(), cashReceivedVnd: Type.Union([Vnd(), Type.Null()]), changeVnd: Type.Union([Vnd(), Type.Null()]),
  vietqrPayload: Type.Union([Type.String(), Type.Null()], { description: 'NAPAS VietQR (EMVCo) payload for bank transfers: draw it as a QR code' }),
  state: StringEnum(['completed', 'voided'] as const), voidedAt: Type.Union([Timestamp, Type.Null()]), voidReason: Type.Union([Type.String(), Type.Null()]),
  lines: Type.Array(
    Type.Object({
      productId: Uuid(), sku: Type.String(), name: Type.String(), unit: Type.String(), sellerId: Uuid(), qty: Type.Integer(),
      unitPriceVnd: Vnd(), amountVnd: Vnd(), commissionBp: Type.Integer(), commissionVnd: Vnd(),
    }),
  ),
});
export const SaleList = Type.Object({ pickupPointId: Type.Union([Uuid(), Type.Null()]), date: CalendarDate, items: Type.Array(Sale) });
export const SaleListQuery = Type.Object({ pickupPointId: Type.Optional(Uuid()), date: Type.Optional(CalendarDate) }, { additionalProperties: false });
export const VoidBody = Type.Object({ reason: Reason }, { additionalProperties: false });
export const Html = { content: { 'text/html': { schema: Type.String({ description: 'A printable page' }) } } };

/* Outlet settings, commission, settlement */

export const OutletSettings = Type.Object({
  pickupPointId: Uuid(),
  bankBin: Type.Union([Type.String({ pattern: '^[0-9]{6}$' }), Type.Null()]),
  bankAccount: Type.Union([Type.String({ pattern: '^[0-9A-Za-z]{1,19}$' }), Type.Null()]),
  bankAccountName: Type.Union([Type.String({ maxLength: 100 }), Type.Null()]),
  acceptsFarmPickup: Type.Boolean(),
  farmPickupRadiusKm: Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
  farmPickupCapacity: Type.Integer({ minimum: 0, maximum: 200 }),
});
export const OutletSettingsBody = Type.Partial(Type.Omit(OutletSettings, ['pickupPointId']), { additionalProperties: false, minProperties: 1 });

export const CommissionRateBody = Type.Object(
  {
    rateBp: Type.Integer({ minimum: 0, maximum: 10000, description: 'Basis points: 1000 = 10 %' }),
    effectiveFrom: Type.Optional(Type.String({ format: 'date-time', description: 'Now by default; never in the past' })),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export const CommissionRate = Type.Object({ id: Type.Integer(), sellerId: Uuid(), rateBp: Type.Integer(), effectiveFrom: Timestamp, note: Type.String(), setBy: Type.Union([Uuid(), Type.Null()]), createdAt: Timestamp });
export const CommissionRateList = Type.Object({ items: Type.Array(CommissionRate) });

export const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM (Vietnam calendar month)' });
export const StatementBody = Type.Object({ sellerId: Uuid(), pickupPointId: Uuid(), month: Month }, { additionalProperties: false });
export const Statement = Type.Object({
  id: Uuid(), sellerId: Uuid(), sellerName: Type.String(), pickupPointId: Uuid(), pointName: Type.String(), month: Month,
  units: Type.Integer(), salesVnd: Vnd(), commissionVnd: Vnd(), owedVnd: Vnd({ description: 'salesVnd − commissionVnd, owed to the seller' }),
  lines: Type.Array(Type.Object({ productId: Uuid(), sku: Type.String(), name: Type.String(), units: Type.Integer(), salesVnd: Vnd(), commissionBp: Type.Integer(), commissionVnd: Vnd() })),
  state: StringEnum(['draft', 'accepted'] as const), generatedAt: Timestamp, acceptedAt: Type.Union([Timestamp, Type.Null()]), acceptedBy: Type.Union([Uuid(), Type.Null()]),
});
export const StatementList = Type.Object({ items: Type.Array(Statement) });
export const StatementQuery = Type.Object({ month: Type.Optional(Month), format: Type.Optional(StringEnum(['json', 'csv', 'html', 'pdf'] as const)) }, { additionalProperties: false });

/* Farm pickups */

export const FarmPickupBody = Type.Object(
  {
    sellerId: Type.Optional(Uuid({ description: 'Required for an admin' })),
    day: CalendarDate,
    window: StringEnum(PICKUP_WINDOWS),
    parcels: Type.Integer({ minimum: 1, maximum: 200 }),
    wardCode: WardCode,
    address: Label(300),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    contactPhone: Type.Optional(Phone),
    orderIds: Type.Optional(Type.Array(Uuid(), { maxItems: 200, description: 'Orders whose parcels are picked up (confirmed, not shipped yet): each is shipped through the picking-up office, whose code the ship call to Postmart names; parcels must be at least their number' })),
  },
  { additionalProperties: false },
);
export const RescheduleBody = Type.Object({ day: CalendarDate, window: StringEnum(PICKUP_WINDOWS), reason: Reason }, { additionalProperties: false });
export const FarmPickup = Type.Object({
  id: Uuid(), sellerId: Uuid(), pickupPointId: Uuid(), pickupPointCode: Type.String(), pickupPointName: Type.String(), orderIds: Type.Array(Uuid()), day: CalendarDate, window: StringEnum(PICKUP_WINDOWS), parcels: Type.Integer(), wardCode: Type.String(),
  address: Type.String(), lat: Type.Number(), lng: Type.Number(), positionGiven: Type.Boolean(), contactPhone: Type.String(), distanceKm: Type.Number(),
  state: StringEnum(['booked', 'collected', 'cancelled'] as const), createdAt: Timestamp, updatedAt: Timestamp,
});
export const FarmPickupList = Type.Object({ items: Type.Array(FarmPickup) });
export const FarmPickupDetail = Type.Composite([
  FarmPickup,
  Type.Object({
    events: Type.Array(
      Type.Object({
        id: Type.Integer(), kind: Type.String(), fromDay: Type.Union([CalendarDate, Type.Null()]), fromWindow: Type.Union([Type.String(), Type.Null()]),
        toDay: Type.Union([CalendarDate, Type.Null()]), toWindow: Type.Union([Type.String(), Type.Null()]), reason: Type.String(), actorUserId: Type.Union([Uuid(), Type.Null()]), createdAt: Timestamp,
      }),
    ),
  }),
]);
export const FarmPickupQuery = Type.Object({ day: Type.Optional(CalendarDate), from: Type.Optional(CalendarDate), pickupPointId: Type.Optional(Uuid()) }, { additionalProperties: false });
export const RouteQuery = Type.Object({ day: Type.Optional(CalendarDate), format: Type.Optional(StringEnum(['json', 'html'] as const)) }, { additionalProperties: false });
export const DayRoute = Type.Object({
  pickupPointId: Uuid(), pointName: Type.String(), day: CalendarDate, totalKm: Type.Number({ description: 'Great-circle length of the round, back to the office' }),
  stops: Type.Array(Type.Object({ order: Type.Integer(), pickupId: Uuid(), sellerName: Type.String(), contactPhone: Type.String(), parcels: Type.Integer(), window: Type.String(), address: Type.String(), lat: Type.Number(), lng: Type.Number(), legKm: Type.Number() })),
});

/* The outlet report */

const PostmartFigures = Type.Object({ orders: Type.Integer(), units: Type.Integer(), revenueVnd: Vnd() });
const CounterFigures = Type.Object({ sales: Type.Integer(), units: Type.Integer(), revenueVnd: Vnd() });
export const OutletReportQuery = Type.Object(
  {
    from: Type.Optional(CalendarDate),
    to: Type.Optional(CalendarDate),
    groupBy: StringEnum(['pickupPoint', 'commune', 'category'] as const, { default: 'pickupPoint' }),
  },
  { additionalProperties: false },
);
export const OutletReport = Type.Object({
  from: CalendarDate, to: CalendarDate, groupBy: Type.String(),
  rows: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), postmart: PostmartFigures, counter: CounterFigures })),
  totals: Type.Object({ postmart: PostmartFigures, counter: CounterFigures }),
  consignedStock: Type.Array(Type.Object({ pickupPointId: Uuid(), code: Type.String(), name: Type.String(), units: Type.Integer(), valueVnd: Vnd() })),
});
