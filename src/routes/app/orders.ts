import { IdParams } from '../../schemas/common.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { apiFor, type ApiRaw } from '../../plugins/web/api.ts';
import { addDays, isCalendarDate } from '../../lib/time.ts';
import { html } from '../../web/html.ts';
import { orderDetailBody, orderListBody, orderStatusFragment, shipBody, stateKey, type OrderFilters } from '../../web/seller/orders.ts';
import { BASE } from '../../web/seller/shell.ts';
import type { OrderRow, OrderView, Page, ShipmentView, Suggestions } from '../../web/seller/types.ts';
import { formOf, type AppContext } from './context.ts';

type Id = { Params: { id: string } };
const day = (v: string | undefined) => (v && isCalendarDate(v) ? v : undefined);

const orderPages: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: OrderFilters & { cursor?: string } }>(`${BASE}/orders`, async (req, reply) => {
    const f: OrderFilters = { status: req.query.status || undefined, from: day(req.query.from), to: day(req.query.to) };
    // Dates are Vietnam calendar days: from 00:00 of `from` to the end of `to`, +07:00.
    const res = await apiFor(app, req).get<Page<OrderRow>>('/v1/orders', {
      status: f.status,
      from: f.from ? `${f.from}T00:00:00+07:00` : undefined,
      to: f.to ? `${addDays(f.to, 1)}T00:00:00+07:00` : undefined,
      cursor: req.query.cursor,
      limit: 20,
    });
    const page = res.ok ? res.data : { items: [], nextCursor: null };
    return ctx.render(req, reply, { title: 'Đơn hàng', active: 'orders', body: orderListBody(page.items, page.nextCursor, f, req.web!.csrf, res.ok ? undefined : res.error) });
  });

  const load = async (req: Parameters<typeof apiFor>[1], id: string) => {
    const api = apiFor(app, req);
    const [order, shipment] = await Promise.all([api.get<OrderView>(`/v1/orders/${id}`), api.get<ShipmentView>(`/v1/orders/${id}/shipment`)]);
    const point = shipment.ok ? await api.get<{ name: string }>(`/v1/pickup-points/${shipment.data.pickupPointId}`) : null;
    return { order, shipment: shipment.ok ? shipment.data : null, pointName: point?.ok ? point.data.name : null };
  };

  app.get<Id & { Querystring: { since?: string } }>(`${BASE}/orders/:id`, { schema: { params: IdParams } }, async (req, reply) => {
    const { order, shipment, pointName } = await load(req, req.params.id);
    if (!order.ok) return ctx.render(req, reply, { title: 'Không tìm thấy', status: order.status, flash: { kind: 'error', text: order.error.message }, body: html`<p><a href="${BASE}/orders">‹ Đơn hàng</a></p>` });
    return ctx.render(req, reply, { title: `Đơn ${order.data.orderSn}`, active: 'orders', body: orderDetailBody(order.data, shipment, req.web!.csrf, req.query.since ?? null, pointName) });
  });

  // Polled by the detail page after an action: once Postmart has moved the order on, the page reloads whole.
  app.get<Id & { Querystring: { since?: string } }>(`${BASE}/orders/:id/status`, { schema: { params: IdParams } }, async (req, reply) => {
    const { order, shipment } = await load(req, req.params.id);
    if (!order.ok) return reply.status(286).send(''); // htmx: stop polling
    // Moved on: load the order afresh, without the message about the action it was waiting for.
    if (stateKey(order.data, shipment) !== req.query.since) return reply.header('hx-redirect', `${BASE}/orders/${req.params.id}`).send('');
    return ctx.fragment(reply, orderStatusFragment(order.data, shipment, req.query.since ?? null));
  });

  /** Order actions are queued by the API (202); the page then waits for Postmart's answer. */
  const action = (path: string, msg: string, body: (form: Record<string, string>) => unknown) =>
    app.post<Id>(`${BASE}/orders/:id/${path}`, { schema: { params: IdParams } }, async (req, reply) => {
      const before = await load(req, req.params.id);
      const res = await apiFor(app, req).send('POST', `/v1/orders/${req.params.id}/${path}`, { json: body(formOf(req)) });
      if (res.ok) return reply.redirect(`${BASE}/orders/${encodeURIComponent(req.params.id)}?msg=${msg}${before.order.ok ? `&since=${stateKey(before.order.data, before.shipment)}` : ''}`, 303);
      const { order, shipment, pointName } = await load(req, req.params.id);
      if (!order.ok) return reply.redirect(`${BASE}/orders`, 303);
      return ctx.render(req, reply, { title: `Đơn ${order.data.orderSn}`, active: 'orders', status: res.status, flash: { kind: 'error', text: res.error.message }, body: orderDetailBody(order.data, shipment, req.web!.csrf, null, pointName) });
    });
  action('confirm', 'confirm', () => ({}));
  action('cancel', 'cancel', (f) => ({ reason: f.reason ?? '' }));
  action('buyer-cancellation', 'buyer_cancel', (f) => ({ accept: f.accept === 'true' }));

  const shipPage = async (req: Parameters<typeof apiFor>[1], reply: Parameters<AppContext['render']>[1], id: string, error?: { code: string; message: string }, status = 200) => {
    const api = apiFor(app, req);
    const [order, suggestions] = await Promise.all([api.get<OrderView>(`/v1/orders/${id}`), api.get<Suggestions>(`/v1/orders/${id}/pickup-suggestions`)]);
    if (!order.ok) return reply.redirect(`${BASE}/orders`, 303);
    const s = suggestions.ok ? suggestions.data : { perishable: false, origin: { wardCode: '', lat: 0, lng: 0 }, items: [] };
    return ctx.render(req, reply, { title: 'Gửi hàng', active: 'orders', status, body: shipBody(order.data, s, req.web!.csrf, error ?? (suggestions.ok ? undefined : suggestions.error)) });
  };

  app.get<Id>(`${BASE}/orders/:id/ship`, { schema: { params: IdParams } }, async (req, reply) => shipPage(req, reply, req.params.id));

  app.post<Id>(`${BASE}/orders/:id/ship`, { schema: { params: IdParams } }, async (req, reply) => {
    const res = await apiFor(app, req).send('POST', `/v1/orders/${req.params.id}/ship`, { json: { pickupPointId: formOf(req).pickupPointId ?? '' } });
    // The slot is booked at once (shipment `requested`); the page waits for Postmart's package number.
    if (res.ok) return reply.redirect(`${BASE}/orders/${encodeURIComponent(req.params.id)}?msg=ship&since=processed:requested`, 303);
    return shipPage(req, reply, req.params.id, res.error, res.status);
  });

  // Several labels in one PDF (POST /v1/labels {orderIds}), one A6 page each, for the orders ticked in the list.
  app.post(`${BASE}/labels`, async (req, reply) => {
    const raw = (req.body as Record<string, unknown> | null)?.orderIds;
    const orderIds = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((v): v is string => typeof v === 'string');
    if (orderIds.length === 0) return ctx.render(req, reply, { title: 'Nhãn gửi hàng', active: 'orders', status: 400, flash: { kind: 'error', text: 'Chưa chọn đơn nào để in nhãn.' }, body: html`<p><a class="btn" href="${BASE}/orders">‹ Đơn hàng</a></p>` });
    return sendPdf(req, reply, await apiFor(app, req).raw('POST', '/v1/labels', { json: { orderIds } }), 'nhan-gui-hang.pdf', `${BASE}/orders`);
  });

  // The label PDF comes from the API (GET /v1/orders/:id/label.pdf), passed through with the session.
  app.get<Id>(`${BASE}/orders/:id/label.pdf`, { schema: { params: IdParams } }, async (req, reply) =>
    sendPdf(req, reply, await apiFor(app, req).raw('GET', `/v1/orders/${req.params.id}/label.pdf`), `nhan-gui-hang-${req.params.id}.pdf`, `${BASE}/orders/${req.params.id}`),
  );

  /** A PDF from the API as a download, or its error (in Vietnamese) on a page with the way back. */
  function sendPdf(req: FastifyRequest, reply: FastifyReply, res: ApiRaw, filename: string, back: string) {
    if (res.status === 200) {
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${filename}"`).header('cache-control', 'private, no-store').send(res.body);
    }
    let message = 'Chưa tải được nhãn gửi hàng.';
    try {
      message = (JSON.parse(res.body.toString('utf8')) as { error: { message: string } }).error.message;
    } catch {
      // not the API's error body; keep the general message
    }
    return ctx.render(req, reply, { title: 'Nhãn gửi hàng', active: 'orders', status: res.status, flash: { kind: 'error', text: message }, body: html`<p><a class="btn" href="${back}">‹ Quay lại</a></p>` });
  }
};
export default orderPages;
