import { ProductImageParams } from '../../schemas/product-images.ts';
import { IdParams } from '../../schemas/common.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { apiFor, type Api, type ApiError } from '../../plugins/web/api.ts';
import { parseWhole } from '../../web/format.ts';
import { importBody } from '../../web/seller/import.ts';
import { productForm, productPageBody, valuesOf } from '../../web/seller/product-form.ts';
import { productListBody, productRow, type ProductFilters } from '../../web/seller/products.ts';
import { BASE } from '../../web/seller/shell.ts';
import type { ImportResult, ListingView, Page, ProductImageView, ProductView } from '../../web/seller/types.ts';
import { html } from '../../web/html.ts';
import { formOf, isHtmx, type AppContext } from './context.ts';
import { communeLoader } from './communes.ts';
import { encodeFiles, filesOf } from './files.ts';
import { errorOnForm, productBodyFromForm } from './product-body.ts';

type Id = { Params: { id: string } };

const productPages: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const communeList = communeLoader();

  app.get<{ Querystring: ProductFilters & { cursor?: string } }>(`${BASE}/products`, async (req, reply) => {
    const f: ProductFilters = { q: req.query.q?.trim() || undefined, category: req.query.category || undefined, status: req.query.status || undefined };
    const res = await apiFor(app, req).get<Page<ProductView>>('/v1/products', { ...f, cursor: req.query.cursor, limit: 20 });
    const page = res.ok ? res.data : { items: [], nextCursor: null };
    return ctx.render(req, reply, {
      title: 'Sản phẩm',
      active: 'products',
      flash: res.ok ? undefined : { kind: 'error', text: res.error.message },
      body: productListBody(page.items, page.nextCursor, f, req.web!.csrf),
    });
  });

  // Quick edit from the list: the price by PATCH (If-Match: the version the row showed), the stock
  // by the ledger's `set` with a reason, each only when it changed.
  app.post<Id>(`${BASE}/products/:id/quick`, { schema: { params: IdParams } }, async (req, reply) => {
    const api = apiFor(app, req);
    const form = formOf(req);
    const id = req.params.id;
    const current = await api.get<ProductView>(`/v1/products/${id}`);
    if (!current.ok) return reply.redirect(`${BASE}/products`, 303);
    let product = current.data;
    let error: ApiError | undefined;
    const price = parseWhole(form.priceVnd);
    if (price !== undefined && price !== product.priceVnd) {
      const res = await api.send<ProductView>('PATCH', `/v1/products/${id}`, { json: { priceVnd: price }, headers: { 'if-match': form.version ?? String(product.version) } });
      if (res.ok) product = res.data;
      else error = res.error.field ? res.error : { ...res.error, field: 'priceVnd' };
    }
    const stock = parseWhole(form.stock);
    if (!error && stock !== undefined && stock !== product.stock) {
      const res = await api.send<ProductView>('POST', `/v1/products/${id}/stock`, { json: { set: stock, reason: 'Sửa nhanh từ danh sách sản phẩm' } });
      if (res.ok) product = res.data;
      else error = { ...res.error, field: 'stock' };
    }
    if (isHtmx(req)) return ctx.fragment(reply, productRow(product, req.web!.csrf, error, error ? { priceVnd: form.priceVnd, stock: form.stock } : undefined));
    if (error) return ctx.render(req, reply, { title: 'Sản phẩm', active: 'products', status: 400, flash: { kind: 'error', text: error.message }, body: html`<ul class="list">${productRow(product, req.web!.csrf, error)}</ul>` });
    return reply.redirect(`${BASE}/products?msg=quick`, 303);
  });

  const showForm = async (req: FastifyRequest, reply: FastifyReply, product: ProductView | null, values: Record<string, string>, error?: ApiError, status = 200, photoError?: ApiError) => {
    const api = apiFor(app, req);
    const form = productForm({ product, values, error, communes: await communeList(api), csrf: req.web!.csrf });
    if (!product) return ctx.render(req, reply, { title: 'Thêm sản phẩm', active: 'products', status, body: html`<p class="back"><a href="${BASE}/products">‹ Sản phẩm</a></p><h1>Thêm sản phẩm</h1>${form}` });
    return ctx.render(req, reply, { title: product.name, active: 'products', status, body: productPageBody({ product, ...(await extras(api, product.id)), form, csrf: req.web!.csrf, photoError }) });
  };

  /** The listing's state and the photos with their ids (null until the images endpoint answers). */
  const extras = async (api: Api, id: string) => {
    const [listing, images] = await Promise.all([api.get<ListingView>(`/v1/products/${id}/listing`), api.get<{ items: ProductImageView[] }>(`/v1/products/${id}/images`)]);
    return { listing: listing.ok ? listing.data : null, images: images.ok ? images.data.items : null };
  };

  app.get(`${BASE}/products/new`, async (req, reply) => showForm(req, reply, null, valuesOf(null)));

  app.post(`${BASE}/products/new`, async (req, reply) => {
    const form = formOf(req);
    const { body, certRow } = productBodyFromForm(form, false);
    const res = await apiFor(app, req).send<ProductView>('POST', '/v1/products', { json: body });
    if (!res.ok) return showForm(req, reply, null, form, errorOnForm(res.error, certRow), res.status);
    return reply.redirect(`${BASE}/products/${res.data.id}?msg=created`, 303);
  });

  app.get<Id>(`${BASE}/products/:id`, { schema: { params: IdParams } }, async (req, reply) => {
    const res = await apiFor(app, req).get<ProductView>(`/v1/products/${req.params.id}`);
    if (!res.ok) return ctx.render(req, reply, { title: 'Không tìm thấy', status: res.status, flash: { kind: 'error', text: res.error.message }, body: html`<p><a href="${BASE}/products">‹ Sản phẩm</a></p>` });
    return showForm(req, reply, res.data, valuesOf(res.data));
  });

  app.post<Id>(`${BASE}/products/:id`, { schema: { params: IdParams } }, async (req, reply) => {
    const api = apiFor(app, req);
    const form = formOf(req);
    const { body, certRow } = productBodyFromForm(form, true);
    const res = await api.send<ProductView>('PATCH', `/v1/products/${req.params.id}`, { json: body, headers: form.version ? { 'if-match': form.version } : {} });
    if (res.ok) return reply.redirect(`${BASE}/products/${encodeURIComponent(req.params.id)}?msg=saved`, 303);
    const current = await api.get<ProductView>(`/v1/products/${req.params.id}`);
    if (!current.ok) return reply.redirect(`${BASE}/products`, 303);
    return showForm(req, reply, current.data, { ...form, stock: String(current.data.stock) }, errorOnForm(res.error, certRow), res.status);
  });

  app.post<Id>(`${BASE}/products/:id/resync`, { schema: { params: IdParams } }, async (req, reply) => {
    const res = await apiFor(app, req).send('POST', `/v1/products/${req.params.id}/listing/resync`);
    return reply.redirect(`${BASE}/products/${encodeURIComponent(req.params.id)}${res.ok ? '?msg=resync' : ''}`, 303);
  });

  // Photos go to the API's image endpoint (multipart, all chosen files in one request), which checks, cleans and stores them.
  app.post<Id>(`${BASE}/products/:id/images`, { schema: { params: IdParams } }, async (req, reply) => {
    const api = apiFor(app, req);
    const files = filesOf(req, 'file');
    let error: ApiError | undefined;
    if (files.length === 0) error = { code: 'VALIDATION_FAILED', message: 'Chưa chọn ảnh nào.', field: 'file' };
    else {
      const res = await api.send('POST', `/v1/products/${req.params.id}/images`, await encodeFiles(files, 'file'));
      if (!res.ok) error = res.error;
    }
    return error ? showPhotoError(req, reply, req.params.id, error) : reply.redirect(`${BASE}/products/${encodeURIComponent(req.params.id)}?msg=photo#photos`, 303);
  });

  // Remove a photo, or make it the cover (the order with it first), as the API's DELETE and PUT order do.
  app.post<{ Params: { id: string; imageId: string } }>(`${BASE}/products/:id/images/:imageId/delete`, { schema: { params: ProductImageParams } }, async (req, reply) => {
    const res = await apiFor(app, req).send('DELETE', `/v1/products/${req.params.id}/images/${req.params.imageId}`);
    return res.ok ? reply.redirect(`${BASE}/products/${encodeURIComponent(req.params.id)}?msg=photo_removed#photos`, 303) : showPhotoError(req, reply, req.params.id, res.error);
  });
  app.post<{ Params: { id: string; imageId: string } }>(`${BASE}/products/:id/images/:imageId/cover`, { schema: { params: ProductImageParams } }, async (req, reply) => {
    const api = apiFor(app, req);
    const list = await api.get<{ items: ProductImageView[] }>(`/v1/products/${req.params.id}/images`);
    if (!list.ok) return showPhotoError(req, reply, req.params.id, list.error);
    const imageIds = [req.params.imageId, ...list.data.items.map((i) => i.id).filter((i) => i !== req.params.imageId)];
    const res = await api.send('PUT', `/v1/products/${req.params.id}/images/order`, { json: { imageIds } });
    return res.ok ? reply.redirect(`${BASE}/products/${encodeURIComponent(req.params.id)}?msg=photo_cover#photos`, 303) : showPhotoError(req, reply, req.params.id, res.error);
  });

  const showPhotoError = async (req: FastifyRequest, reply: FastifyReply, id: string, error: ApiError) => {
    const current = await apiFor(app, req).get<ProductView>(`/v1/products/${id}`);
    if (!current.ok) return reply.redirect(`${BASE}/products`, 303);
    return showForm(req, reply, current.data, valuesOf(current.data), undefined, error.code === 'ROUTE_NOT_FOUND' ? 501 : 400, error);
  };

  app.get(`${BASE}/import`, async (req, reply) => ctx.render(req, reply, { title: 'Nhập từ CSV', active: 'products', body: importBody(req.web!.csrf, null) }));

  app.post(`${BASE}/import`, async (req, reply) => {
    const [file] = filesOf(req, 'file');
    if (!file) {
      return ctx.render(req, reply, { title: 'Nhập từ CSV', active: 'products', status: 400, body: importBody(req.web!.csrf, null, { code: 'VALIDATION_FAILED', message: 'Chưa chọn tệp CSV.', field: 'file' }) });
    }
    const res = await apiFor(app, req).send<ImportResult>('POST', '/v1/products/import', { text: (await file.toBuffer()).toString('utf8'), contentType: 'text/csv' });
    return ctx.render(req, reply, {
      title: 'Nhập từ CSV',
      active: 'products',
      status: res.ok ? 200 : res.status,
      body: importBody(req.web!.csrf, res.ok ? res.data : null, res.ok ? undefined : res.error),
    });
  });
};
export default productPages;
