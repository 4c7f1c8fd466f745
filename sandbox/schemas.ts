import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** Request schemas of the contract (postmart-api.md). Bodies reject unknown fields. */

export const StringEnum = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
const Strict = { additionalProperties: false } as const;
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const UNITS = ['kg', 'hop', 'thung', 'bo', 'trai', 'goi', 'chai', 'tui'] as const;
export const CERTIFICATIONS = ['OCOP_3_STAR', 'OCOP_4_STAR', 'OCOP_5_STAR', 'VIETGAP', 'GLOBALGAP', 'ORGANIC'] as const;
export const PRODUCT_STATUSES = ['PENDING_REVIEW', 'ACTIVE', 'REJECTED', 'UNLISTED', 'BANNED', 'DELETED'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];
export const ORDER_STATUSES = [
  'UNPAID',
  'READY_TO_SHIP',
  'PROCESSED',
  'SHIPPED',
  'READY_FOR_PICKUP',
  'PICKED_UP',
  'DELIVERED',
  'COMPLETED',
  'IN_CANCEL',
  'CANCELLED',
  'FAILED_DELIVERY',
  'TO_RETURN',
  'RETURNED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const PAYMENT_METHODS = ['COD', 'VNPAY', 'BANK_TRANSFER'] as const;
export const FULFILLMENT_MODES = ['PICKUP_AT_POST_OFFICE', 'HOME_DELIVERY'] as const;
export const CANCEL_REASONS = ['OUT_OF_STOCK', 'CUSTOMER_REQUEST', 'UNDELIVERABLE_AREA', 'PRICE_ERROR'] as const;

/** Money is integer VND (postmart-api.md#conventions). */
const Vnd = (min: number) => Type.Integer({ minimum: min, maximum: 1_000_000_000 });
const UnixSeconds = Type.Integer({ minimum: 0, maximum: 99_999_999_999 });
export const WardCode = Type.String({ pattern: '^\\d{5}$' });
export const ProvinceCode = Type.String({ pattern: '^\\d{2}$' });
const SellerSku = Type.String({ minLength: 1, maxLength: 64, pattern: '^\\S(.*\\S)?$' });

const Sku = Type.Object(
  {
    seller_sku: SellerSku,
    variant_name: Type.Optional(Type.String({ maxLength: 100 })),
    price: Vnd(1),
    stock: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
  },
  Strict,
);

const Certification = Type.Object(
  { type: StringEnum(CERTIFICATIONS), number: Type.String({ minLength: 1, maxLength: 64 }), expires_at: UnixSeconds },
  Strict,
);

const productFields = {
  name: Type.String({ minLength: 1, maxLength: 255 }),
  description: Type.String({ maxLength: 10_000 }),
  category_id: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ minLength: 1, maxLength: 64 })]),
  images: Type.Array(Type.String({ pattern: '^https?://\\S+$', maxLength: 2048 }), { minItems: 1, maxItems: 9 }),
  unit: StringEnum(UNITS),
  weight_grams: Type.Integer({ minimum: 1, maximum: 100_000 }),
  origin: Nullable(Type.Object({ province_code: ProvinceCode, ward_code: WardCode }, Strict)),
  certifications: Type.Array(Certification, { maxItems: 10 }),
  shelf_life_days: Nullable(Type.Integer({ minimum: 1, maximum: 3650 })),
  skus: Type.Array(Sku, { minItems: 1, maxItems: 50 }),
};

/** POST /products (postmart-api.md#products). */
export const ProductCreate = Type.Object(
  {
    name: productFields.name,
    description: Type.Optional(productFields.description),
    category_id: productFields.category_id,
    images: productFields.images,
    unit: productFields.unit,
    weight_grams: productFields.weight_grams,
    origin: Type.Optional(productFields.origin),
    certifications: Type.Optional(productFields.certifications),
    shelf_life_days: Type.Optional(productFields.shelf_life_days),
    skus: productFields.skus,
  },
  Strict,
);
export type ProductCreate = Static<typeof ProductCreate>;

/** PATCH /products/{product_id}: any subset; `skus`, when given, is the complete new list. */
export const ProductPatch = Type.Partial(Type.Object(productFields, Strict), { ...Strict, minProperties: 1 });
export type ProductPatch = Static<typeof ProductPatch>;

export const ProductParams = Type.Object({ product_id: Type.String({ minLength: 1, maxLength: 100 }) });
export const OrderParams = Type.Object({ order_sn: Type.String({ minLength: 1, maxLength: 64 }) });

export const PageSize = Type.Integer({ minimum: 1, maximum: 100, default: 50 });
export const Cursor = Type.String({ minLength: 1, maxLength: 500 });

export const ProductListQuery = Type.Object({
  status: Type.Optional(StringEnum(PRODUCT_STATUSES)),
  updated_from: Type.Optional(UnixSeconds),
  updated_to: Type.Optional(UnixSeconds),
  page_size: PageSize,
  cursor: Type.Optional(Cursor),
});
export type ProductListQuery = Static<typeof ProductListQuery>;

/** Batch bodies: items are checked one by one, so one bad item does not fail the batch. */
export const BatchBody = Type.Object({ items: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 50 }) }, Strict);

export const OrderListQuery = Type.Object({
  time_field: StringEnum(['create_time', 'update_time'] as const),
  time_from: UnixSeconds,
  time_to: UnixSeconds,
  status: Type.Optional(StringEnum(ORDER_STATUSES)),
  page_size: PageSize,
  cursor: Type.Optional(Cursor),
});
export type OrderListQuery = Static<typeof OrderListQuery>;

export const OrderDetailQuery = Type.Object({ order_sn_list: Type.String({ minLength: 1, maxLength: 50 * 65 }) });

export const CancelBody = Type.Object({ reason: StringEnum(CANCEL_REASONS) }, Strict);
export const BuyerCancellationBody = Type.Object({ operation: StringEnum(['ACCEPT', 'REJECT'] as const) }, Strict);
export const ShipBody = Type.Object({ post_office_code: Type.String({ minLength: 1, maxLength: 64 }) }, Strict);
/** Seller actions without parameters accept no body or `{}`. */
export const EmptyBody = Type.Optional(Type.Object({}, Strict));

export const PostOfficeQuery = Type.Object({ province_code: Type.Optional(ProvinceCode), ward_code: Type.Optional(WardCode) });

export const AuthorizeQuery = Type.Object({
  partner_id: Type.String({ minLength: 1, maxLength: 100 }),
  redirect: Type.String({ pattern: '^https?://\\S+$', maxLength: 2048 }),
  state: Type.Optional(Type.String({ maxLength: 500 })),
  /** Sandbox extension: which of the partner's shops approves (default: the newest one). */
  shop_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
});
export const TokenBody = Type.Object({ code: Type.String({ minLength: 1, maxLength: 200 }), shop_id: Type.String({ minLength: 1, maxLength: 100 }) }, Strict);
export const RefreshBody = Type.Object(
  { shop_id: Type.String({ minLength: 1, maxLength: 100 }), refresh_token: Type.String({ minLength: 1, maxLength: 200 }) },
  Strict,
);
