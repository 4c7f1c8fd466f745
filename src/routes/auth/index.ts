import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../errors.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { withVnTimes } from '../../lib/time.ts';
import { errorResponses } from '../../schemas/common.ts';
import { LoginBody, LoginReply } from '../../schemas/users.ts';
import { findUser, login, toPublicUser } from '../../services/accounts/users.ts';
import { loggedIn, publicRoute } from '../docs.ts';

const auth: FastifyPluginAsyncTypebox = async (app) => {
  // Password guessing: a phone number gets a few attempts a minute from one address, counted in
  // Redis so every API replica shares the count. If Redis is down, logins are not blocked.
  await app.register(rateLimit, {
    global: false,
    hook: 'preHandler',
    redis: app.redis,
    nameSpace: `${app.config.queuePrefix}:login-attempts:`,
    skipOnError: true,
    keyGenerator: (req) => `${req.ip}|${normalizePhone((req.body as { phone?: string } | undefined)?.phone ?? '') ?? ''}`,
    errorResponseBuilder: (_req, ctx) => new AppError('TOO_MANY_LOGINS', { seconds: Math.max(1, Math.ceil(ctx.ttl / 1000)) }, 'phone'),
  });

  app.post(
    '/v1/auth/login',
    {
      config: { rateLimit: { max: app.config.loginAttemptsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: 'Log in with phone number and password',
        operationId: 'login',
        ...publicRoute(
          'Returns a bearer JWT to send as `Authorization: Bearer <token>`. A phone number gets `LOGIN_ATTEMPTS_PER_MINUTE` attempts a minute from one address; then 429 with `Retry-After`.',
        ),
        body: LoginBody,
        response: { 200: LoginReply, ...errorResponses(400, 401, 429) },
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
