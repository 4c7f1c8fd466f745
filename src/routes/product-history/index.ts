import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ROLES } from '../../../db/schema/users.ts';
import { errorResponses, IdParams, StringEnum, Timestamp, Uuid } from '../../schemas/common.ts';
import { productHistory } from '../../services/catalog/product-history.ts';
import { secured } from '../docs.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const HistoryEntry = Type.Object({
  at: Timestamp,
  action: Type.String({ description: 'product.create, product.update, product.stock, listing.resync…' }),
  actorUserId: Nullable(Uuid()),
  actorName: Nullable(Type.String()),
  actorRole: Nullable(StringEnum(ROLES)),
  changes: Type.Record(Type.String(), Type.Object({ from: Type.Unknown(), to: Type.Unknown() })),
  authorizationId: Nullable(Uuid({ description: 'Set when a clerk acted for the seller under this authorization (ủy quyền)' })),
  onBehalfOfSellerId: Nullable(Uuid()),
  summary: Nullable(Type.String({ description: '"clerk X for seller Y under authorization Z" when acting under an authorization' })),
});

/** A product's audited history (src/services/accounts/audit.ts). */
const productHistoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  app.get(
    '/v1/products/:id/history',
    {
      schema: {
        tags: ['products'],
        summary: 'Who changed the product, and how, newest first',
        operationId: 'getProductHistory',
        ...secured('product', 'read', 'Each change with its fields from/to; a change made by a clerk for the seller names the authorization (ủy quyền) it was made under.'),
        params: IdParams,
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(HistoryEntry) }), ...errorResponses(400, 401, 404) },
      },
    },
    async (req) => productHistory(app.db, req.principal, req.params.id, req.query.limit),
  );
};
export default productHistoryRoutes;
