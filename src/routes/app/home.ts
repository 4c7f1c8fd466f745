import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../errors.ts';
import { apiFor } from '../../plugins/web/api.ts';
import { completeConnect, startConnect } from '../../services/postmart/postmart-connections.ts';
import { homeBody, LOW_STOCK } from '../../web/seller/home.ts';
import { BASE } from '../../web/seller/shell.ts';
import type { Connection, OrderRow, OverviewView, Page, ProductView } from '../../web/seller/types.ts';
import { html } from '../../web/html.ts';
import type { AppContext } from './context.ts';

/** Where Postmart sends the seller back after they approve: the app's own page, not the API's JSON. */
export const APP_CALLBACK_PATH = `${BASE}/postmart/callback`;

const homePages: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(`${BASE}`, { config: { webPublic: true } }, async (_req, reply) => reply.redirect(`${BASE}/`, 301));

  app.get(`${BASE}/`, async (req, reply) => {
    const api = apiFor(app, req);
    const sellerId = req.web!.principal.sellerId!;
    const [overview, ready, processed, products, connection, seller] = await Promise.all([
      api.get<OverviewView>('/v1/reports/overview'),
      api.get<Page<OrderRow>>('/v1/orders', { status: 'ready_to_ship', limit: 20 }),
      api.get<Page<OrderRow>>('/v1/orders', { status: 'processed', limit: 20 }),
      // The API has no stock filter; a cooperative's active catalog fits in one page of 100.
      api.get<Page<ProductView>>('/v1/products', { status: 'active', limit: 100 }),
      api.get<Connection>(`/v1/sellers/${sellerId}/postmart`),
      api.get<{ name: string; postmartIncludesConsigned: boolean }>(`/v1/sellers/${sellerId}`),
    ]);
    const toPrepare = [...(ready.ok ? ready.data.items : []), ...(processed.ok ? processed.data.items : [])].sort((a, b) =>
      (a.shipBy ?? a.placedAt).localeCompare(b.shipBy ?? b.placedAt),
    );
    return ctx.render(req, reply, {
      title: 'Trang chủ',
      active: 'home',
      body: homeBody({
        sellerName: seller.ok ? seller.data.name : req.web!.principal.name,
        overview: overview.ok ? overview.data : null,
        toPrepare,
        lowStock: products.ok ? products.data.items.filter((p) => p.stock < LOW_STOCK).sort((a, b) => a.stock - b.stock) : [],
        connection: connection.ok ? connection.data : null,
        includesConsigned: seller.ok ? seller.data.postmartIncludesConsigned : null,
        csrf: req.web!.csrf,
      }),
    });
  });

  // The seller's choice of what Postmart sells (farm stock, or farm + consigned stock): an unticked box sends nothing, so absent = off.
  app.post(`${BASE}/settings/postmart-stock`, async (req, reply) => {
    const on = (req.body as Record<string, unknown> | null)?.postmartIncludesConsigned === 'true';
    const res = await apiFor(app, req).send('PATCH', `/v1/sellers/${req.web!.principal.sellerId}`, { json: { postmartIncludesConsigned: on } });
    if (res.ok) return reply.redirect(`${BASE}/?msg=${on ? 'consigned_on' : 'consigned_off'}`, 303);
    return ctx.render(req, reply, { title: 'Chưa lưu được', status: res.status, flash: { kind: 'error', text: res.error.message }, body: html`<p><a class="btn" href="${BASE}/">Về trang chủ</a></p>` });
  });

  // One button: remember a one-time state, send the seller to Postmart's approval page.
  app.post(`${BASE}/connect`, async (req, reply) => {
    const pm = await app.postmart();
    const { authorizeUrl } = await startConnect(
      app.db,
      req.web!.principal,
      { userId: req.web!.principal.id, requestId: req.id },
      req.web!.principal.sellerId!,
      pm.client,
      `${app.config.publicUrl}${APP_CALLBACK_PATH}`,
    );
    return reply.redirect(authorizeUrl, 303);
  });

  app.get<{ Querystring: Record<string, string | undefined> }>(APP_CALLBACK_PATH, { config: { webPublic: true } }, async (req, reply) => {
    const { code, shop_id, state } = req.query;
    try {
      if (!code || !shop_id || !state) throw new AppError('VALIDATION_FAILED', { detail: { vi: 'thiếu mã xác nhận từ Postmart', en: 'missing code from Postmart' } }, 'code');
      await completeConnect(app.db, await app.postmart(), { code, shop_id, state });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return ctx.render(req, reply, {
        title: 'Chưa kết nối được',
        status: err.status,
        body: html`<h1>Chưa kết nối được gian hàng</h1><p class="flash error" role="alert">${err.messageIn('vi')}</p><p><a class="btn" href="${BASE}/">Về trang chủ</a></p>`,
      });
    }
    return reply.redirect(`${BASE}/?msg=connected`, 303);
  });
};
export default homePages;
