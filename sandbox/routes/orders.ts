import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { ok } from '../errors.ts';
import { BuyerCancellationBody, CancelBody, OrderDetailQuery, OrderListQuery, OrderParams, ShipBody } from '../schemas.ts';
import { listOrders, orderDetails, orderTracking } from '../services/order-queries.ts';
import { sellerAction, shipOrder } from '../services/orders.ts';

const shopOf = (req: FastifyRequest) => req.pmSandbox.caller!.shopId;

/** postmart-api.md#orders */
const orderRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = app.pmSandbox.deps;

  app.get('/orders', { schema: { querystring: OrderListQuery } }, async (req) => ok(req.id, await listOrders(deps, shopOf(req), req.query)));

  app.get('/orders/detail', { schema: { querystring: OrderDetailQuery } }, async (req) =>
    ok(req.id, await orderDetails(deps, shopOf(req), req.query.order_sn_list)),
  );

  app.post('/orders/:order_sn/confirm', { schema: { params: OrderParams } }, async (req) =>
    ok(req.id, await sellerAction(deps, shopOf(req), req.params.order_sn, { kind: 'confirm' })),
  );

  app.post('/orders/:order_sn/cancel', { schema: { params: OrderParams, body: CancelBody } }, async (req) =>
    ok(req.id, await sellerAction(deps, shopOf(req), req.params.order_sn, { kind: 'cancel', reason: req.body.reason })),
  );

  app.post('/orders/:order_sn/buyer-cancellation', { schema: { params: OrderParams, body: BuyerCancellationBody } }, async (req) =>
    ok(req.id, await sellerAction(deps, shopOf(req), req.params.order_sn, { kind: 'buyer-cancellation', operation: req.body.operation })),
  );

  app.post('/orders/:order_sn/ship', { schema: { params: OrderParams, body: ShipBody } }, async (req) =>
    ok(req.id, await shipOrder(deps, shopOf(req), req.params.order_sn, req.body.post_office_code)),
  );

  app.get('/orders/:order_sn/tracking', { schema: { params: OrderParams } }, async (req) => ok(req.id, await orderTracking(deps, shopOf(req), req.params.order_sn)));
};

export default orderRoutes;
