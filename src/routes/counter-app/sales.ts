import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { vnToday } from '../../lib/time.ts';
import { apiFor, type Api } from '../../plugins/web/api.ts';
import type { AppContext } from '../../plugins/web/web-app.ts';
import { IdParams } from '../../schemas/common.ts';
import { decodeBasket, qtyField, readBasket, shortMessage, type Basket } from '../../web/counter/basket.ts';
import { shelfByProduct, type OutletView, type SaleListView, type SaleView, type ShelfProduct, type ShelfView } from '../../web/counter/outlet-types.ts';
import { receiptBody, saleBody, salesBody, type VoidForm } from '../../web/counter/sale.ts';
import { sellBody, type PaymentForm } from '../../web/counter/sell.ts';
import { BASE } from '../../web/counter/shell.ts';
import type { PointView } from '../../web/counter/types.ts';
import { parseWhole } from '../../web/format.ts';
import { html } from '../../web/html.ts';
import { qrImage } from '../../web/qr-image.ts';
import { formOf } from '../app/context.ts';
import { incomingAt } from './consignments.ts';
import { pointIdOf } from './point.ts';

type Id = { Params: { id: string } };

async function shelfOf(api: Api, pointId: string): Promise<{ products: ShelfProduct[]; error: string | null }> {
  const res = await api.get<ShelfView>(`/v1/pickup-points/${pointId}/shelf`);
  return res.ok ? { products: shelfByProduct(res.data.lots), error: null } : { products: [], error: res.error.message };
}

/**
 * Counter sales (issue 14): the basket from the office's shelf, the payment, the sale with its
 * VietQR code for a transfer, the printable receipt and the same-day void, all through the API.
 */
const salePages: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const showSell = async (req: FastifyRequest, reply: FastifyReply, fields: Record<string, unknown>, extra: { pay?: PaymentForm; errors?: Record<string, string>; status?: number } = {}) => {
    const pointId = pointIdOf(req);
    if (!pointId) return reply.redirect(`${BASE}/`, 303);
    const api = apiFor(app, req);
    const [shelf, outlet, incoming] = await Promise.all([shelfOf(api, pointId), api.get<OutletView>(`/v1/pickup-points/${pointId}/outlet`), incomingAt(api, pointId, 'sent')]);
    const basket: Basket = readBasket(shelf.products, fields);
    Object.assign(basket.errors, extra.errors);
    const body = sellBody({ products: shelf.products, basket, canTransfer: outlet.ok && outlet.data.bankAccount !== null, csrf: req.web!.csrf, saleKey: randomUUID(), incoming: incoming.items.length, pay: extra.pay, error: shelf.error });
    return ctx.render(req, reply, { title: 'Bán hàng ký gửi', active: 'outlet', status: extra.status ?? 200, body });
  };

  // Quantities arrive in the query ("Tính tiền" is a GET): the page is the basket, nothing is recorded.
  app.get(`${BASE}/sell`, async (req, reply) => showSell(req, reply, (req.query as Record<string, unknown>) ?? {}));

  app.post(`${BASE}/sales`, async (req, reply) => {
    const pointId = pointIdOf(req);
    if (!pointId) return reply.redirect(`${BASE}/`, 303);
    const form = formOf(req);
    const lines = decodeBasket(form.basket);
    if (!lines) return reply.redirect(`${BASE}/sell`, 303);
    const fields = Object.fromEntries(lines.map((l) => [qtyField(l.productId), String(l.qty)]));
    const payment = form.payment === 'bank_transfer' ? 'bank_transfer' : 'cash';
    const cash = payment === 'cash' ? parseWhole(form.cashReceivedVnd) : undefined;
    const json = { pickupPointId: pointId, lines, payment, ...(cash === undefined ? {} : { cashReceivedVnd: cash }) };
    const api = apiFor(app, req);
    // The page's key: the same form sent twice answers the sale it made (a weak signal, a reload), never a second sale.
    const key = typeof form.saleKey === 'string' && form.saleKey ? { 'idempotency-key': form.saleKey } : undefined;
    const res = await api.send<SaleView>('POST', '/v1/counter-sales', { json, headers: key });
    if (res.ok) return reply.redirect(`${BASE}/sales/${res.data.id}?msg=${payment === 'cash' ? 'sold_cash' : 'sold_transfer'}`, 303);
    const pay: PaymentForm = { payment, cashReceivedVnd: form.cashReceivedVnd, error: res.error };
    // Another sale or a return took the goods meanwhile: the fresh shelf says which line is short, shown next to it.
    if (res.error.code === 'INSUFFICIENT_OUTLET_STOCK') {
      const { products } = await shelfOf(api, pointId);
      const stock = new Map(products.map((p) => [p.productId, p]));
      const errors: Record<string, string> = {};
      for (const l of lines) {
        const p = stock.get(l.productId);
        if (!p) errors[l.productId] = 'Bưu cục này không còn sản phẩm này.';
        else if (p.stock < l.qty) errors[l.productId] = shortMessage(p, l.qty);
      }
      return showSell(req, reply, fields, { errors, status: res.status });
    }
    return showSell(req, reply, fields, { pay, status: res.status });
  });

  app.get(`${BASE}/sales`, async (req, reply) => {
    const pointId = pointIdOf(req);
    if (!pointId) return reply.redirect(`${BASE}/`, 303);
    const res = await apiFor(app, req).get<SaleListView>('/v1/counter-sales', { pickupPointId: pointId });
    const list = res.ok ? res.data : { pickupPointId: pointId, date: vnToday(), items: [] };
    return ctx.render(req, reply, { title: 'Hóa đơn trong ngày', active: 'outlet', status: res.ok ? 200 : res.status, body: salesBody(list, req.web!.principal.id, res.ok ? null : res.error.message) });
  });

  const loadSale = async (req: FastifyRequest, id: string) => {
    const api = apiFor(app, req);
    const sale = await api.get<SaleView>(`/v1/counter-sales/${id}`);
    if (!sale.ok) return { sale, qr: null };
    return { sale, qr: sale.data.vietqrPayload ? await qrImage(sale.data.vietqrPayload) : null };
  };
  const notFound = (req: FastifyRequest, reply: FastifyReply, status: number, text: string) =>
    ctx.render(req, reply, { title: 'Không tìm thấy', active: 'outlet', status, flash: { kind: 'error', text }, body: html`<p><a class="btn block big" href="${BASE}/sales">‹ Hóa đơn</a></p>` });

  const showSale = async (req: FastifyRequest, reply: FastifyReply, id: string, voidForm?: VoidForm, status = 200) => {
    const { sale, qr } = await loadSale(req, id);
    if (!sale.ok) return notFound(req, reply, sale.status, sale.error.message);
    const outlet = await apiFor(app, req).get<OutletView>(`/v1/pickup-points/${sale.data.pickupPointId}/outlet`);
    // The API decides; the form is offered only where it would agree (the seller's clerk, the same Vietnam day).
    const canVoid = sale.data.clerkUserId === req.web!.principal.id && sale.data.vnDay === vnToday();
    return ctx.render(req, reply, { title: `Hóa đơn ${sale.data.receiptNo}`, active: 'outlet', status, body: saleBody({ sale: sale.data, qr, outlet: outlet.ok ? outlet.data : null, canVoid, csrf: req.web!.csrf, voidForm }) });
  };

  app.get<Id>(`${BASE}/sales/:id`, { schema: { params: IdParams } }, async (req, reply) => showSale(req, reply, req.params.id));

  app.get<Id>(`${BASE}/sales/:id/receipt`, { schema: { params: IdParams } }, async (req, reply) => {
    const { sale, qr } = await loadSale(req, req.params.id);
    if (!sale.ok) return notFound(req, reply, sale.status, sale.error.message);
    const point = await apiFor(app, req).get<PointView>(`/v1/pickup-points/${sale.data.pickupPointId}`);
    const me = req.web!.principal;
    return ctx.render(req, reply, { title: `Hóa đơn ${sale.data.receiptNo}`, active: 'outlet', body: receiptBody(sale.data, point.ok ? point.data : null, qr, sale.data.clerkUserId === me.id ? me.name : null) });
  });

  app.post<Id>(`${BASE}/sales/:id/void`, { schema: { params: IdParams } }, async (req, reply) => {
    const reason = formOf(req).reason ?? '';
    const res = await apiFor(app, req).send('POST', `/v1/counter-sales/${req.params.id}/void`, { json: { reason } });
    if (res.ok) return reply.redirect(`${BASE}/sales/${req.params.id}?msg=sale_voided`, 303);
    return showSale(req, reply, req.params.id, { reason, error: res.error }, res.status);
  });
};
export default salePages;
