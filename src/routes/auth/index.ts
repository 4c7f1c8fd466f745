import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../errors.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { withVnTimes } from '../../lib/time.ts';
import { errorResponses } from '../../schemas/common.ts';
import { LoginBody, LoginReply } from '../../schemas/users.ts';
import { findUser, login, toPublicUser } from '../../services/accounts/users.ts';
import { loggedIn, publicRoute } from '../docs.ts';

const auth: FastifyPluginAsyncTypebox = async (app) => {
  // Password guessing: a phone number gets a few attempts a minute from one address, and one address
  // a few more over all phones (a spray over many phones), counted in Redis so every API replica
  // shares the counts. If Redis is down, logins are not blocked.
  const phoneOf = (req: FastifyRequest) => normalizePhone((req.body as { phone?: string } | undefined)?.phone ?? '') ?? '';
  const perPhone = app.limit({
    name: 'login-phone',
    perMinute: app.config.loginAttemptsPerMinute,
    key: (req) => `${req.ip}|${phoneOf(req)}`,
    error: (seconds) => new AppError('TOO_MANY_LOGINS', { seconds }, 'phone'),
  });
  const perAddress = app.limit({
    name: 'login-address',
    perMinute: app.config.limits.loginsPerAddress,
    key: (req) => req.ip,
    error: (seconds) => new AppError('TOO_MANY_LOGINS_FROM_ADDRESS', { seconds }),
  });

  app.post(
    '/v1/auth/login',
    {
      preHandler: [perAddress, perPhone],
      bodyLimit: 8 * 1024,
      schema: {
        tags: ['auth'],
        summary: 'Log in with phone number and password',
        operationId: 'login',
        ...publicRoute(
          'Returns a bearer JWT to send as `Authorization: Bearer <token>`. A phone number gets `LOGIN_ATTEMPTS_PER_MINUTE` attempts a minute from one address, and one address `LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE` over all phones; then 429 with `Retry-After`. The reply is `Cache-Control: no-store`.',
        ),
        body: LoginBody,
        response: { 200: LoginReply, ...errorResponses(400, 401, 429) },
      },
    },
    async (req, reply) => {
      const user = await login(app.db, req.body.phone, req.body.password);
      reply.header('cache-control', 'no-store');
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
        operationId: 'getMe',
        ...loggedIn(),
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
