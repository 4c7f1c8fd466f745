import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { withVnTimes } from '../../lib/time.ts';
import { errorResponses, IdParams, Page } from '../../schemas/common.ts';
import { SellerCreate, SellerPatch, SellerQuery } from '../../schemas/sellers.ts';
import { createSeller, getSeller, listSellers, toPublicSeller, updateSeller } from '../../services/accounts/sellers.ts';
import { actorOf, secured } from '../docs.ts';

const sellers: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/v1/sellers',
    {
      schema: {
        tags: ['sellers'],
        summary: 'List sellers',
        operationId: 'listSellers',
        ...secured('seller', 'list'),
        querystring: SellerQuery,
        response: { 200: Page(Type.Ref('Seller')), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => {
      const { page, nextCursor } = await listSellers(app.db, req.principal, req.query);
      return { items: page.map((s) => withVnTimes(toPublicSeller(s))), nextCursor };
    },
  );

  app.post(
    '/v1/sellers',
    {
      schema: {
        tags: ['sellers'],
        summary: 'Register a cooperative, household or enterprise',
        operationId: 'createSeller',
        ...secured('seller', 'create'),
        body: SellerCreate,
        response: { 201: Type.Ref('Seller'), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(withVnTimes(toPublicSeller(await createSeller(app.db, req.principal, actorOf(req), req.body)))),
  );

  app.get(
    '/v1/sellers/:id',
    {
      schema: {
        tags: ['sellers'],
        summary: 'One seller',
        operationId: 'getSeller',
        ...secured('seller', 'read'),
        params: IdParams,
        response: { 200: Type.Ref('Seller'), ...errorResponses(400, 401, 404) },
      },
    },
    async (req) => withVnTimes(toPublicSeller(await getSeller(app.db, req.principal, req.params.id))),
  );

  app.patch(
    '/v1/sellers/:id',
    {
      schema: {
        tags: ['sellers'],
        summary: "Change a seller's details",
        operationId: 'updateSeller',
        ...secured('seller', 'update'),
        params: IdParams,
        body: SellerPatch,
        response: { 200: Type.Ref('Seller'), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => withVnTimes(toPublicSeller(await updateSeller(app.db, req.principal, actorOf(req), req.params.id, req.body))),
  );
};
export default sellers;
