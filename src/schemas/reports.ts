import { Type, type Static } from '@sinclair/typebox';
import { ORDER_STATUSES } from '../../db/schema/orders.ts';
import { LISTING_STATUSES } from '../../db/schema/listings.ts';
import { CalendarDate, StringEnum, Timestamp, Uuid } from './common.ts';

export const GROUP_BYS = ['day', 'week', 'month', 'commune', 'category', 'seller', 'pickupPoint', 'certification'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

const Format = StringEnum(['json', 'csv'] as const, { description: 'csv: the same report as a CSV file (UTF-8 with BOM); `Accept: text/csv` does the same' });
const Day = (description: string) => Type.Unsafe<string>({ ...CalendarDate, description: `${description}; years 2000–2100` });

export const SalesQuery = Type.Object(
  {
    from: Type.Optional(Day('First Vietnam calendar day included (YYYY-MM-DD); default 29 days before `to`')),
    to: Type.Optional(Day('Last Vietnam calendar day included (YYYY-MM-DD); default today in Asia/Ho_Chi_Minh')),
    groupBy: StringEnum(GROUP_BYS, { default: 'day' }),
    format: Type.Optional(Format),
  },
  { additionalProperties: false },
);
export type SalesQueryInput = Static<typeof SalesQuery>;

/** Sellers served at a post office's counter under an authorization (ủy quyền): the programme's KPI. */
export const AssistedQuery = Type.Object(
  {
    from: Type.Optional(Day('First Vietnam calendar day included (YYYY-MM-DD); default 29 days before `to`')),
    to: Type.Optional(Day('Last Vietnam calendar day included (YYYY-MM-DD); default today in Asia/Ho_Chi_Minh')),
    groupBy: StringEnum(['pickupPoint', 'commune'] as const, { default: 'pickupPoint', description: 'pickupPoint: the authorized post office; commune: the seller’s commune' }),
    format: Type.Optional(Format),
  },
  { additionalProperties: false },
);
export type AssistedQueryInput = Static<typeof AssistedQuery>;
const AssistedFigures = {
  assistedSellers: Type.Integer({ description: 'Sellers with an authorization of a post office (ever recorded)' }),
  liveAuthorizations: Type.Integer({ description: 'Of their authorizations, those live now' }),
  orders: Type.Integer({ description: 'Their orders placed in the period' }),
  units: Type.Integer(),
  revenueVnd: Type.Integer({ description: 'Their sold orders’ goods value (as in the sales report)' }),
};
export const AssistedReport = Type.Object({
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  groupBy: StringEnum(['pickupPoint', 'commune'] as const),
  rows: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), ...AssistedFigures })),
});
export type AssistedReportOutput = Static<typeof AssistedReport>;

export const OverviewQuery = Type.Object({ format: Type.Optional(Format) }, { additionalProperties: false });

const Figures = {
  orders: Type.Integer({ description: 'Orders placed in the period, whatever their status now' }),
  units: Type.Integer({ description: 'Units sold: quantities on the lines of sold orders' }),
  revenueVnd: Type.Integer({ description: 'Goods value of sold orders: Σ qty × unit price, integer VND' }),
  codRevenueVnd: Type.Integer({ description: 'The part of revenueVnd from orders paid cash on delivery' }),
  cancelled: Type.Integer({ description: 'Orders placed in the period and now cancelled' }),
};

export const SalesRow = Type.Object({ key: Type.String(), label: Type.String(), ...Figures });
export const SalesReport = Type.Object({
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  groupBy: StringEnum(GROUP_BYS),
  rows: Type.Array(SalesRow),
  totals: Type.Object(Figures, { description: 'Over every order in range once (rows of category or certification may overlap)' }),
});
export type SalesReportOutput = Static<typeof SalesReport>;

const Money = Type.Object({ revenueVnd: Type.Integer(), codRevenueVnd: Type.Integer(), orders: Type.Integer(), units: Type.Integer() });

export const Overview = Type.Object({
  asOf: Timestamp,
  scope: Type.Union([Type.Object({ sellerId: Uuid(), sellerName: Type.String() }), Type.Null()], { description: 'Null: the whole province' }),
  activeSellers: Type.Integer({ description: 'Sellers with at least one product listed on Postmart' }),
  listedProducts: Type.Integer({ description: 'Products listed on Postmart now' }),
  ocopListedProducts: Type.Object(
    { stars3: Type.Integer(), stars4: Type.Integer(), stars5: Type.Integer(), total: Type.Integer() },
    { description: 'Listed products carrying an unexpired OCOP certificate, by its star level (the highest when several)' },
  ),
  ordersByStatus: Type.Array(Type.Object({ status: StringEnum(ORDER_STATUSES), orders: Type.Integer() })),
  thisMonth: Money,
  lastMonth: Money,
  topProducts: Type.Array(Type.Object({ productId: Uuid(), name: Type.String(), sellerName: Type.String(), units: Type.Integer(), revenueVnd: Type.Integer() }), {
    description: 'This month, by revenue',
  }),
  topSellers: Type.Array(Type.Object({ sellerId: Uuid(), name: Type.String(), orders: Type.Integer(), revenueVnd: Type.Integer() }), { description: 'This month, by revenue' }),
  pickupPointLoadToday: Type.Array(
    Type.Object({
      code: Type.String({ description: 'Post office code (`none`: home delivery with no drop-off booked)' }),
      label: Type.String({ description: 'The registry name and code, or the code alone for an office not in the registry' }),
      orders: Type.Integer({ description: 'Orders placed today (Vietnam time) that buyers will collect at this office' }),
      dropoffsBooked: Type.Integer({ description: 'Drop-offs booked at this office for today (POST /v1/orders/:id/ship)' }),
      dailyCapacity: Type.Union([Type.Integer(), Type.Null()], { description: 'Drop-offs the office takes a day; null when not in the registry' }),
    }),
    { description: 'Each post office’s work today: buyer pickups ordered today and drop-offs booked against capacity' },
  ),
  counterCash: Type.Array(
    Type.Object({
      pickupPointId: Uuid(),
      code: Type.String(),
      name: Type.String(),
      parcels: Type.Integer({ description: 'COD parcels collected at the counter this month' }),
      cashVnd: Type.Integer({ description: 'Cash taken for them (integer VND)' }),
    }),
    { description: 'Cash on delivery collected at each post office’s counter this month (Vietnam time), from the clerks’ day sheets' },
  ),
  ordersToPrepare: Type.Integer({ description: 'Orders waiting for the seller to confirm or hand over (ready_to_ship, processed)' }),
  syncHealth: Type.Object({
    listingsPending: Type.Integer(),
    listingsInError: Type.Integer(),
    listingErrors: Type.Array(
      Type.Object({ productId: Uuid(), productName: Type.String(), status: StringEnum(LISTING_STATUSES), code: Type.Union([Type.String(), Type.Null()]), message: Type.Union([Type.String(), Type.Null()]), at: Type.Union([Timestamp, Type.Null()]) }),
      { description: 'The 20 most recent listings in error or rejected; GET /v1/products/:id/listing gives the whole story' },
    ),
    oldestUnsyncedChangeAt: Type.Union([Timestamp, Type.Null()], { description: 'The oldest catalog change not yet settled on Postmart (listing outbox)' }),
    queues: Type.Union([Type.Array(Type.Object({ queue: Type.String(), waiting: Type.Integer(), active: Type.Integer(), delayed: Type.Integer(), failed: Type.Integer() })), Type.Null()], {
      description: 'Null for a seller manager (the queues are shared by every seller)',
    }),
    lastPolls: Type.Array(Type.Object({ shopId: Type.String(), sellerName: Type.Union([Type.String(), Type.Null()]), lastSuccessAt: Type.Union([Timestamp, Type.Null()]) })),
    webhookFailures: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Webhook events received more than a minute ago and still unprocessed; null for a seller manager',
    }),
  }),
});
export type OverviewOutput = Static<typeof Overview>;
