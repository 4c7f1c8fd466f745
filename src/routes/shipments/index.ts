import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { UnlockBody, Unlocked } from '../../schemas/counter.ts';
import { CollectBody, Collected, HandoverBody, PickupSuggestions, ShipAccepted, ShipBody, Shipment } from '../../schemas/pickup-points.ts';
import { recordCollection, unlockCollection } from '../../services/fulfillment/counter-collect.ts';
import { recordHandover } from '../../services/fulfillment/handover.ts';
import { getShipment, requestShip } from '../../services/fulfillment/order-ship.ts';
import { pickupSuggestions } from '../../services/fulfillment/pickup-finder.ts';
import { secured } from '../docs.ts';

/** An order's way through the pickup points: the seller's drop-off and the clerk's counter. */
const shipmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/v1/orders/:id/pickup-suggestions',
    {
      schema: {
        tags: ['orders'],
        summary: 'Where the seller should drop the parcel, best first',
        operationId: 'getPickupSuggestions',
        ...secured(
          'order',
          'read',
          'Active points accepting drop-off with a slot left today; cold storage first when a product keeps ≤ 7 days, then open now, then nearest to the seller’s commune.',
          // The suggestions are for the seller's drop-off: the service checks the bare order, which a clerk never sees.
          { hiddenFrom: ['post_office_clerk'] },
        ),
        params: IdParams,
        response: { 200: PickupSuggestions, ...errorResponses(400, 401, 404) },
      },
    },
    async (req) => pickupSuggestions(app.db, req.principal, req.params.id),
  );

  app.post(
    '/v1/orders/:id/ship',
    {
      schema: {
        tags: ['orders'],
        summary: 'Ship the order through a pickup point',
        operationId: 'shipOrder',
        ...secured(
          'order',
          'ship',
          'Books one of today’s drop-off slots at the point at once (a full point answers 409 `PICKUP_POINT_FULL` naming the next suggestion), ' +
            'then a job asks Postmart to ship (202; `jobId` names that job, which starts even if the job queue was briefly unavailable); the package number and the order’s status follow when Postmart accepts. Only from `processed`. ' +
            'A cancelled order, or a ship Postmart refuses, frees the slot.',
        ),
        params: IdParams,
        body: ShipBody,
        response: { 202: ShipAccepted, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const { shipment, jobId } = await requestShip(app.db, req.principal, req.params.id, req.body.pickupPointId);
      return reply.status(202).send({ queued: true as const, jobId, shipment });
    },
  );

  app.get(
    '/v1/orders/:id/shipment',
    {
      schema: {
        tags: ['orders'],
        summary: 'The order’s drop-off: point, day, package number, weights',
        operationId: 'getShipment',
        ...secured('order', 'read'),
        params: IdParams,
        response: { 200: Shipment, ...errorResponses(400, 401, 404) },
      },
    },
    async (req) => getShipment(app.db, req.principal, req.params.id),
  );

  app.post(
    '/v1/orders/:id/handover',
    {
      schema: {
        tags: ['pickup-points'],
        summary: 'The clerk receives the seller’s parcel and weighs it',
        operationId: 'recordHandover',
        ...secured(
          'order',
          'operate',
          'A weight more than 10% off the declared one (product weight × quantity) is refused with 409 `WEIGHT_CONFIRMATION_REQUIRED` unless the body says `weightConfirmed: true`; then it is recorded with `weightFlagged` for the seller. Recorded as an order event with the clerk as actor.',
        ),
        params: IdParams,
        body: HandoverBody,
        response: { 200: Shipment, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => recordHandover(app.db, req.principal, req.params.id, req.body.weightGrams, req.body.weightConfirmed ?? false),
  );

  app.post(
    '/v1/orders/:id/collect',
    {
      schema: {
        tags: ['pickup-points'],
        summary: 'The buyer collects the parcel at the counter',
        operationId: 'recordCollection',
        ...secured(
          'order',
          'operate',
          'Only for `ready_for_pickup`. The phone the buyer gives is normalized and compared with the recipient’s; a wrong number answers 422 `RECIPIENT_PHONE_MISMATCH`, ' +
            'and the fifth wrong number for a parcel locks it: 423 `PARCEL_LOCKED` until an admin unlocks it or the clerk records an identity check (`POST /v1/orders/{id}/collection-unlock`). Every try is an order event. ' +
            'A cash-on-delivery parcel needs `cashVnd`, the cash taken: the COD amount, or another amount with `cashReason` (else 422 `COD_CASH_MISMATCH`); it goes on the point’s cash sheet of the day (409 `CASH_DAY_CLOSED` once that day is closed).',
        ),
        params: IdParams,
        body: CollectBody,
        response: { 200: Collected, ...errorResponses(400, 401, 403, 404, 409, 422, 423) },
      },
    },
    async (req) => recordCollection(app.db, req.principal, req.params.id, req.body),
  );

  app.post(
    '/v1/orders/:id/collection-unlock',
    {
      schema: {
        tags: ['pickup-points'],
        summary: 'Unlock a parcel locked after wrong phone numbers',
        operationId: 'unlockCollection',
        ...secured(
          'order',
          'operate',
          'An admin unlocks with an empty body; a clerk only by recording the identity document checked (`identityDocument` and `identityLast4`; without them 403). The count of wrong numbers starts again. Recorded as an order event.',
        ),
        params: IdParams,
        body: UnlockBody,
        response: { 200: Unlocked, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => unlockCollection(app.db, req.principal, req.params.id, req.body),
  );
};
export default shipmentRoutes;
