import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { apiFor, type Api, type ApiError } from '../../plugins/web/api.ts';
import type { AppContext } from '../../plugins/web/web-app.ts';
import { Uuid } from '../../schemas/common.ts';
import { productPhotosStep, productStep, productStepUrl, type Authorization } from '../../web/counter/onboard.ts';
import { shopCard } from '../../web/counter/farmer-shop.ts';
import { BASE } from '../../web/counter/shell.ts';
import { html } from '../../web/html.ts';
import { listingCard, photosCard, productForm, valuesOf, type ProductFormValues } from '../../web/seller/product-form.ts';
import type { Connection, ListingView, ProductImageView, ProductView } from '../../web/seller/types.ts';
import { communeLoader } from '../app/communes.ts';
import { formOf } from '../app/context.ts';
import { encodeFiles, filesOf } from '../app/files.ts';
import { errorOnForm, productBodyFromForm } from '../app/product-body.ts';

const SellerParams = Type.Object({ sellerId: Uuid() });
const ProductParams = Type.Object({ sellerId: Uuid(), id: Uuid() });
const ImageParams = Type.Object({ sellerId: Uuid(), id: Uuid(), imageId: Uuid() });
type S = { Params: { sellerId: string } };
type P = { Params: { sellerId: string; id: string } };
type I = { Params: { sellerId: string; id: string; imageId: string } };

const baseOf = (sellerId: string) => `${BASE}/farmers/${sellerId}`;

/**
 * Step 3 of the counter's onboarding: the farmer's products, made by the clerk under the farmer's
 * authorization (scope `catalog`) with the sellers' app's own form and photo card, posting under
 * /counter/farmers/:sellerId. The API decides (POST /v1/products with the farmer's `sellerId`,
 * POST /v1/products/:id/images): without a live authorization it answers 403/404 and the page says so.
 */
const farmerProductPages: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const communeList = communeLoader();

  /** The farmer's name and the authorization the clerk works under: a live one allowing the catalog if there is one. */
  const farmerOf = async (api: Api, sellerId: string) => {
    const res = await api.get<{ items: Authorization[] }>('/v1/authorizations', { sellerId });
    const items = res.ok ? res.data.items : [];
    const best = items.find((a) => a.live && a.scopes.includes('catalog')) ?? items[0] ?? null;
    return best ? { name: best.sellerName, authorization: best, liveCatalog: best.live && best.scopes.includes('catalog') } : null;
  };
  const missing = (req: FastifyRequest, reply: FastifyReply) =>
    ctx.render(req, reply, { title: 'Không tìm thấy', active: 'farmers', status: 404, flash: { kind: 'error', text: 'Không tìm thấy nông dân ủy quyền cho bưu cục này.' }, body: html`<p><a class="btn block big" href="${BASE}/farmers">‹ Nông dân</a></p>` });

  const showNew = async (req: FastifyRequest, reply: FastifyReply, sellerId: string, values: ProductFormValues, error?: ApiError, status = 200) => {
    const api = apiFor(app, req);
    const [farmer, connection] = await Promise.all([farmerOf(api, sellerId), api.get<Connection>(`/v1/sellers/${sellerId}/postmart`)]);
    if (!farmer) return missing(req, reply);
    const form = productForm({ product: null, values, error, communes: await communeList(api), csrf: req.web!.csrf, base: baseOf(sellerId) });
    const ward = /^\d{5}$/.test(values.originWardCode ?? '') ? values.originWardCode! : '';
    const shop = shopCard(connection.ok ? connection.data : null, { sellerId, back: productStepUrl(sellerId, ward), csrf: req.web!.csrf, canConnect: farmer.liveCatalog });
    return ctx.render(req, reply, { title: `Sản phẩm của ${farmer.name} · Bước 3/3`, active: 'farmers', status, body: productStep(farmer.name, form, farmer.liveCatalog, shop) });
  };

  // A farmer comes to sell: the product starts "Đang bán" (listed once it has a photo) and from their commune.
  app.get<S & { Querystring: { ward?: string } }>(`${BASE}/farmers/:sellerId/products/new`, { schema: { params: SellerParams } }, async (req, reply) => {
    const ward = /^\d{5}$/.test(req.query.ward ?? '') ? req.query.ward! : '';
    return showNew(req, reply, req.params.sellerId, { ...valuesOf(null), status: 'active', originWardCode: ward });
  });

  app.post<S>(`${BASE}/farmers/:sellerId/products/new`, { schema: { params: SellerParams } }, async (req, reply) => {
    const form = formOf(req);
    const { body, certRow } = productBodyFromForm(form, false);
    const res = await apiFor(app, req).send<ProductView>('POST', '/v1/products', { json: { ...body, sellerId: req.params.sellerId } });
    if (!res.ok) return showNew(req, reply, req.params.sellerId, form, errorOnForm(res.error, certRow), res.status);
    return reply.redirect(`${baseOf(req.params.sellerId)}/products/${res.data.id}?msg=product_created#photos`, 303);
  });

  const showProduct = async (req: FastifyRequest, reply: FastifyReply, sellerId: string, id: string, photoError?: ApiError, status = 200) => {
    const api = apiFor(app, req);
    const [farmer, product, listing, images, connection] = await Promise.all([
      farmerOf(api, sellerId),
      api.get<ProductView>(`/v1/products/${id}`),
      api.get<ListingView>(`/v1/products/${id}/listing`),
      api.get<{ items: ProductImageView[] }>(`/v1/products/${id}/images`),
      api.get<Connection>(`/v1/sellers/${sellerId}/postmart`),
    ]);
    if (!farmer || !product.ok || product.data.sellerId !== sellerId) return missing(req, reply);
    const p = product.data;
    const base = baseOf(sellerId);
    const cards = html`${photosCard(p, images.ok ? images.data.items : null, req.web!.csrf, photoError ?? undefined, base)}${listingCard(listing.ok ? listing.data : null, p.id, req.web!.csrf, base)}${shopCard(connection.ok ? connection.data : null, { sellerId, back: `${base}/products/${p.id}`, csrf: req.web!.csrf, canConnect: farmer.liveCatalog })}`;
    return ctx.render(req, reply, {
      title: p.name,
      active: 'farmers',
      status,
      body: productPhotosStep(farmer.name, p, cards, { another: productStepUrl(sellerId, p.originWardCode), done: `${BASE}/authorizations/${farmer.authorization.id}?msg=onboard_done` }),
    });
  };

  app.get<P>(`${BASE}/farmers/:sellerId/products/:id`, { schema: { params: ProductParams } }, async (req, reply) => showProduct(req, reply, req.params.sellerId, req.params.id));

  // Photos taken at the counter, all chosen files in one request to the API's image endpoint.
  app.post<P>(`${BASE}/farmers/:sellerId/products/:id/images`, { schema: { params: ProductParams } }, async (req, reply) => {
    const files = filesOf(req, 'file');
    const res = files.length
      ? await apiFor(app, req).send('POST', `/v1/products/${req.params.id}/images`, await encodeFiles(files, 'file'))
      : ({ ok: false, status: 400, error: { code: 'VALIDATION_FAILED', message: 'Chưa chụp hoặc chọn ảnh nào.', field: 'file' } } as const);
    if (res.ok) return reply.redirect(`${baseOf(req.params.sellerId)}/products/${req.params.id}?msg=photo#photos`, 303);
    return showProduct(req, reply, req.params.sellerId, req.params.id, res.error, res.status);
  });

  app.post<I>(`${BASE}/farmers/:sellerId/products/:id/images/:imageId/delete`, { schema: { params: ImageParams } }, async (req, reply) => {
    const res = await apiFor(app, req).send('DELETE', `/v1/products/${req.params.id}/images/${req.params.imageId}`);
    if (res.ok) return reply.redirect(`${baseOf(req.params.sellerId)}/products/${req.params.id}?msg=photo_removed#photos`, 303);
    return showProduct(req, reply, req.params.sellerId, req.params.id, res.error, res.status);
  });

  app.post<I>(`${BASE}/farmers/:sellerId/products/:id/images/:imageId/cover`, { schema: { params: ImageParams } }, async (req, reply) => {
    const api = apiFor(app, req);
    const list = await api.get<{ items: ProductImageView[] }>(`/v1/products/${req.params.id}/images`);
    const imageIds = list.ok ? [req.params.imageId, ...list.data.items.map((i) => i.id).filter((i) => i !== req.params.imageId)] : [req.params.imageId];
    const res = await api.send('PUT', `/v1/products/${req.params.id}/images/order`, { json: { imageIds } });
    if (res.ok) return reply.redirect(`${baseOf(req.params.sellerId)}/products/${req.params.id}?msg=photo_cover#photos`, 303);
    return showProduct(req, reply, req.params.sellerId, req.params.id, res.error, res.status);
  });

  app.post<P>(`${BASE}/farmers/:sellerId/products/:id/resync`, { schema: { params: ProductParams } }, async (req, reply) => {
    const res = await apiFor(app, req).send('POST', `/v1/products/${req.params.id}/listing/resync`);
    return reply.redirect(`${baseOf(req.params.sellerId)}/products/${req.params.id}${res.ok ? '?msg=resync' : ''}#listing`, 303);
  });
};
export default farmerProductPages;
