import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../errors.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { NearbyPickupPoint, Parcels, ParcelsQuery, PickupImportReport, PickupPointCreate, PickupPointPatch, PickupPointQuery, PickupSyncResult } from '../../schemas/pickup-points.ts';
import { searchPickupPoints } from '../../services/fulfillment/pickup-finder.ts';
import { importPickupPoints, PICKUP_CSV_COLUMNS } from '../../services/fulfillment/pickup-import.ts';
import { listParcels } from '../../services/fulfillment/pickup-parcels.ts';
import { createPickupPoint, getPickupPoint, listPickupPoints, pickupPointView, updatePickupPoint } from '../../services/fulfillment/pickup-points.ts';
import { syncPickupPoints } from '../../services/fulfillment/pickup-sync.ts';
import { actorOf, secured } from '../docs.ts';

/** The pickup point registry: post offices where sellers drop parcels and buyers collect them. */
const pickupPointRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.get(
    '/v1/pickup-points',
    {
      schema: {
        tags: ['pickup-points'],
        summary: 'The registry, or active points by distance',
        operationId: 'listPickupPoints',
        ...secured(
          'pickup_point',
          'list',
          'With `near=lat,lng` or `wardCode` (from that commune’s centroid): active points within `radiusKm` (default 30) by great-circle distance, ' +
            'each with `distanceKm`, `remainingToday` (drop-off slots left today) and `openNow` (Asia/Ho_Chi_Minh); `nextCursor` is null. ' +
            'Without them: the whole registry, newest first, with cursor paging (`active` filters).',
        ),
        querystring: PickupPointQuery,
        response: { 200: Type.Object({ items: Type.Array(Type.Union([Type.Ref('PickupPoint'), NearbyPickupPoint])), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => {
      if (req.query.near || req.query.wardCode) return { items: await searchPickupPoints(app.db, req.principal, req.query), nextCursor: null };
      const { page, nextCursor } = await listPickupPoints(app.db, req.principal, req.query);
      return { items: page.map(pickupPointView), nextCursor };
    },
  );

  app.post(
    '/v1/pickup-points',
    {
      schema: {
        tags: ['pickup-points'],
        summary: 'Register a post office that Postmart does not list',
        operationId: 'createPickupPoint',
        ...secured('pickup_point', 'create', 'Creates a `local` point; Postmart’s own arrive by the sync. `openingHours` per weekday; a close at or before the open runs past midnight.'),
        body: PickupPointCreate,
        response: { 201: Type.Ref('PickupPoint'), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(pickupPointView(await createPickupPoint(app.db, req.principal, actorOf(req), req.body))),
  );

  app.post(
    '/v1/pickup-points/import',
    {
      schema: {
        tags: ['pickup-points'],
        summary: 'Bulk upsert local points by code from a CSV file',
        operationId: 'importPickupPoints',
        ...secured(
          'pickup_point',
          'create',
          `Body \`Content-Type: text/csv\` (UTF-8, BOM optional); columns ${PICKUP_CSV_COLUMNS.map((c) => `\`${c}\``).join(', ')}. ` +
            '`openingHours` in Postmart’s wording ("Thứ 2–Thứ 7: 07:00–17:00; Chủ nhật: 07:00–11:00") or as JSON. Rejected rows are reported with their line; the others are applied.',
        ),
        consumes: ['text/csv'],
        body: Type.String({ description: 'CSV text' }),
        response: { 200: PickupImportReport, ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
      },
      preHandler: app.limit({ name: 'import', perMinute: app.config.limits.importsPerUser, key: (req) => req.principal.id }),
    },
    // One registry import at a time: two would upsert the same codes concurrently.
    async (req) => app.oneAtATime('pickup-import', () => new AppError('IMPORT_IN_PROGRESS'), () => importPickupPoints(app.db, req.principal, actorOf(req), req.body, req.lang)),
  );

  app.post(
    '/v1/pickup-points/sync',
    {
      schema: {
        tags: ['pickup-points'],
        summary: 'Bring the registry in step with Postmart’s post-office list now',
        operationId: 'syncPickupPoints',
        // Bringing the registry in step with Postmart adds points: allowed to whoever may create them.
        ...secured('pickup_point', 'create', 'Also runs every day at 03:00 (Asia/Ho_Chi_Minh). New offices are added, vanished ones deactivated; capacity, cold storage and hold days are kept.'),
        response: { 200: PickupSyncResult, ...errorResponses(401, 403, 503) },
      },
    },
    async () => {
      const { shopId: _shop, ...result } = await syncPickupPoints({ db: app.db, postmart: app.postmart });
      return result;
    },
  );

  app.get(
    '/v1/pickup-points/:id',
    {
      schema: { tags: ['pickup-points'], summary: 'One pickup point', operationId: 'getPickupPoint', ...secured('pickup_point', 'read'), params: IdParams, response: { 200: Type.Ref('PickupPoint'), ...errorResponses(400, 401, 404) } },
    },
    async (req) => pickupPointView(await getPickupPoint(app.db, req.principal, req.params.id)),
  );

  app.patch(
    '/v1/pickup-points/:id',
    {
      schema: {
        tags: ['pickup-points'],
        summary: 'Change a pickup point',
        operationId: 'updatePickupPoint',
        ...secured('pickup_point', 'update', 'On a point synced from Postmart only `dailyCapacity`, `coldStorage`, `holdDays`, `perishableHoldDays` and `active` may change.'),
        params: IdParams,
        body: PickupPointPatch,
        response: { 200: Type.Ref('PickupPoint'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => pickupPointView(await updatePickupPoint(app.db, req.principal, actorOf(req), req.params.id, req.body)),
  );

  app.get(
    '/v1/pickup-points/:id/parcels',
    {
      schema: {
        tags: ['pickup-points'],
        summary: 'The counter’s day: drop-offs expected and parcels waiting for buyers',
        operationId: 'listParcels',
        ...secured(
          'pickup_parcels',
          'read',
          'The list shows every seller’s parcels at the point, so seller managers do not see it. `date` (YYYY-MM-DD, default today in Vietnam) selects the drop-offs booked for that day; `pickups` are the parcels waiting here now, with their hold period and return flag.',
        ),
        params: IdParams,
        querystring: ParcelsQuery,
        response: { 200: Parcels, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => listParcels(app.db, req.principal, req.params.id, req.query.date),
  );
};
export default pickupPointRoutes;
