import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorResponses, JsonOrCsv } from '../../schemas/common.ts';
import { Overview, OverviewQuery, SalesQuery, SalesReport } from '../../schemas/reports.ts';
import { overviewCsv, salesCsv } from '../../services/reports/reports-csv.ts';
import { overviewReport } from '../../services/reports/reports-overview.ts';
import { salesReport } from '../../services/reports/reports-sales.ts';
import { secured } from '../docs.ts';

const CSV_NOTE = 'Send `Accept: text/csv` or `?format=csv` for the same report as a CSV download (UTF-8 with BOM, Vietnamese headers, amounts in integer VND).';

const SALES_DEFINITIONS = `Definitions (all times Asia/Ho_Chi_Minh):
- **Day of an order**: the Vietnam calendar day on which the buyer placed it on Postmart (the order's \`create_time\`), whatever happened to it later. \`from\` and \`to\` are calendar days, both included; weeks are ISO weeks (Monday to Sunday), months calendar months, each clipped to the range. Time groupings list every period in the range, empty ones as zeros.
- **orders**: orders placed in the period, in any status (including cancelled, returned and on hold).
- **cancelled**: of those, the ones now \`cancelled\`. Returned orders (\`to_return\`, \`returned\`) are neither cancelled nor sold.
- **Sold orders**: now \`delivered\`, \`picked_up\` (collected at the post office: the pickup counterpart of delivered) or \`completed\`; the same statuses consume the reserved stock.
- **units**: quantities on the lines of sold orders.
- **revenueVnd**: goods value of sold orders, Σ quantity × unit price of their lines (shipping fees and vouchers excluded), integer VND.
- **codRevenueVnd**: the part of revenueVnd from orders paid cash on delivery (\`payment_method = COD\`).
- **commune**: the commune of the *seller* (where the produce comes from), not the buyer's.
- **seller**, **pickupPoint**: the order's seller; the post office the order names (\`none\` for orders naming none).
- **category**, **certification**: from each line's product, with the product's current category and certificates (a product with several certificates counts under each; \`none\` without any; \`unknown\` for lines whose SKU matched no product). An order counts once under each key its lines carry, so these rows may add up to more than the totals.
- **totals**: every order in range once.

Numbers include every order change committed before the request.`;

/** A manager's reports are cut to their seller (reportScope); staff see the whole province. */
const SCOPE_NOTES = { notes: { provincial_staff: 'the whole province' } } as const;
const CSV_BODY = 'The same report as a CSV download (UTF-8 with BOM, Vietnamese headers, amounts in integer VND).';

const wantsCsv = (req: FastifyRequest, format: string | undefined) =>
  format === 'csv' || (format === undefined && /\btext\/csv\b/.test(req.headers.accept ?? ''));

function sendCsv(reply: FastifyReply, name: string, body: string) {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(body);
}

const reports: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/v1/reports/sales',
    {
      schema: {
        tags: ['reports'],
        summary: 'Sales by day, week, month, commune, category, seller, pickup point or certification',
        operationId: 'getSalesReport',
        ...secured('report', 'read', `${SALES_DEFINITIONS}\n\n${CSV_NOTE}`, SCOPE_NOTES),
        querystring: SalesQuery,
        response: { 200: JsonOrCsv(SalesReport, CSV_BODY), ...errorResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const report = await salesReport(app.db, req.principal, req.query, app.now());
      if (wantsCsv(req, req.query.format)) return sendCsv(reply, `doanh-thu_${report.groupBy}_${report.from}_${report.to}`, salesCsv(report));
      return report;
    },
  );

  app.get(
    '/v1/reports/overview',
    {
      schema: {
        tags: ['reports'],
        summary: 'The programme at a glance: sellers, OCOP listings, orders, revenue, post offices, sync health',
        operationId: 'getOverviewReport',
        ...secured(
          'report',
          'read',
          `Revenue as in GET /v1/reports/sales (sold orders' goods value, by placement day); "this month" runs from the 1st to today. Top products and sellers are this month's by revenue. Queue depths and webhook failures are the whole connector's, so a seller manager gets null for them.\n\n${CSV_NOTE}`,
          SCOPE_NOTES,
        ),
        querystring: OverviewQuery,
        response: { 200: JsonOrCsv(Overview, CSV_BODY), ...errorResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const overview = await overviewReport(app.db, req.principal, app.queues, app.now());
      if (wantsCsv(req, req.query.format)) return sendCsv(reply, `tong-quan_${overview.asOf.slice(0, 10)}`, overviewCsv(overview));
      return overview;
    },
  );
};
export default reports;
