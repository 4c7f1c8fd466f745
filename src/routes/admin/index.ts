import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses, Timestamp, Uuid } from '../../schemas/common.ts';
import { latestReconcileReports, requestReconcile } from '../../services/listings/reconcile-requests.ts';
import { secured } from '../docs.ts';

const Report = Type.Object({
  id: Type.Integer(),
  sellerId: Uuid(),
  shopId: Type.String(),
  startedAt: Timestamp,
  finishedAt: Type.Union([Timestamp, Type.Null()]),
  checked: Type.Integer(),
  inSync: Type.Integer(),
  repaired: Type.Integer(),
  adopted: Type.Integer(),
  orphaned: Type.Integer(),
  details: Type.Array(Type.Object({ productId: Type.Optional(Type.String()), postmartProductId: Type.Optional(Type.String()), sku: Type.Optional(Type.String()), action: Type.String() })),
});

const admin: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.post(
    '/v1/admin/reconcile',
    {
      schema: {
        tags: ['admin'],
        summary: 'Compare Postmart listings with the catalog now and repair drift (the catalog wins)',
        operationId: 'startReconcile',
        ...secured('system', 'update', 'Queues a reconcile of one seller, or of every connected shop when `sellerId` is omitted: the request is recorded at once and run by a background job (`jobId`), also when the job queue is briefly unavailable. Results appear in GET /v1/admin/reconcile.'),
        body: Type.Optional(Type.Object({ sellerId: Type.Optional(Uuid()) }, { additionalProperties: false })),
        response: { 202: Type.Object({ jobId: Type.String() }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const sellerId = req.body?.sellerId;
      return reply.status(202).send(await requestReconcile(app.db, req.principal, sellerId));
    },
  );

  app.get(
    '/v1/admin/reconcile',
    {
      schema: {
        tags: ['admin'],
        summary: 'The latest reconcile reports',
        operationId: 'listReconcileReports',
        ...secured('system', 'read'),
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(Report) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => ({ items: await latestReconcileReports(app.db, req.principal, req.query.limit) }),
  );
};
export default admin;
