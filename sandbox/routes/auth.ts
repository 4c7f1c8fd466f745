import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ok } from '../errors.ts';
import { AuthorizeQuery, RefreshBody, TokenBody } from '../schemas.ts';
import { authorize, exchangeCode, refreshTokens } from '../services/auth.ts';

/** postmart-api.md#authentication-and-signing: /auth/* calls are not signed. */
const auth: FastifyPluginAsyncTypebox = async (app) => {
  const deps = app.pmSandbox.deps;

  // postmart-api.md#the-sandbox: approves at once, 302 to `redirect` with code, shop_id and state.
  app.get('/auth/authorize', { schema: { querystring: AuthorizeQuery } }, async (req, reply) => reply.redirect(await authorize(deps, req.query), 302));

  app.post('/auth/token', { schema: { body: TokenBody } }, async (req) => ok(req.id, await exchangeCode(deps, req.body)));

  app.post('/auth/token/refresh', { schema: { body: RefreshBody } }, async (req) => ok(req.id, await refreshTokens(deps, req.body)));
};

export default auth;
