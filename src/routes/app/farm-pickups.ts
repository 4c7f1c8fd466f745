import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { IdParams } from '../../schemas/common.ts';
import { apiFor, type ApiError } from '../../plugins/web/api.ts';
import { addDays, vnToday } from '../../lib/time.ts';
import { pickupDetailBody, pickupFormBody, pickupListBody, type Commune, type NextWindow, type PickupDetailView, type PickupForm, type PickupView, type RescheduleForm } from '../../web/seller/farm-pickups.ts';
import { BASE } from '../../web/seller/shell.ts';
import type { OrderRow, Page, ShipmentView } from '../../web/seller/types.ts';
import { formOf, type AppContext } from './context.ts';

type Id = { Params: { id: string } };

/** The API's next free window (FARM_PICKUP_FULL's `details.next`), offered as one tap. */
const nextOf = (e: ApiError | undefined): NextWindow | null => {
  const n = e?.details?.next as NextWindow | null | undefined;
  return n && typeof n.day === 'string' && typeof n.window === 'string' ? n : null;
};
/** A number typed in a form, or the text itself so the API's validation names the field. */
const numberOr = (v: string) => (v.trim() === '' ? undefined : /^-?\d+([.,]\d+)?$/.test(v.trim()) ? Number(v.trim().replace(',', '.')) : v);
const listOf = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string' && x !== '');

/** Pickup at the farm (issue 14): pages over POST/GET /v1/farm-pickups and the reschedule call. */
const farmPickupPages: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(`${BASE}/pickups`, async (req, reply) => {
    const res = await apiFor(app, req).get<{ items: PickupView[] }>('/v1/farm-pickups', { from: vnToday() });
    return ctx.render(req, reply, { title: 'Lấy hàng tại vườn', active: 'orders', body: pickupListBody(res.ok ? res.data.items : []), ...(res.ok ? {} : { flash: { kind: 'error' as const, text: res.error.message } }) });
  });

  /** Confirmed orders not yet booked for shipping: the parcels a pickup can take. */
  async function readyOrders(req: FastifyRequest): Promise<OrderRow[]> {
    const api = apiFor(app, req);
    const res = await api.get<Page<OrderRow>>('/v1/orders', { status: 'processed', limit: 50 });
    if (!res.ok) return [];
    const shipments = await Promise.all(res.data.items.map((o) => api.get<ShipmentView>(`/v1/orders/${o.id}/shipment`)));
    return res.data.items.filter((_, i) => {
      const s = shipments[i]!;
      return !s.ok || s.data.state === 'failed' || s.data.state === 'released';
    });
  }

  async function formPage(req: FastifyRequest, reply: FastifyReply, f: PickupForm, error?: ApiError, status = 200) {
    const [orders, communes] = await Promise.all([readyOrders(req), apiFor(app, req).get<{ items: Commune[] }>('/v1/communes', { limit: 200 })]);
    // An order the form names that is no longer ready (booked meanwhile) still shows, so its error has a place.
    return ctx.render(req, reply, {
      title: 'Hẹn lấy hàng tại vườn',
      active: 'orders',
      status,
      body: pickupFormBody(f, orders, communes.ok ? communes.data.items : [], req.web!.csrf, error, nextOf(error)),
    });
  }

  app.get<{ Querystring: { orderId?: string } }>(`${BASE}/pickups/new`, async (req, reply) => {
    const seller = await apiFor(app, req).get<{ wardCode: string; address: string }>(`/v1/sellers/${req.web!.principal.sellerId}`);
    const orderIds = listOf(req.query.orderId);
    const f: PickupForm = {
      orderIds, day: addDays(vnToday(), 1), window: '', parcels: String(Math.max(1, orderIds.length)),
      wardCode: seller.ok ? seller.data.wardCode : '', address: seller.ok ? seller.data.address : '', lat: '', lng: '', contactPhone: '',
    };
    return formPage(req, reply, f);
  });

  app.post(`${BASE}/pickups`, async (req, reply) => {
    const form = formOf(req);
    const f: PickupForm = {
      orderIds: listOf((req.body as Record<string, unknown> | null)?.orderIds), day: form.day ?? '', window: form.window ?? '', parcels: form.parcels ?? '',
      wardCode: form.wardCode ?? '', address: form.address ?? '', lat: form.lat ?? '', lng: form.lng ?? '', contactPhone: form.contactPhone ?? '',
    };
    // Parcels left empty: one per order ticked.
    const parcels = f.parcels.trim() === '' ? f.orderIds.length || undefined : numberOr(f.parcels);
    const body = {
      day: f.day, window: f.window, parcels, wardCode: f.wardCode, address: f.address,
      ...(f.orderIds.length ? { orderIds: f.orderIds } : {}),
      ...(f.lat.trim() ? { lat: numberOr(f.lat) } : {}),
      ...(f.lng.trim() ? { lng: numberOr(f.lng) } : {}),
      ...(f.contactPhone.trim() ? { contactPhone: f.contactPhone } : {}),
    };
    const res = await apiFor(app, req).send<PickupView>('POST', '/v1/farm-pickups', { json: body });
    if (res.ok) return reply.redirect(`${BASE}/pickups/${res.data.id}?msg=pickup_booked`, 303);
    return formPage(req, reply, f, res.error, res.status);
  });

  async function detailPage(req: FastifyRequest, reply: FastifyReply, id: string, r: RescheduleForm, error?: ApiError, status = 200) {
    const api = apiFor(app, req);
    const res = await api.get<PickupDetailView>(`/v1/farm-pickups/${id}`);
    if (!res.ok) return ctx.render(req, reply, { title: 'Không tìm thấy', status: res.status, flash: { kind: 'error', text: res.error.message }, body: '' });
    const orders = await Promise.all(res.data.orderIds.map(async (oid) => {
      const o = await api.get<{ id: string; orderSn: string }>(`/v1/orders/${oid}`);
      return o.ok ? { id: o.data.id, orderSn: o.data.orderSn } : { id: oid, orderSn: oid.slice(0, 8) };
    }));
    return ctx.render(req, reply, { title: 'Lịch lấy hàng', active: 'orders', status, body: pickupDetailBody(res.data, orders, req.web!.csrf, r, error, nextOf(error)) });
  }

  app.get<Id>(`${BASE}/pickups/:id`, { schema: { params: IdParams } }, async (req, reply) => detailPage(req, reply, req.params.id, { day: '', window: '', reason: '' }));

  app.post<Id>(`${BASE}/pickups/:id/reschedule`, { schema: { params: IdParams } }, async (req, reply) => {
    const form = formOf(req);
    const r: RescheduleForm = { day: form.day ?? '', window: form.window ?? '', reason: form.reason ?? '' };
    const res = await apiFor(app, req).send<PickupView>('POST', `/v1/farm-pickups/${req.params.id}/reschedule`, { json: { day: r.day, window: r.window, reason: r.reason } });
    // The form posts to …#reschedule, so a refusal opens at the form; the success opens at the top, where the message is.
    if (res.ok) return reply.redirect(`${BASE}/pickups/${req.params.id}?msg=pickup_moved#main`, 303);
    return detailPage(req, reply, req.params.id, r, res.error, res.status);
  });
};
export default farmPickupPages;
