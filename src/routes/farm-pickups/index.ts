import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { DayRoute, FarmPickup, FarmPickupBody, FarmPickupDetail, FarmPickupList, FarmPickupQuery, Html, RescheduleBody, RouteQuery } from '../../schemas/outlets.ts';
import { bookFarmPickup, dayRoute, dayRouteHtml, getFarmPickup, listFarmPickups, markFarmPickupCollected, rescheduleFarmPickup } from '../../services/outlets/farm-pickups.ts';
import { secured } from '../docs.ts';

/** Post offices come to the farm for the parcels (issue 14). */
const farmPickupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.post(
    '/v1/farm-pickups',
    {
      schema: {
        tags: ['outlets'],
        summary: 'Ask a post office to pick the parcels up at the farm',
        operationId: 'bookFarmPickup',
        ...secured(
          'farm_pickup',
          'create',
          'The nearest office that picks up at farms, whose service radius reaches the farm (its pin, else the commune’s centroid) and that has room in the window takes it, whatever commune either is in. ' +
            'No office in reach: 422 `FARM_PICKUP_OUT_OF_RANGE`; every one full: 409 `FARM_PICKUP_FULL` naming the next free window.',
        ),
        body: FarmPickupBody,
        response: { 201: FarmPickup, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await bookFarmPickup(app.db, req.principal, req.body)),
  );

  app.get(
    '/v1/farm-pickups',
    {
      schema: {
        tags: ['outlets'],
        summary: 'Farm pickups by day and window',
        operationId: 'listFarmPickups',
        ...secured('farm_pickup', 'list', 'A seller manager sees their seller’s, a clerk their office’s.'),
        querystring: FarmPickupQuery,
        response: { 200: FarmPickupList, ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => ({ items: await listFarmPickups(app.db, req.principal, req.query) }),
  );

  app.get(
    '/v1/farm-pickups/:id',
    { schema: { tags: ['outlets'], summary: 'One farm pickup with its history', operationId: 'getFarmPickup', ...secured('farm_pickup', 'read'), params: IdParams, response: { 200: FarmPickupDetail, ...errorResponses(400, 401, 404) } } },
    async (req) => getFarmPickup(app.db, req.principal, req.params.id),
  );

  app.post(
    '/v1/farm-pickups/:id/reschedule',
    {
      schema: {
        tags: ['outlets'],
        summary: 'Move a pickup to another window (a missed pickup), by the seller or the office, with a reason',
        operationId: 'rescheduleFarmPickup',
        ...secured('farm_pickup', 'update', 'At the same office; a full window answers 409 `FARM_PICKUP_FULL` naming the next free one. Recorded in the pickup’s history.'),
        params: IdParams,
        body: RescheduleBody,
        response: { 200: FarmPickup, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => rescheduleFarmPickup(app.db, req.principal, req.params.id, req.body),
  );

  app.post(
    '/v1/farm-pickups/:id/collected',
    {
      schema: {
        tags: ['outlets'],
        summary: 'The office took the parcels at the farm',
        operationId: 'markFarmPickupCollected',
        ...secured('farm_pickup', 'operate', 'Only a booked pickup (409 otherwise); it leaves the day’s route.'),
        params: IdParams,
        response: { 200: FarmPickup, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => markFarmPickupCollected(app.db, req.principal, req.params.id),
  );

  app.get(
    '/v1/pickup-points/:id/farm-route',
    {
      schema: {
        tags: ['outlets'],
        summary: 'The office’s farm pickups of a day as a route from the office (`?format=html` prints it)',
        operationId: 'getFarmPickupRoute',
        ...secured('farm_pickup', 'list', 'Nearest-neighbour tour improved by 2-opt, with each farm’s phone and parcel count. Seller managers never see it (other farms’ phones).', { hiddenFrom: ['seller_manager'] }),
        params: IdParams,
        querystring: RouteQuery,
        response: { 200: { content: { 'application/json': { schema: DayRoute }, ...Html.content } }, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const route = await dayRoute(app.db, req.principal, req.params.id, req.query.day);
      return req.query.format === 'html' ? reply.type('text/html; charset=utf-8').send(dayRouteHtml(route)) : route;
    },
  );
};
export default farmPickupRoutes;
