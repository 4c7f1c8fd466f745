import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { withVnTimes } from '../../lib/time.ts';
import { errorResponses, IdParams, Page } from '../../schemas/common.ts';
import { UserCreate, UserPatch, UserQuery } from '../../schemas/users.ts';
import { createUser, listUsers, updateUser } from '../../services/accounts/users.ts';
import { actorOf, secured } from '../docs.ts';

const users: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/v1/users',
    {
      schema: {
        tags: ['users'],
        summary: 'List accounts',
        operationId: 'listUsers',
        ...secured('user', 'list'),
        querystring: UserQuery,
        response: { 200: Page(Type.Ref('User')), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => {
      const { page, nextCursor } = await listUsers(app.db, req.principal, req.query);
      return { items: page.map(withVnTimes), nextCursor };
    },
  );

  app.post(
    '/v1/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create an account',
        operationId: 'createUser',
        ...secured('user', 'create', 'A seller_manager needs `sellerId`; a post_office_clerk needs `pickupPointId`. The phone must be a real Vietnamese number (mobile or landline); it is stored in E.164 and shown in national form (0xxxxxxxxx).'),
        body: UserCreate,
        response: { 201: Type.Ref('User'), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const user = await createUser(app.db, req.principal, actorOf(req), req.body);
      return reply.status(201).send(withVnTimes(user));
    },
  );

  app.patch(
    '/v1/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Change role, scope, name or password; disable or enable',
        operationId: 'updateUser',
        ...secured('user', 'update'),
        params: IdParams,
        body: UserPatch,
        response: { 200: Type.Ref('User'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const user = await updateUser(app.db, req.principal, actorOf(req), req.params.id, req.body);
      app.forgetPrincipal(user.id);
      return withVnTimes(user);
    },
  );
};
export default users;
