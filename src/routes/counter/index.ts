import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { CashCloseBody, CashQuery, CashSheet, PackageParams, ParcelView, ReturnBody, Returned, ReturnList } from '../../schemas/counter.ts';
import { cashSheet, closeCashDay } from '../../services/fulfillment/counter-cash.ts';
import { lookupParcel } from '../../services/fulfillment/parcel-lookup.ts';
import { listReturns, recordReturn } from '../../services/fulfillment/parcel-returns.ts';
import { secured } from '../docs.ts';

/** The post-office counter: a parcel by its label, the day's COD cash, and returns to sellers. */
const counterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/v1/parcels/:packageNumber',
    {
      schema: {
        tags: ['pickup-points'],
        summary: 'A parcel by the package number on its label',
        operationId: 'getParcel',
        ...secured(
          'order',
          'read',
          'For the counter’s scan or typed number: the order, the drop-off (weights), and the buyer’s pickup (hold, collection, lock, return). A clerk sees parcels passing through their own office only, a seller manager their own seller’s; any other number answers 404 like an unknown one.',
          { notes: { post_office_clerk: 'recipient phone masked' } },
        ),
        params: PackageParams,
        response: { 200: ParcelView, ...errorResponses(400, 401, 404) },
      },
    },
    async (req) => lookupParcel(app.db, req.principal, req.params.packageNumber),
  );

  app.get(
    '/v1/pickup-points/:id/cash',
    {
      schema: {
        tags: ['pickup-points'],
        summary: 'The point’s cash-on-delivery sheet of a day',
        operationId: 'getCashSheet',
        ...secured(
          'pickup_parcels',
          'read',
          '`date` (YYYY-MM-DD, Vietnam day, default today): every COD collection with the cash taken against the COD amount (integer VND), who took it, subtotals per clerk and totals; `clerkId` narrows it to one clerk’s sheet. `closed` says whether the day is closed.',
        ),
        params: IdParams,
        querystring: CashQuery,
        response: { 200: CashSheet, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => cashSheet(app.db, req.principal, req.params.id, req.query.date, req.query.clerkId),
  );

  app.post(
    '/v1/pickup-points/:id/cash/close',
    {
      schema: {
        tags: ['pickup-points'],
        summary: 'Close the point’s cash day',
        operationId: 'closeCashDay',
        ...secured(
          'pickup_point',
          'operate',
          'Closes the day (today or earlier) with its totals and answers the sheet. A closed day is immutable: a COD collection that day, or closing it again, answers 409 `CASH_DAY_CLOSED`.',
        ),
        params: IdParams,
        body: CashCloseBody,
        response: { 200: CashSheet, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => closeCashDay(app.db, req.principal, req.params.id, req.body.date),
  );

  app.get(
    '/v1/pickup-points/:id/returns',
    {
      schema: {
        tags: ['pickup-points'],
        summary: 'Parcels to give back to their sellers',
        operationId: 'listReturns',
        ...secured(
          'pickup_parcels',
          'read',
          'Parcels not collected within the hold period (`hold_expired`) and those refused or not delivered (`refused`: Postmart’s failed_delivery / to_return), until the hand-back is recorded.',
        ),
        params: IdParams,
        response: { 200: ReturnList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => listReturns(app.db, req.principal, req.params.id),
  );

  app.post(
    '/v1/orders/:id/return',
    {
      schema: {
        tags: ['pickup-points'],
        summary: 'Hand a parcel back to its seller',
        operationId: 'recordReturn',
        ...secured(
          'order',
          'operate',
          'Only for a parcel on the point’s return list. `sellerPhone` must be the seller’s (or one of its managers’) phone, else 422 `SELLER_PHONE_MISMATCH` (logged in the order’s history). ' +
            'The order becomes `returned` at once and its reserved stock comes back (and is pushed to Postmart); Postmart’s own RETURNED follows from the carrier.',
        ),
        params: IdParams,
        body: ReturnBody,
        response: { 200: Returned, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => recordReturn(app.db, req.principal, req.params.id, req.body),
  );
};
export default counterRoutes;
