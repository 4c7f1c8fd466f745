import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { Consignment, ConsignmentBody, ConsignmentList, ConsignmentQuery, ConsignmentReturn, ReceiveBody, ReturnBody, Shelf, StockByLocation } from '../../schemas/outlets.ts';
import { createConsignment, getConsignment, listConsignments, receiveConsignment, returnGoods, shelf } from '../../services/outlets/consignments.ts';
import { stockByLocation } from '../../services/outlets/location-stock.ts';
import { secured } from '../docs.ts';

/** Goods on consignment at post offices (issue 14): transfers, the clerk's count, the shelf, returns. */
const consignmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.post(
    '/v1/consignments',
    {
      schema: {
        tags: ['outlets'],
        summary: 'Send goods to a post office on consignment',
        operationId: 'createConsignment',
        ...secured(
          'consignment',
          'create',
          'Takes the quantities from the farm’s stock at once (409 `INSUFFICIENT_STOCK` if one is short; nothing is taken then), with each line’s lot, harvest date and shelf life (the product’s by default). ' +
            'The seller needs an agreed commission rate (409 `NO_COMMISSION_RATE`).',
        ),
        body: ConsignmentBody,
        response: { 201: Consignment, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(await createConsignment(app.db, req.principal, req.body)),
  );

  app.get(
    '/v1/consignments',
    {
      schema: {
        tags: ['outlets'],
        summary: 'Consignments, newest first',
        operationId: 'listConsignments',
        ...secured('consignment', 'list', 'A seller manager sees their seller’s, a clerk their office’s.'),
        querystring: ConsignmentQuery,
        response: { 200: ConsignmentList, ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => ({ items: await listConsignments(app.db, req.principal, { state: req.query.state, limit: req.query.limit ?? 50 }) }),
  );

  app.get(
    '/v1/consignments/:id',
    {
      schema: { tags: ['outlets'], summary: 'One consignment with its lines and counts', operationId: 'getConsignment', ...secured('consignment', 'read'), params: IdParams, response: { 200: Consignment, ...errorResponses(400, 401, 404) } },
    },
    async (req) => getConsignment(app.db, req.principal, req.params.id),
  );

  app.post(
    '/v1/consignments/:id/receive',
    {
      schema: {
        tags: ['outlets'],
        summary: 'The clerk counts the consignment in',
        operationId: 'receiveConsignment',
        ...secured('consignment', 'operate', 'One count per line; the count goes on the shelf and each line shows its `difference` from what was sent. Once only (409 `CONSIGNMENT_ALREADY_RECEIVED`).'),
        params: IdParams,
        body: ReceiveBody,
        response: { 200: Consignment, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => receiveConsignment(app.db, req.principal, req.params.id, req.body.counts),
  );

  app.post(
    '/v1/consignment-returns',
    {
      schema: {
        tags: ['outlets'],
        summary: 'The clerk sends goods of a lot back to the seller',
        operationId: 'returnConsignedGoods',
        ...secured('consignment', 'operate', '`unsold` goods go back into the farm’s stock (and to Postmart); `expiring` and `damaged` ones leave the shelf without being sold again.'),
        body: ReturnBody,
        response: { 201: ConsignmentReturn, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(await returnGoods(app.db, req.principal, req.body)),
  );

  app.get(
    '/v1/pickup-points/:id/shelf',
    {
      schema: {
        tags: ['outlets'],
        summary: 'The clerk’s list: consigned goods on the office’s shelf, lot by lot',
        operationId: 'getOutletShelf',
        ...secured('consignment', 'list', 'Perishables nearest their best-before first (`nearExpiry` within 2 days or a fifth of the shelf life), goods that keep last. A seller manager sees only their own lots.'),
        params: IdParams,
        response: { 200: Shelf, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => shelf(app.db, req.principal, req.params.id),
  );

  app.get(
    '/v1/products/:id/stock-by-location',
    {
      schema: {
        tags: ['products'],
        summary: 'A product’s stock at the farm and at each post office holding it on consignment',
        operationId: 'getStockByLocation',
        ...secured('product', 'read', 'The farm’s stock is `products.stock`, what Postmart sells; post offices’ consigned stock is sold at their counters.'),
        params: IdParams,
        response: { 200: StockByLocation, ...errorResponses(400, 401, 404) },
      },
    },
    async (req) => stockByLocation(app.db, req.principal, req.params.id),
  );
};
export default consignmentRoutes;
