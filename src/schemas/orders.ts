import { Type, type Static } from '@sinclair/typebox';
import { ORDER_EVENT_SOURCES, ORDER_STATUSES } from '../../db/schema/orders.ts';
import { Cursor, DateTimeFilter, Limit, StringEnum, Timestamp, Uuid } from './common.ts';

const Status = StringEnum(ORDER_STATUSES);

export const OrderSummary = Type.Object({
  id: Uuid(),
  orderSn: Type.String(),
  sellerId: Uuid(),
  status: Status,
  paymentMethod: Type.String({ description: 'COD, VNPAY or BANK_TRANSFER' }),
  totalAmountVnd: Type.Integer(),
  codAmountVnd: Type.Integer({ description: 'Cash the carrier collects on delivery' }),
  fulfillmentMode: Type.String({ description: 'PICKUP_AT_POST_OFFICE or HOME_DELIVERY' }),
  postOfficeCode: Type.Union([Type.String(), Type.Null()]),
  placedAt: Timestamp,
  shipBy: Type.Union([Timestamp, Type.Null()]),
  overdue: Type.Boolean({ description: 'Still to ship and past its ship-by deadline' }),
  holdReason: Type.Union([Type.String(), Type.Null()]),
  cancelReason: Type.Union([Type.String(), Type.Null()]),
});

export const OrderDetail = Type.Composite([
  OrderSummary,
  Type.Object({
    shippingFeeVnd: Type.Integer(),
    voucherAmountVnd: Type.Integer(),
    note: Type.String(),
    recipient: Type.Object({
      name: Type.String(),
      phone: Type.String({ description: 'Masked (0912***678) for roles that do not ship the parcel' }),
      addressLine: Type.String(),
      wardCode: Type.Union([Type.String(), Type.Null()], { description: 'Our commune code, when the ward is in Đồng Tháp' }),
      wardName: Type.Union([Type.String(), Type.Null()]),
    }),
    lines: Type.Array(
      Type.Object({
        productId: Type.Union([Uuid(), Type.Null()]),
        sellerSku: Type.String(),
        name: Type.String(),
        qty: Type.Integer(),
        unitPriceVnd: Type.Integer(),
      }),
    ),
    trackingNumber: Type.Union([Type.String(), Type.Null()], { description: "The carrier's parcel number (UPU S10, EB…VN) once the parcel has one" }),
    tracking: Type.Array(
      Type.Object({
        at: Timestamp,
        vnpostCode: Type.String({ description: 'VNPost event code (EMA accepted, EMC left the office, EMG arrived, EMH not delivered, EMI delivered, …)' }),
        description: Type.String(),
        postOfficeCode: Type.Union([Type.String(), Type.Null()]),
      }),
      { description: "The carrier's tracking entries, oldest first" },
    ),
    events: Type.Array(
      Type.Object({
        at: Timestamp,
        fromStatus: Type.Union([Type.String(), Type.Null()]),
        toStatus: Type.String(),
        source: StringEnum(ORDER_EVENT_SOURCES),
        actorUserId: Type.Union([Uuid(), Type.Null()]),
        note: Type.Union([Type.String(), Type.Null()]),
        authorizationId: Type.Union([Uuid(), Type.Null()], { description: 'Set when a clerk acted for the seller under this authorization (ủy quyền)' }),
      }),
    ),
  }),
]);

export const OrderQuery = Type.Object(
  {
    status: Type.Optional(Status),
    sellerId: Type.Optional(Uuid()),
    pickupPointId: Type.Optional(Uuid({ description: 'Orders dropped off at, or waiting for their buyer at, this pickup point' })),
    from: Type.Optional(DateTimeFilter('Placed at or after (ISO 8601)')),
    to: Type.Optional(DateTimeFilter('Placed before (ISO 8601)')),
    overdue: Type.Optional(Type.Boolean({ description: 'Only orders still to ship past their ship-by deadline' })),
    limit: Limit,
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type OrderQueryInput = Static<typeof OrderQuery>;
