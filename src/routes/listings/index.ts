import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { getListing, requestListingDelete, resyncListing } from '../../services/listings/listings.ts';
import { actorOf, secured } from '../docs.ts';

const listings: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/v1/products/:id/listing',
    {
      schema: {
        tags: ['listings'],
        summary: "Where the product's Postmart listing stands, and why it failed",
        operationId: 'getListing',
        ...secured('product', 'read'),
        params: IdParams,
        response: { 200: Type.Ref('Listing'), ...errorResponses(400, 401, 404) },
      },
    },
    async (req) => getListing(app.db, req.principal, req.params.id),
  );

  app.post(
    '/v1/products/:id/listing/resync',
    {
      schema: {
        tags: ['listings'],
        summary: 'Send the whole product to Postmart again',
        operationId: 'resyncListing',
        ...secured('product', 'update', 'Queues a sync that re-sends every field, the price and the stock, whatever Postmart is believed to have.'),
        params: IdParams,
        response: { 202: Type.Ref('Listing'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => reply.status(202).send(await resyncListing(app.db, req.principal, actorOf(req), req.params.id)),
  );

  app.delete(
    '/v1/products/:id/listing',
    {
      schema: {
        tags: ['listings'],
        summary: "Remove the product's listing from Postmart",
        operationId: 'deleteListing',
        ...secured('product', 'update', 'Only for a product that is not active (409 otherwise). Done by the sync job; the listing becomes `not_listed`.'),
        params: IdParams,
        response: { 202: Type.Ref('Listing'), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => reply.status(202).send(await requestListingDelete(app.db, req.principal, actorOf(req), req.params.id)),
  );
};
export default listings;
