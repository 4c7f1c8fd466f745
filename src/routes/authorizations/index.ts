import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { AuthorizationCreate, AuthorizationQuery, AuthorizationView, OnboardBody, Onboarded, RevokeBody } from '../../schemas/counter.ts';
import { onboardFarmer } from '../../services/accounts/assisted-sellers.ts';
import { createAuthorization, getAuthorization, listAuthorizations, revokeAuthorization } from '../../services/accounts/authorizations.ts';
import { actorOf, secured } from '../docs.ts';
import authorizationScanRoutes from './scan.ts';

const SCOPES_DOC =
  'While live (between `validFrom` and `validUntil`, not revoked), the clerks of the office may do for the seller exactly what the scopes allow, through the same routes as a seller manager: ' +
  '`catalog` products (list, read, create, edit, stock, import) and connecting the seller’s Postmart shop, `orders` confirm / cancel / answer a buyer’s cancellation, `shipping` ship. Expired or revoked, the seller’s objects answer 404 to them at once.';

/** Authorizations (ủy quyền): a seller lets the clerks of one post office act for them. */
const authorizationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  await app.register(authorizationScanRoutes);

  app.post(
    '/v1/authorizations',
    {
      schema: {
        tags: ['authorizations'],
        summary: 'Record a seller’s authorization of a post office',
        operationId: 'createAuthorization',
        ...secured(
          'authorization',
          'create',
          `An admin records any; a clerk only for their own office and a household farmer at the counter (\`farmerPresent: true\`). ${SCOPES_DOC} The scan of the signed paper is attached with \`PUT /v1/authorizations/{id}/scan\`.`,
        ),
        body: AuthorizationCreate,
        response: { 201: AuthorizationView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => reply.status(201).send(await createAuthorization(app.db, req.principal, actorOf(req), req.body)),
  );

  app.get(
    '/v1/authorizations',
    {
      schema: {
        tags: ['authorizations'],
        summary: 'Authorizations, newest first',
        operationId: 'listAuthorizations',
        ...secured('authorization', 'list', 'A seller manager sees their seller’s, a clerk their office’s.'),
        querystring: AuthorizationQuery,
        response: { 200: Type.Object({ items: Type.Array(AuthorizationView) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => listAuthorizations(app.db, req.principal, req.query),
  );

  app.get(
    '/v1/authorizations/:id',
    {
      schema: { tags: ['authorizations'], summary: 'One authorization', operationId: 'getAuthorization', ...secured('authorization', 'read', SCOPES_DOC), params: IdParams, response: { 200: AuthorizationView, ...errorResponses(400, 401, 404) } },
    },
    async (req) => getAuthorization(app.db, req.principal, req.params.id),
  );

  app.post(
    '/v1/authorizations/:id/revoke',
    {
      schema: {
        tags: ['authorizations'],
        summary: 'Revoke an authorization',
        operationId: 'revokeAuthorization',
        ...secured('authorization', 'update', 'By an admin, a clerk of the office, or the seller’s own manager; effective on the next request of every clerk.'),
        params: IdParams,
        body: RevokeBody,
        response: { 200: AuthorizationView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => revokeAuthorization(app.db, req.principal, actorOf(req), req.params.id, req.body.reason),
  );

  app.post(
    '/v1/counter/farmers',
    {
      schema: {
        tags: ['authorizations'],
        summary: 'Register a household farmer at the counter, with their authorization',
        operationId: 'onboardFarmer',
        ...secured(
          'assisted_seller',
          'create',
          '“Công dân không viết”: the farmer is at the counter and fills nothing in; the clerk registers them as a `household` seller and records their authorization (ủy quyền) of the office, in one step. The first products follow through `POST /v1/products` with the new `sellerId`, under that authorization.',
        ),
        body: OnboardBody,
        response: { 201: Onboarded, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => reply.status(201).send(await onboardFarmer(app.db, req.principal, actorOf(req), req.body)),
  );
};
export default authorizationRoutes;
