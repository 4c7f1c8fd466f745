import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses, IdParams, Uuid } from '../../schemas/common.ts';
import { batchLabels, MAX_LABELS, orderLabel } from '../../services/fulfillment/shipping-labels.ts';
import { secured } from '../docs.ts';

// A clerk prints the label of a parcel at their counter; the phone is masked for those who may not see it.
const NOTES = { notes: { provincial_staff: 'recipient phone masked', post_office_clerk: 'recipient phone masked' } };
const PDF = { 200: Type.Unsafe({ type: 'string', format: 'binary', description: 'application/pdf, one A6 label a page' }) };
const LabelBatch = Type.Object(
  { orderIds: Type.Array(Uuid(), { minItems: 1, maxItems: MAX_LABELS, uniqueItems: true, description: 'Labels are printed in this order' }) },
  { additionalProperties: false },
);
const CONTENT =
  'Each A6 label carries the package number as a Code 128 barcode and a QR code, the order number, sender and recipient with ' +
  'their addresses, the drop-off post office (and the one where the buyer collects, if so), the weight and the COD amount to ' +
  'collect in large type. Needs the package number: ship the order first (409 otherwise).';

const labels: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/v1/orders/:id/label.pdf',
    {
      schema: {
        tags: ['orders'],
        operationId: 'getOrderLabel',
        summary: "The order's shipping label (PDF, A6)",
        ...secured('order', 'read', CONTENT, NOTES),
        params: IdParams,
        produces: ['application/pdf'],
        response: { ...PDF, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (req, reply) => {
      const { pdf, orderSn } = await orderLabel(app.db, req.principal, req.params.id);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `inline; filename="nhan-${orderSn.replace(/[^\w-]/g, '')}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );

  app.post(
    '/v1/labels',
    {
      schema: {
        tags: ['orders'],
        operationId: 'printLabels',
        summary: 'Shipping labels of several orders in one PDF',
        ...secured('order', 'read', `${CONTENT} An order that cannot be printed is named by \`field\` (\`orderIds[i]\`) and nothing is printed.`, NOTES),
        body: LabelBatch,
        produces: ['application/pdf'],
        response: { ...PDF, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (req, reply) =>
      reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', 'inline; filename="nhan-gui-hang.pdf"')
        .header('cache-control', 'private, no-store')
        .send(await batchLabels(app.db, req.principal, req.body.orderIds)),
  );
};
export default labels;
