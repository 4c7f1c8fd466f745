import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { OAUTH_CALLBACK_PATH } from '../../postmart/paths.ts';
import { errorResponses, IdParams, Uuid } from '../../schemas/common.ts';
import { OAuthCallbackQuery, PostmartConnection } from '../../schemas/postmart.ts';
import { completeConnect, connectionStatus, startConnect } from '../../services/postmart/postmart-connections.ts';
import { actorOf, publicRoute, secured } from '../docs.ts';


const postmart: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/sellers/:id/postmart',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['postmart'],
        summary: "The seller's Postmart shop connection",
        operationId: 'getPostmartConnection',
        ...secured('seller', 'read'),
        params: IdParams,
        response: { 200: PostmartConnection, ...errorResponses(400, 401, 404) },
      },
    },
    async (req) => connectionStatus(app.db, req.principal, req.params.id),
  );

  app.post(
    '/v1/sellers/:id/postmart/connect',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['postmart'],
        summary: 'Start connecting the seller to their Postmart shop (OAuth)',
        operationId: 'connectPostmart',
        ...secured('postmart_shop', 'update', 'Open `authorizeUrl` in a browser; Postmart sends the seller back to the OAuth callback.'),
        params: IdParams,
        response: { 200: Type.Object({ authorizeUrl: Type.String() }), ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (req) => {
      const pm = await app.postmart();
      return startConnect(app.db, req.principal, actorOf(req), req.params.id, pm.client, `${app.config.publicUrl}${OAUTH_CALLBACK_PATH}`);
    },
  );

  app.get(
    OAUTH_CALLBACK_PATH,
    {
      schema: {
        tags: ['postmart'],
        summary: 'OAuth callback: Postmart redirects here with code, shop_id and state',
        operationId: 'completePostmartConnect',
        ...publicRoute('The one-time `state` identifies the seller; Postmart redirects the seller here.'),
        querystring: OAuthCallbackQuery,
        response: { 200: Type.Object({ sellerId: Uuid(), shopId: Type.String(), status: Type.Literal('connected') }), ...errorResponses(400, 409, 503) },
      },
    },
    async (req) => {
      const pm = await app.postmart();
      return { ...(await completeConnect(app.db, pm, req.query)), status: 'connected' as const };
    },
  );
};
export default postmart;
