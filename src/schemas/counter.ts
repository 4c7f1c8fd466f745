import { Type, type Static } from '@sinclair/typebox';
import { AUTHORIZATION_SCOPES, IDENTITY_DOCUMENTS, RETURN_CAUSES } from '../../db/schema/counter.ts';
import { ORDER_STATUSES } from '../../db/schema/orders.ts';
import { SHIPMENT_STATES } from '../../db/schema/pickup-points.ts';
import { CalendarDate, Label, Phone, StringEnum, Timestamp, Uuid } from './common.ts';

const Strict = { additionalProperties: false } as const;
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const UnlockBody = Type.Object(
  {
    identityDocument: Type.Optional(StringEnum(IDENTITY_DOCUMENTS, { description: 'The identity document the clerk checked: cccd (citizen ID card), cmnd (old ID card), passport, driving_licence' })),
    identityLast4: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z]{4}$', description: 'Its last 4 characters' })),
  },
  Strict,
);
export const Unlocked = Type.Object({ orderId: Uuid(), unlockedAt: Timestamp, unlockKind: StringEnum(['admin', 'identity'] as const) });

export const PackageParams = Type.Object({ packageNumber: Type.String({ minLength: 4, maxLength: 64, pattern: '^[A-Za-z0-9-]+$', description: "The package number on the parcel's label (Postmart's package_number)" }) });

export const ParcelView = Type.Object({
  packageNumber: Type.String(),
  orderId: Uuid(),
  orderSn: Type.String(),
  status: StringEnum(ORDER_STATUSES),
  sellerId: Uuid(),
  sellerName: Type.String(),
  paymentMethod: Type.String(),
  codAmountVnd: Type.Integer(),
  recipientName: Type.String(),
  recipientPhone: Type.String({ description: 'Masked (0947***124): the buyer says the number' }),
  dropoff: Type.Object({
    pickupPointId: Uuid(),
    pickupPointCode: Type.String(),
    day: CalendarDate,
    state: StringEnum(SHIPMENT_STATES),
    declaredWeightGrams: Type.Integer(),
    measuredWeightGrams: Nullable(Type.Integer()),
    weightFlagged: Type.Boolean(),
    handedOverAt: Nullable(Timestamp),
  }),
  pickup: Nullable(
    Type.Object({
      postOfficeCode: Type.String(),
      pickupPointId: Nullable(Uuid()),
      arrivedAt: Nullable(Timestamp),
      holdUntil: Nullable(Timestamp),
      collectedAt: Nullable(Timestamp),
      flaggedForReturn: Type.Boolean(),
      collectionLocked: Type.Boolean(),
      returnedAt: Nullable(Timestamp),
    }),
  ),
});

export const CashQuery = Type.Object({
  date: Type.Optional(CalendarDate),
  clerkId: Type.Optional(Uuid({ description: 'Only this clerk’s collections (the clerk’s own sheet)' })),
});
const Amounts = { parcels: Type.Integer(), expectedVnd: Type.Integer(), takenVnd: Type.Integer(), differenceVnd: Type.Integer({ description: 'taken − expected' }) };
export const CashSheet = Type.Object({
  pickupPointId: Uuid(),
  pickupPointCode: Type.String(),
  date: CalendarDate,
  closed: Nullable(Type.Object({ closedAt: Timestamp, closedBy: Uuid(), closedByName: Type.String(), parcels: Type.Integer(), totalVnd: Type.Integer() })),
  items: Type.Array(
    Type.Object({
      orderId: Uuid(),
      orderSn: Type.String(),
      packageNumber: Nullable(Type.String()),
      clerkId: Uuid(),
      clerkName: Type.String(),
      at: Timestamp,
      expectedVnd: Type.Integer(),
      takenVnd: Type.Integer(),
      differenceVnd: Type.Integer(),
      reason: Nullable(Type.String()),
    }),
  ),
  clerks: Type.Array(Type.Object({ clerkId: Uuid(), clerkName: Type.String(), ...Amounts })),
  totals: Type.Object(Amounts),
});
export const CashCloseBody = Type.Object({ date: CalendarDate }, Strict);

export const ReturnItem = Type.Object({
  orderId: Uuid(),
  orderSn: Type.String(),
  status: StringEnum(ORDER_STATUSES),
  packageNumber: Nullable(Type.String()),
  cause: StringEnum(RETURN_CAUSES, { description: 'hold_expired: not collected in time; refused: the delivery failed or the buyer refused it (Postmart failed_delivery / to_return)' }),
  sellerId: Uuid(),
  sellerName: Type.String(),
  sellerPhone: Type.String({ description: 'Masked: the seller says the number' }),
  holdUntil: Nullable(Timestamp),
});
export const ReturnList = Type.Object({ pickupPointId: Uuid(), items: Type.Array(ReturnItem) });
export const ReturnBody = Type.Object(
  {
    receivedByName: Label(200, { description: 'Who takes the parcel for the seller' }),
    sellerPhone: Phone,
  },
  Strict,
);
export const Returned = Type.Object({ orderId: Uuid(), status: Type.Literal('returned'), returnedAt: Timestamp, receivedByName: Type.String() });

const Scopes = Type.Array(StringEnum(AUTHORIZATION_SCOPES), { minItems: 1, maxItems: AUTHORIZATION_SCOPES.length, uniqueItems: true, description: 'catalog: products; orders: confirm, cancel, answer cancellations; shipping: ship' });
export const AuthorizationCreate = Type.Object(
  {
    sellerId: Uuid(),
    pickupPointId: Uuid(),
    scopes: Scopes,
    validFrom: Timestamp,
    validUntil: Timestamp,
    documentNumber: Type.String({ minLength: 2, maxLength: 64, description: 'The number of the signed authorization paper' }),
    farmerPresent: Type.Optional(Type.Boolean({ description: 'The farmer is at the counter; required true when a clerk records it' })),
  },
  Strict,
);
export type AuthorizationCreateInput = Static<typeof AuthorizationCreate>;
export const AuthorizationView = Type.Object({
  id: Uuid(),
  sellerId: Uuid(),
  sellerName: Type.String(),
  pickupPointId: Uuid(),
  pickupPointCode: Type.String(),
  scopes: Type.Array(StringEnum(AUTHORIZATION_SCOPES)),
  validFrom: Timestamp,
  validUntil: Timestamp,
  documentNumber: Type.String(),
  farmerPresent: Type.Boolean(),
  createdBy: Uuid(),
  createdAt: Timestamp,
  revokedAt: Nullable(Timestamp),
  revokedBy: Nullable(Uuid()),
  revokeReason: Nullable(Type.String()),
  live: Type.Boolean({ description: 'Valid now and not revoked' }),
  scanUrl: Nullable(Type.String({ description: 'The scan of the signed paper (GET with the same token; not public), null until one is attached with PUT /v1/authorizations/{id}/scan' })),
  scanUploadedAt: Nullable(Timestamp),
});
export const AuthorizationQuery = Type.Object({
  sellerId: Type.Optional(Uuid()),
  pickupPointId: Type.Optional(Uuid()),
  live: Type.Optional(Type.Boolean({ description: 'Only live (true) or only expired/revoked (false)' })),
});
export const RevokeBody = Type.Object({ reason: Type.String({ minLength: 2, maxLength: 500 }) }, Strict);

export const OnboardBody = Type.Object(
  {
    pickupPointId: Type.Optional(Uuid({ description: 'The office authorized; a clerk’s own office by default' })),
    name: Label(200, { description: 'The farmer’s name as on their ID card' }),
    phone: Phone,
    wardCode: Type.String({ pattern: '^\\d{5}$', description: 'GSO code of the farmer’s commune' }),
    address: Label(500),
    authorization: Type.Object(
      {
        scopes: Scopes,
        validFrom: Type.Optional(Timestamp),
        validUntil: Timestamp,
        documentNumber: Type.String({ minLength: 2, maxLength: 64 }),
      },
      Strict,
    ),
  },
  Strict,
);
export const Onboarded = Type.Object({
  seller: Type.Ref('Seller'),
  authorization: Type.Object({
    id: Uuid(),
    sellerId: Uuid(),
    pickupPointId: Uuid(),
    pickupPointCode: Type.String(),
    scopes: Type.Array(StringEnum(AUTHORIZATION_SCOPES)),
    validFrom: Timestamp,
    validUntil: Timestamp,
    documentNumber: Type.String(),
    farmerPresent: Type.Literal(true),
  }),
});
