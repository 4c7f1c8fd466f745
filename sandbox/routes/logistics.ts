import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ok } from '../errors.ts';
import { PostOfficeQuery } from '../schemas.ts';
import { listPostOffices } from '../services/post-offices.ts';

/** postmart-api.md#post-offices-fulfillment-locations */
const logisticsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/logistics/post-offices', { schema: { querystring: PostOfficeQuery } }, async (req) => ok(req.id, await listPostOffices(app.pmSandbox.deps.db, req.query)));
};

export default logisticsRoutes;
