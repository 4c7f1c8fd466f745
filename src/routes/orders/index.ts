import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, IdParams, Page } from '../../schemas/common.ts';
import { OrderDetail, OrderQuery, OrderSummary } from '../../schemas/orders.ts';
import { getOrder, listOrders } from '../../services/orders.ts';
import { secured } from '../docs.ts';

const orders: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/v1/orders',
    {
      schema: {
        tags: ['orders'],
        summary: 'Orders imported from Postmart, newest first',
        ...secured(
          'admin, provincial_staff, seller_manager (own seller)',
          'Filters: `status`, `sellerId`, `from`/`to` (placement time), `overdue=true` (still to ship past `shipBy`). Amounts are integer VND.',
        ),
        querystring: OrderQuery,
        response: { 200: Page(OrderSummary), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => listOrders(app.db, req.principal, req.query),
  );

  app.get(
    '/v1/orders/:id',
    {
      schema: {
        tags: ['orders'],
        summary: 'One order with its lines, recipient and status history',
        ...secured('admin, provincial_staff (recipient phone masked), seller_manager (own seller; others answer 404)'),
        params: IdParams,
        response: { 200: OrderDetail, ...errorResponses(400, 401, 404) },
      },
    },
    async (req) => getOrder(app.db, req.principal, req.params.id),
  );
};
export default orders;
