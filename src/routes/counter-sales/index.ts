import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { Html, Sale, SaleBody, SaleHeaders, SaleList, SaleListQuery, VoidBody } from '../../schemas/outlets.ts';
import { getSale, listSales, saleReceipt, sellAtCounter, voidSale } from '../../services/outlets/counter-sales.ts';
import { secured } from '../docs.ts';

/** Walk-in sales of consigned goods at a post office counter (issue 14). */
const counterSaleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.post(
    '/v1/counter-sales',
    {
      schema: {
        tags: ['outlets'],
        summary: 'Sell a basket of consigned goods at the counter',
        operationId: 'createCounterSale',
        ...secured(
          'counter_sale',
          'create',
          'Takes the basket off the office’s shelf (409 `INSUFFICIENT_OUTLET_STOCK` naming the short product; nothing is sold then), nearest best-before lots first. ' +
            '`bank_transfer` answers a NAPAS VietQR payload to the office’s account (409 `OUTLET_NO_BANK_ACCOUNT` without one); `cash` records the cash handed over and the change. ' +
            'Each line keeps its seller’s commission rate of the moment. ' +
            'With an `Idempotency-Key`, the same request sent again answers the sale already made (201 with `Idempotent-Replayed: true`), even once the shelf is empty; the key reused for another basket or payment answers 422 `IDEMPOTENCY_KEY_REUSED`.',
        ),
        headers: SaleHeaders,
        body: SaleBody,
        response: { 201: Sale, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) => {
      const { sale, replayed } = await sellAtCounter(app.db, req.principal, req.body, req.headers['idempotency-key'] ?? null);
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(sale);
    },
  );

  app.get(
    '/v1/counter-sales',
    {
      schema: {
        tags: ['outlets'],
        summary: 'A day’s counter sales (today, Vietnam time, by default), newest first',
        operationId: 'listCounterSales',
        ...secured('counter_sale', 'list', 'A clerk sees their office’s; admin and staff every office’s, or one with `pickupPointId`.'),
        querystring: SaleListQuery,
        response: { 200: SaleList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => listSales(app.db, req.principal, req.query),
  );

  app.get(
    '/v1/counter-sales/:id',
    { schema: { tags: ['outlets'], summary: 'One counter sale', operationId: 'getCounterSale', ...secured('counter_sale', 'read'), params: IdParams, response: { 200: Sale, ...errorResponses(400, 401, 404) } } },
    async (req) => getSale(app.db, req.principal, req.params.id),
  );

  app.get(
    '/v1/counter-sales/:id/receipt',
    {
      schema: {
        tags: ['outlets'],
        summary: 'The printable receipt (HTML for an 80 mm printer)',
        operationId: 'getCounterSaleReceipt',
        ...secured('counter_sale', 'read'),
        params: IdParams,
        response: { 200: Html, ...errorResponses(400, 401, 404) },
      },
    },
    async (req, reply) => reply.type('text/html; charset=utf-8').send(await saleReceipt(app.db, req.principal, req.params.id)),
  );

  app.post(
    '/v1/counter-sales/:id/void',
    {
      schema: {
        tags: ['outlets'],
        summary: 'Void a sale: the clerk who sold it, the same day, with a reason',
        operationId: 'voidCounterSale',
        ...secured('counter_sale', 'operate', 'The goods go back on the shelf and their lots. Another clerk, another day or a second void answer 409 `SALE_VOID_REFUSED`.'),
        params: IdParams,
        body: VoidBody,
        response: { 200: Sale, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => voidSale(app.db, req.principal, req.params.id, req.body.reason),
  );
};
export default counterSaleRoutes;
