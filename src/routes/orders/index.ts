import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses, IdParams, Page, StringEnum } from '../../schemas/common.ts';
import { OrderDetail, OrderQuery, OrderSummary } from '../../schemas/orders.ts';
import { requestOrderAction } from '../../services/orders/order-actions.ts';
import { getOrder, listOrders } from '../../services/orders/orders.ts';
import { secured } from '../docs.ts';

const orders: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/v1/orders',
    {
      schema: {
        tags: ['orders'],
        summary: 'Orders imported from Postmart, newest first',
        operationId: 'listOrders',
        ...secured(
          'order',
          'list',
          'Filters: `status`, `sellerId`, `pickupPointId`, `from`/`to` (placement time), `overdue=true` (still to ship past `shipBy`). Amounts are integer VND.',
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
        summary: 'One order with its lines, recipient, tracking and status history',
        operationId: 'getOrder',
        ...secured('order', 'read', undefined, { notes: { provincial_staff: 'recipient phone masked', post_office_clerk: 'phone masked' } }),
        params: IdParams,
        response: { 200: OrderDetail, ...errorResponses(400, 401, 404) },
      },
    },
    async (req) => getOrder(app.db, req.principal, req.params.id),
  );

  const Queued = Type.Object({ queued: Type.Literal(true), jobId: Type.String({ description: 'The background job that pushes the action to Postmart (`ob-<n>`)' }) });
  const actionDoc = (operationId: string, summary: string, extra: string) => ({
    tags: ['orders'],
    summary,
    operationId,
    ...secured(
      'order',
      'update',
      `${extra} Recorded at once and pushed to Postmart by a background job (202; \`jobId\` names that job, which starts even if the job queue was briefly unavailable); the order's status changes when Postmart accepts it. A status that does not allow the action answers 409.`,
    ),
    params: IdParams,
  });

  app.post(
    '/v1/orders/:id/confirm',
    { schema: { ...actionDoc('confirmOrder', 'Accept the order and start preparing it', 'READY_TO_SHIP → PROCESSED.'), response: { 202: Queued, ...errorResponses(400, 401, 403, 404, 409) } } },
    async (req, reply) => {
      const action = { action: 'confirm' as const };
      const { jobId } = await requestOrderAction(app.db, req.principal, req.params.id, action);
      return reply.status(202).send({ queued: true as const, jobId });
    },
  );

  app.post(
    '/v1/orders/:id/cancel',
    {
      schema: {
        ...actionDoc('cancelOrder', 'Cancel the order', 'Possible before the parcel is shipped.'),
        body: Type.Object({ reason: StringEnum(['OUT_OF_STOCK', 'CUSTOMER_REQUEST', 'UNDELIVERABLE_AREA', 'PRICE_ERROR'] as const) }, { additionalProperties: false }),
        response: { 202: Queued, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const action = { action: 'cancel' as const, reason: req.body.reason };
      const { jobId } = await requestOrderAction(app.db, req.principal, req.params.id, action);
      return reply.status(202).send({ queued: true as const, jobId });
    },
  );

  app.post(
    '/v1/orders/:id/buyer-cancellation',
    {
      schema: {
        ...actionDoc('answerBuyerCancellation', "Accept or reject the buyer's cancellation request", 'Only while the order is IN_CANCEL.'),
        body: Type.Object({ accept: Type.Boolean() }, { additionalProperties: false }),
        response: { 202: Queued, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const action = { action: 'buyer-cancellation' as const, accept: req.body.accept };
      const { jobId } = await requestOrderAction(app.db, req.principal, req.params.id, action);
      return reply.status(202).send({ queued: true as const, jobId });
    },
  );
};
export default orders;
