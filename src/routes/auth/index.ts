import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { withVnTimes } from '../../lib/time.ts';
import { errorResponses } from '../../schemas/common.ts';
import { LoginBody, LoginReply } from '../../schemas/users.ts';
import { findUser, login, toPublicUser } from '../../services/users.ts';
import { secured } from '../docs.ts';

const auth: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in with phone number and password',
        description: '**Roles:** anyone. Returns a bearer JWT to send as `Authorization: Bearer <token>`.',
        body: LoginBody,
        response: { 200: LoginReply, ...errorResponses(400, 401) },
      },
    },
    async (req) => {
      const user = await login(app.db, req.body.phone, req.body.password);
      return { token: await app.signToken(user), expiresIn: app.config.jwtTtlSeconds, user: withVnTimes(toPublicUser(user)) };
    },
  );

  app.get(
    '/v1/me',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['auth'],
        summary: 'The logged-in account',
        ...secured('any logged-in user'),
        response: { 200: Type.Ref('User'), ...errorResponses(401) },
      },
    },
    async (req) => {
      const user = await findUser(app.db, req.principal.id);
      return withVnTimes(toPublicUser(user!));
    },
  );
};
export default auth;
