import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * Response shapes of the Postmart Partner API v1 (postmart-api.md). The client validates every
 * response body against these, so a shape we did not expect fails with the request id at the call,
 * not as a crash somewhere later. Unknown extra fields are allowed (the API may grow).
 */
const Int = Type.Integer();
const Str = Type.String();
const Opt = <T extends TSchema>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

export const TokenPair = Type.Object({
  access_token: Str,
  refresh_token: Str,
  expires_in: Int,
  refresh_expires_in: Type.Optional(Int),
  shop_id: Type.Optional(Str),
});

export const ProductStatus = Type.Union(['PENDING_REVIEW', 'ACTIVE', 'REJECTED', 'UNLISTED', 'BANNED', 'DELETED'].map((s) => Type.Literal(s)));
export const Sku = Type.Object({ seller_sku: Str, variant_name: Opt(Str), price: Int, stock: Int });
export const RemoteProduct = Type.Object({
  product_id: Str,
  version: Int,
  status: Str,
  name: Type.Optional(Str),
  description: Opt(Str),
  category_id: Opt(Type.Union([Str, Int])),
  images: Type.Optional(Type.Array(Str)),
  unit: Opt(Str),
  weight_grams: Opt(Int),
  origin: Opt(Type.Object({ province_code: Str, ward_code: Str })),
  certifications: Type.Optional(Type.Array(Type.Object({ type: Str, number: Str, expires_at: Type.Union([Str, Int]) }))),
  shelf_life_days: Opt(Int),
  skus: Type.Optional(Type.Array(Sku)),
  reject_reason: Opt(Str),
  update_time: Type.Optional(Int),
  create_time: Type.Optional(Int),
});
export const ProductCreated = Type.Object({ product_id: Str, version: Int, status: Str });
export const ProductPage = Type.Object({ products: Type.Array(RemoteProduct), next_cursor: Opt(Str), has_more: Type.Boolean() });
export const BatchResult = Type.Object({
  items: Type.Array(Type.Object({ seller_sku: Str, ok: Type.Boolean(), error: Opt(Type.Object({ code: Str, message: Type.Optional(Str) })) })),
});

export const OrderSummary = Type.Object({ order_sn: Str, status: Str, update_time: Int });
export const OrderPage = Type.Object({ orders: Type.Array(OrderSummary), next_cursor: Opt(Str), has_more: Type.Boolean() });
export const OrderDetail = Type.Object({
  order_sn: Str,
  status: Str,
  create_time: Int,
  update_time: Int,
  payment_method: Str,
  cod_amount: Int,
  items: Type.Array(Type.Object({ seller_sku: Str, product_id: Opt(Str), name: Str, qty: Int, unit_price: Int })),
  shipping_fee: Int,
  voucher_amount: Int,
  total_amount: Int,
  currency: Type.Literal('VND'),
  recipient: Type.Object({
    name: Str,
    phone: Str,
    address_line: Str,
    ward_code: Str,
    ward_name: Opt(Str),
    province_code: Opt(Str),
    province_name: Opt(Str),
  }),
  fulfillment: Type.Object({ mode: Str, post_office_code: Opt(Str) }),
  note: Opt(Str),
  ship_by: Opt(Int),
});
export const OrderDetails = Type.Object({ orders: Type.Array(OrderDetail) });
export const ShipResult = Type.Object({ package_number: Str });
export const Tracking = Type.Object({
  tracking_number: Opt(Str),
  events: Type.Array(Type.Object({ time: Int, vnpost_code: Str, description: Str, post_office_code: Opt(Str) })),
});
export const PostOffice = Type.Object({
  post_office_code: Str,
  name: Str,
  kind: Str,
  address: Str,
  ward_code: Str,
  province_code: Str,
  lat: Type.Number(),
  lng: Type.Number(),
  opening_hours: Type.Unknown(),
  accepts_dropoff: Type.Boolean(),
  buyer_pickup: Type.Boolean(),
});
export const PostOfficeList = Type.Union([Type.Array(PostOffice), Type.Object({ post_offices: Type.Array(PostOffice) })]);
export const Empty = Type.Unknown();

export type RemoteProductT = Static<typeof RemoteProduct>;
export type OrderDetailT = Static<typeof OrderDetail>;
export type OrderSummaryT = Static<typeof OrderSummary>;
export type PostOfficeT = Static<typeof PostOffice>;

/** Body of POST /products (postmart-api.md#products). */
export type ProductPayload = {
  name: string;
  description: string;
  category_id: string;
  images: string[];
  unit: string;
  weight_grams: number;
  origin: { province_code: string; ward_code: string };
  certifications: { type: string; number: string; expires_at: number }[];
  shelf_life_days: number | null;
  skus: { seller_sku: string; variant_name: string; price: number; stock: number }[];
};
