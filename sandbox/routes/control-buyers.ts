import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { asc, eq } from 'drizzle-orm';
import { orders } from '../db/schema.ts';
import { toControlOrder } from '../forms.ts';
import { FULFILLMENT_MODES, PAYMENT_METHODS, ProvinceCode, StringEnum, WardCode } from '../schemas.ts';
import { requireShop } from '../services/control.ts';
import { ORDER_EVENT_TYPES, applyOrderEvent } from '../services/order-events.ts';
import { createOrder } from '../services/orders.ts';
import { allShopProducts } from '../services/product-queries.ts';
import { REVIEW_RESULTS, reviewProduct } from '../services/review.ts';

const Strict = { additionalProperties: false } as const;
const Id = Type.String({ minLength: 1, maxLength: 100 });

const NewOrderBody = Type.Object(
  {
    shop_id: Id,
    items: Type.Array(Type.Object({ seller_sku: Type.String({ minLength: 1, maxLength: 64 }), qty: Type.Integer({ minimum: 1, maximum: 10_000 }) }, Strict), {
      minItems: 1,
      maxItems: 50,
    }),
    payment_method: Type.Optional(StringEnum(PAYMENT_METHODS)),
    fulfillment: Type.Optional(Type.Object({ mode: StringEnum(FULFILLMENT_MODES), post_office_code: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, Strict)),
    recipient: Type.Optional(
      Type.Partial(
        Type.Object({
          name: Type.String({ minLength: 1, maxLength: 200 }),
          phone: Type.String({ pattern: '^0\\d{9}$' }),
          address_line: Type.String({ minLength: 1, maxLength: 500 }),
          ward_code: WardCode,
          ward_name: Type.String({ minLength: 1, maxLength: 200 }),
          province_code: ProvinceCode,
          province_name: Type.String({ minLength: 1, maxLength: 200 }),
        }),
        Strict,
      ),
    ),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
    shipping_fee: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
    voucher_amount: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
    ignore_stock: Type.Optional(Type.Boolean()),
  },
  Strict,
);

/** The control API's buyer, carrier and reviewer side (postmart-api.md#the-sandbox). Bare JSON answers. */
const controlBuyers: FastifyPluginAsyncTypebox = async (app) => {
  const deps = app.pmSandbox.deps;

  app.get('/shops/:shop_id/products', { schema: { params: Type.Object({ shop_id: Id }) } }, async (req) => {
    await requireShop(deps.db, req.params.shop_id);
    return { products: await allShopProducts(deps, req.params.shop_id) };
  });

  app.get('/shops/:shop_id/orders', { schema: { params: Type.Object({ shop_id: Id }) } }, async (req) => {
    await requireShop(deps.db, req.params.shop_id);
    const rows = await deps.db.select().from(orders).where(eq(orders.shopId, req.params.shop_id)).orderBy(asc(orders.createTime), asc(orders.orderSn));
    return { orders: rows.map(toControlOrder) };
  });

  app.post('/orders', { schema: { body: NewOrderBody } }, async (req) => createOrder(deps, req.body));

  app.post(
    '/orders/:order_sn/events',
    { schema: { params: Type.Object({ order_sn: Id }), body: Type.Object({ type: StringEnum(ORDER_EVENT_TYPES) }, Strict) } },
    async (req) => applyOrderEvent(deps, req.params.order_sn, req.body.type),
  );

  app.post(
    '/products/:product_id/review',
    {
      schema: {
        params: Type.Object({ product_id: Id }),
        body: Type.Object({ result: StringEnum(REVIEW_RESULTS), reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }, Strict),
      },
    },
    async (req) => reviewProduct(deps, req.params.product_id, req.body.result, req.body.reason ?? null),
  );
};

export default controlBuyers;
