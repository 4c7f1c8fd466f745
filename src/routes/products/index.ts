import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../errors.ts';
import { errorResponses, IdParams, Page, Uuid } from '../../schemas/common.ts';
import { CSV_COLUMNS, ImportReport, ProductCreate, ProductPatch, ProductQuery, StockChange } from '../../schemas/products.ts';
import { StockMovement } from '../../schemas/stock.ts';
import { importProducts } from '../../services/catalog/product-import.ts';
import {
  archiveProduct,
  changeStock,
  createProduct,
  getProduct,
  listProducts,
  listStockMovements,
  updateProduct,
} from '../../services/catalog/products.ts';
import { actorOf, secured } from '../docs.ts';

const products: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  // Searching and importing are the catalog's expensive requests: limited per user (README, Configuration).
  const searchLimit = app.limit({ name: 'search', perMinute: app.config.limits.searchesPerUser, key: (req) => ((req.query as { q?: string }).q ? req.principal.id : null) });
  const importLimit = app.limit({ name: 'import', perMinute: app.config.limits.importsPerUser, key: (req) => req.principal.id });
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 10 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.get(
    '/v1/products',
    {
      schema: {
        tags: ['products'],
        summary: 'List and search the catalog',
        operationId: 'listProducts',
        ...secured('product', 'list', 'Newest first, paged by an opaque cursor. `q` ignores case and diacritics: `xoai cat` finds `Xoài cát Hòa Lộc`.'),
        querystring: ProductQuery,
        response: { 200: Page(Type.Ref('Product')), ...errorResponses(400, 401, 403, 429) },
      },
      preHandler: searchLimit,
    },
    async (req) => listProducts(app.db, req.principal, req.query),
  );

  app.post(
    '/v1/products',
    {
      schema: {
        tags: ['products'],
        summary: 'Add a product',
        operationId: 'createProduct',
        ...secured('product', 'create', 'Opening stock is written to the stock ledger. An expired certificate is refused.'),
        body: ProductCreate,
        response: { 201: Type.Ref('Product'), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(await createProduct(app.db, req.principal, actorOf(req), req.body)),
  );

  app.post(
    '/v1/products/import',
    {
      schema: {
        tags: ['products'],
        summary: 'Bulk upsert products by SKU from a CSV file',
        operationId: 'importProducts',
        ...secured(
          'product',
          'create',
          `Send the file as the body with \`Content-Type: text/csv\` (UTF-8, BOM optional). The header row names product fields: ` +
            `${CSV_COLUMNS.map((c) => `\`${c}\``).join(', ')}. Rows are upserted by \`sku\`; each rejected row is reported with its ` +
            'line number and reason while the other rows are applied. Re-importing the same file changes nothing. ' +
            'A seller manager imports for their own seller; an admin names it with `?sellerId=`.',
        ),
        querystring: Type.Object({ sellerId: Type.Optional(Uuid()) }, { additionalProperties: false }),
        consumes: ['text/csv'],
        body: Type.String({ description: 'CSV text' }),
        response: { 200: ImportReport, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
      preHandler: importLimit,
    },
    // One import at a time per seller: two would race on the same SKUs and double the database load.
    async (req) =>
      app.oneAtATime(`product-import:${req.principal.sellerId ?? req.query.sellerId ?? 'none'}`, () => new AppError('IMPORT_IN_PROGRESS'), () =>
        importProducts(app.db, req.principal, actorOf(req), req.query.sellerId, req.body, req.lang),
      ),
  );

  app.get(
    '/v1/products/:id',
    {
      schema: {
        tags: ['products'],
        summary: 'One product',
        operationId: 'getProduct',
        ...secured('product', 'read'),
        params: IdParams,
        response: { 200: Type.Ref('Product'), ...errorResponses(400, 401, 404) },
      },
    },
    async (req) => getProduct(app.db, req.principal, req.params.id),
  );

  app.patch(
    '/v1/products/:id',
    {
      schema: {
        tags: ['products'],
        summary: 'Change a product',
        operationId: 'updateProduct',
        ...secured(
          'product',
          'update',
          'Bumps `version` when something changes. Send `If-Match: <version>` to refuse the change (409) if someone else changed it first. Stock changes go through POST /stock.',
        ),
        params: IdParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String({ pattern: '^"?\\d+"?$' })) }),
        body: ProductPatch,
        response: { 200: Type.Ref('Product'), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const ifMatch = req.headers['if-match'];
      return updateProduct(app.db, req.principal, actorOf(req), req.params.id, req.body, ifMatch ? Number(ifMatch.replace(/"/g, '')) : undefined);
    },
  );

  app.delete(
    '/v1/products/:id',
    {
      schema: {
        tags: ['products'],
        summary: 'Archive a product (it stays in orders and the ledger)',
        operationId: 'archiveProduct',
        ...secured('product', 'update'),
        params: IdParams,
        response: { 200: Type.Ref('Product'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => archiveProduct(app.db, req.principal, actorOf(req), req.params.id),
  );

  app.post(
    '/v1/products/:id/stock',
    {
      schema: {
        tags: ['products'],
        summary: 'Set or adjust stock, with a reason',
        operationId: 'changeStock',
        ...secured('product', 'update', 'Body `{set: n, reason}` or `{delta: ±n, reason}`. Stock never goes below 0 (409).'),
        params: IdParams,
        body: StockChange,
        response: { 200: Type.Ref('Product'), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => changeStock(app.db, req.principal, actorOf(req), req.params.id, req.body),
  );

  app.get(
    '/v1/products/:id/stock-movements',
    {
      schema: {
        tags: ['products'],
        summary: "The product's stock ledger, newest first",
        operationId: 'listStockMovements',
        ...secured('product', 'read'),
        params: IdParams,
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(StockMovement) }), ...errorResponses(400, 401, 404) },
      },
    },
    async (req) => ({ items: await listStockMovements(app.db, req.principal, req.params.id, req.query.limit) }),
  );
};
export default products;
