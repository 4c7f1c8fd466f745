import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import {
  CommissionRate, CommissionRateBody, CommissionRateList, Html, OutletReport, OutletReportQuery, OutletSettings, OutletSettingsBody, Statement, StatementBody, StatementList, StatementQuery,
} from '../../schemas/outlets.ts';
import { listCommissionRates, setCommissionRate } from '../../services/outlets/commission.ts';
import { outletSalesReport } from '../../services/outlets/outlet-report.ts';
import { getOutletSettings, updateOutletSettings } from '../../services/outlets/outlet-points.ts';
import { acceptStatement, generateStatement, getStatement, listStatements, statementCsv, statementHtml } from '../../services/outlets/settlement.ts';
import { renderStatementPdf } from '../../services/outlets/settlement-pdf.ts';
import { secured } from '../docs.ts';

/** Money between sellers and post offices (issue 14): commission rates, monthly statements, the outlet report, an office's outlet settings. */
const settlementRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.post(
    '/v1/sellers/:id/commission-rates',
    {
      schema: {
        tags: ['outlets'],
        summary: 'Agree a new consignment commission rate with the seller',
        operationId: 'setCommissionRate',
        ...secured('settlement', 'update', 'Starts now, or at a later `effectiveFrom`; never earlier (400). Sales keep the rate they were made at.'),
        params: IdParams,
        body: CommissionRateBody,
        response: { 201: CommissionRate, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(await setCommissionRate(app.db, req.principal, req.params.id, req.body)),
  );

  app.get(
    '/v1/sellers/:id/commission-rates',
    {
      schema: { tags: ['outlets'], summary: 'The seller’s commission rates, newest first', operationId: 'listCommissionRates', ...secured('settlement', 'read'), params: IdParams, response: { 200: CommissionRateList, ...errorResponses(400, 401, 404) } },
    },
    async (req) => ({ items: await listCommissionRates(app.db, req.principal, req.params.id) }),
  );

  app.post(
    '/v1/settlements',
    {
      schema: {
        tags: ['outlets'],
        summary: 'Compute (or recompute a draft of) a month’s statement for a seller at a post office',
        operationId: 'generateSettlement',
        ...secured('settlement', 'create', 'Completed counter sales of the Vietnam month, each line at the commission it was sold at. An accepted statement answers 409 `STATEMENT_ACCEPTED`.'),
        body: StatementBody,
        response: { 200: Statement, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => generateStatement(app.db, req.principal, req.body),
  );

  app.get(
    '/v1/settlements',
    {
      schema: {
        tags: ['outlets'],
        summary: 'Settlement statements, newest month first',
        operationId: 'listSettlements',
        ...secured('settlement', 'list', 'A seller manager sees their seller’s, a clerk their office’s.'),
        querystring: StatementQuery,
        response: { 200: StatementList, ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => ({ items: await listStatements(app.db, req.principal, { month: req.query.month }) }),
  );

  app.get(
    '/v1/settlements/:id',
    {
      schema: {
        tags: ['outlets'],
        summary: 'One statement: JSON, CSV (`?format=csv` or `Accept: text/csv`), PDF (`?format=pdf` or `Accept: application/pdf`) or printable HTML (`?format=html`)',
        operationId: 'getSettlement',
        ...secured('settlement', 'read'),
        params: IdParams,
        querystring: StatementQuery,
        response: {
          200: { content: { 'application/json': { schema: Statement }, 'text/csv': { schema: { type: 'string' } }, 'application/pdf': { schema: { type: 'string', format: 'binary' } }, ...Html.content } },
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (req, reply) => {
      const s = await getStatement(app.db, req.principal, req.params.id);
      const accept = req.headers.accept ?? '';
      const format = req.query.format ?? (/\btext\/csv\b/.test(accept) ? 'csv' : /\bapplication\/pdf\b/.test(accept) ? 'pdf' : 'json');
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="bang-ke-${s.month}.csv"`).send(statementCsv(s));
      if (format === 'pdf') {
        return reply.type('application/pdf').header('content-disposition', `attachment; filename="bang-ke-${s.month}.pdf"`).header('cache-control', 'private, no-store').send(await renderStatementPdf(s));
      }
      if (format === 'html') return reply.type('text/html; charset=utf-8').send(statementHtml(s));
      return s;
    },
  );

  app.post(
    '/v1/settlements/:id/accept',
    {
      schema: {
        tags: ['outlets'],
        summary: 'Accept a statement; it never changes afterwards',
        operationId: 'acceptSettlement',
        ...secured('settlement', 'operate', 'A second accept, or any later change, answers 409 `STATEMENT_ACCEPTED` (the database refuses it too).'),
        params: IdParams,
        response: { 200: Statement, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => acceptStatement(app.db, req.principal, req.params.id),
  );

  app.get(
    '/v1/reports/outlets',
    {
      schema: {
        tags: ['reports'],
        summary: 'Counter sales next to Postmart sales, by post office, commune or category, and the consigned stock per post office',
        operationId: 'getOutletReport',
        ...secured(
          'report',
          'read',
          'Two separate sets of figures per row, never summed: `postmart` (the sales report’s orders, units, revenue) and `counter` (completed counter sales of the Vietnam days, voids excluded). ' +
            'Communes are the seller’s, as in the sales report.',
        ),
        querystring: OutletReportQuery,
        response: { 200: OutletReport, ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => outletSalesReport(app.db, req.principal, { from: req.query.from, to: req.query.to, groupBy: req.query.groupBy ?? 'pickupPoint' }),
  );

  app.get(
    '/v1/pickup-points/:id/outlet',
    {
      schema: { tags: ['outlets'], summary: 'What the post office does as an outlet', operationId: 'getOutletSettings', ...secured('pickup_point', 'read'), params: IdParams, response: { 200: OutletSettings, ...errorResponses(400, 401, 404) } },
    },
    async (req) => getOutletSettings(app.db, req.principal, req.params.id),
  );

  app.patch(
    '/v1/pickup-points/:id/outlet',
    {
      schema: {
        tags: ['outlets'],
        summary: 'Set the office’s bank account for transfers, whether it picks up at farms, its radius and capacity per window',
        operationId: 'updateOutletSettings',
        ...secured('pickup_point', 'update'),
        params: IdParams,
        body: OutletSettingsBody,
        response: { 200: OutletSettings, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => updateOutletSettings(app.db, req.principal, req.params.id, req.body),
  );
};
export default settlementRoutes;
