import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { invalidParam, ok } from '../errors.ts';
import { BatchBody, ProductCreate, ProductListQuery, ProductParams, ProductPatch } from '../schemas.ts';
import { applyBatch } from '../services/batches.ts';
import { getProduct, listProducts } from '../services/product-queries.ts';
import { changeListing, createProduct, patchProduct } from '../services/products.ts';

/** The shop whose signed call this is (set by the signature check in api-hooks.ts). */
const shopOf = (req: FastifyRequest) => req.pmSandbox.caller!.shopId;

/** `If-Match: <version>` (postmart-api.md#idempotency-and-versions); quotes and W/ are tolerated. */
function ifMatchOf(req: FastifyRequest): number | undefined {
  const raw = req.headers['if-match'];
  if (raw === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(String(raw).trim());
  if (!m) throw invalidParam('If-Match', 'must be the integer version of the product');
  return Number(m[1]);
}

/** postmart-api.md#products */
const productRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = app.pmSandbox.deps;

  app.post('/products', { schema: { body: ProductCreate } }, async (req) =>
    ok(req.id, await createProduct(deps, shopOf(req), req.body, req.pmSandbox.idempotencyKey)),
  );

  app.get('/products', { schema: { querystring: ProductListQuery } }, async (req) => ok(req.id, await listProducts(deps, shopOf(req), req.query)));

  app.get('/products/:product_id', { schema: { params: ProductParams } }, async (req) => ok(req.id, await getProduct(deps, shopOf(req), req.params.product_id)));

  app.patch('/products/:product_id', { schema: { params: ProductParams, body: ProductPatch } }, async (req) =>
    ok(req.id, await patchProduct(deps, shopOf(req), req.params.product_id, req.body, ifMatchOf(req))),
  );

  // '::' is a literal ':' in a Fastify route: these are /products/prices:batch and /products/stock:batch.
  app.post('/products/prices::batch', { schema: { body: BatchBody } }, async (req) => ok(req.id, await applyBatch(deps, shopOf(req), 'price', req.body.items)));
  app.post('/products/stock::batch', { schema: { body: BatchBody } }, async (req) => ok(req.id, await applyBatch(deps, shopOf(req), 'stock', req.body.items)));

  app.post('/products/:product_id/unlist', { schema: { params: ProductParams } }, async (req) =>
    ok(req.id, await changeListing(deps, shopOf(req), req.params.product_id, 'unlist')),
  );
  app.post('/products/:product_id/relist', { schema: { params: ProductParams } }, async (req) =>
    ok(req.id, await changeListing(deps, shopOf(req), req.params.product_id, 'relist')),
  );
  app.delete('/products/:product_id', { schema: { params: ProductParams } }, async (req) =>
    ok(req.id, await changeListing(deps, shopOf(req), req.params.product_id, 'delete')),
  );
};

export default productRoutes;
