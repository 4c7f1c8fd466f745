import { IdParams } from '../../schemas/common.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { apiFor } from '../../plugins/web/api.ts';
import type { AppContext } from '../../plugins/web/web-app.ts';
import { parseWhole } from '../../web/format.ts';
import { parcelBody, weightOffBy, type ParcelForms } from '../../web/counter/parcel.ts';
import { BASE } from '../../web/counter/shell.ts';
import type { DayView, OrderView, ParcelLookup, ReturnItem, ShipmentView } from '../../web/counter/types.ts';
import { html } from '../../web/html.ts';
import { formOf } from '../app/context.ts';
import { pointIdOf, sendWithNewFields } from './point.ts';

type Id = { Params: { id: string } };

/**
 * One parcel at the counter, by its order: receive it from the seller (weighed), hand it to the
 * buyer after the phone check (and the cash for COD), or give it back to the seller. Every action
 * is the API's (in-process, as the clerk), so its access rules, locks and events apply unchanged.
 */
const parcelPages: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const load = async (req: FastifyRequest, id: string) => {
    const api = apiFor(app, req);
    const pointId = pointIdOf(req);
    const [order, shipment, day, returns] = await Promise.all([
      api.get<OrderView>(`/v1/orders/${id}`),
      api.get<ShipmentView>(`/v1/orders/${id}/shipment`),
      pointId ? api.get<DayView>(`/v1/pickup-points/${pointId}/parcels`) : null,
      pointId ? api.get<{ items: ReturnItem[] }>(`/v1/pickup-points/${pointId}/returns`) : null,
    ]);
    // The counter API's own view of the parcel says whether collection is locked (after 5 wrong numbers).
    const packageNumber = shipment.ok ? shipment.data.packageNumber : null;
    const lookup = packageNumber ? await api.get<ParcelLookup>(`/v1/parcels/${encodeURIComponent(packageNumber)}`) : null;
    return {
      pointId,
      order,
      locked: lookup?.ok ? Boolean(lookup.data.pickup?.collectionLocked) : false,
      shipment: shipment.ok ? shipment.data : null,
      pickup: day?.ok ? (day.data.pickups.find((p) => p.orderId === id) ?? null) : null,
      ret: returns?.ok ? (returns.data.items.find((r) => r.orderId === id) ?? null) : null,
    };
  };

  const show = async (req: FastifyRequest, reply: FastifyReply, id: string, forms: ParcelForms = {}, status = 200) => {
    const d = await load(req, id);
    if (!d.order.ok || !d.pointId) {
      const text = d.order.ok ? 'Chưa chọn bưu cục.' : d.order.error.message;
      return ctx.render(req, reply, { title: 'Không tìm thấy', status: d.order.ok ? 400 : d.order.status, flash: { kind: 'error', text }, body: html`<p><a class="btn block big" href="${BASE}/">‹ Hôm nay</a></p>` });
    }
    const { order, shipment, pickup, ret, pointId } = d;
    if (d.locked && !forms.collect) forms = { ...forms, collect: { locked: true } };
    const title = `Bưu gửi ${shipment?.packageNumber ?? order.data.orderSn}`;
    return ctx.render(req, reply, { title, active: 'day', status, body: parcelBody({ order: order.data, shipment, pickup, ret, pointId, isAdmin: req.web!.principal.role === 'admin', csrf: req.web!.csrf, now: new Date(), forms }) });
  };

  app.get<Id>(`${BASE}/orders/:id`, { schema: { params: IdParams } }, async (req, reply) => show(req, reply, req.params.id));

  // Weighed at the counter. More than 10% off the declaration is shown first and must be confirmed
  // (the counter API refuses it with 409 WEIGHT_CONFIRMATION_REQUIRED unless `weightConfirmed`).
  app.post<Id>(`${BASE}/orders/:id/receive`, { schema: { params: IdParams } }, async (req, reply) => {
    const form = formOf(req);
    const grams = parseWhole(form.weightGrams);
    const api = apiFor(app, req);
    const shipment = await api.get<ShipmentView>(`/v1/orders/${req.params.id}/shipment`);
    // A confirmation holds for the weight it was shown for; a weight typed again is checked again.
    const confirmed = form.weightConfirmed === 'true' && form.confirmedGrams === String(grams);
    if (typeof grams === 'number' && shipment.ok && !confirmed && weightOffBy(shipment.data.declaredWeightGrams, grams) !== null) {
      return show(req, reply, req.params.id, { receive: { weightGrams: form.weightGrams, confirm: { declared: shipment.data.declaredWeightGrams, measured: grams } } }, 409);
    }
    const res = await sendWithNewFields<ShipmentView>(api, `/v1/orders/${req.params.id}/handover`, { weightGrams: grams ?? '', ...(confirmed ? { weightConfirmed: true } : {}) }, ['weightConfirmed']);
    if (res.ok) return reply.redirect(`${BASE}/orders/${encodeURIComponent(req.params.id)}?msg=${res.data.weightFlagged ? 'received_flagged' : 'received'}`, 303);
    if (res.error.code === 'WEIGHT_CONFIRMATION_REQUIRED' && typeof grams === 'number' && shipment.ok) {
      return show(req, reply, req.params.id, { receive: { weightGrams: form.weightGrams, confirm: { declared: shipment.data.declaredWeightGrams, measured: grams } } }, 409);
    }
    return show(req, reply, req.params.id, { receive: { weightGrams: form.weightGrams, error: res.error } }, res.status);
  });

  // The buyer says their number; a COD parcel's cash is recorded with it (counter API: `cashVnd`,
  // and `cashReason` when it differs). The fifth wrong number locks the parcel (423).
  app.post<Id>(`${BASE}/orders/:id/collect`, { schema: { params: IdParams } }, async (req, reply) => {
    const form = formOf(req);
    const body: Record<string, unknown> = { phone: form.phone ?? '' };
    if (form.cashVnd !== undefined) body.cashVnd = parseWhole(form.cashVnd) ?? '';
    if (form.cashReason) body.cashReason = form.cashReason;
    const res = await sendWithNewFields(apiFor(app, req), `/v1/orders/${req.params.id}/collect`, body, ['cashVnd', 'cashReason']);
    if (res.ok) return reply.redirect(`${BASE}/orders/${encodeURIComponent(req.params.id)}?msg=collected`, 303);
    const collect = { phone: form.phone, cashVnd: form.cashVnd, cashReason: form.cashReason, error: res.error, locked: res.status === 423 };
    return show(req, reply, req.params.id, { collect }, res.status);
  });

  // After the lock: the clerk saw the recipient's identity document and records its type and last 4
  // digits; an admin may unlock without one (POST /v1/orders/{id}/collection-unlock, counter API).
  app.post<Id>(`${BASE}/orders/:id/unlock`, { schema: { params: IdParams } }, async (req, reply) => {
    const form = formOf(req);
    const json = form.asAdmin === 'true' ? {} : { identityDocument: form.identityDocument ?? '', identityLast4: form.identityLast4 ?? '' };
    const res = await apiFor(app, req).send('POST', `/v1/orders/${req.params.id}/collection-unlock`, { json });
    if (res.ok) return reply.redirect(`${BASE}/orders/${encodeURIComponent(req.params.id)}?msg=unlocked`, 303);
    return show(req, reply, req.params.id, { collect: { locked: true }, unlock: { error: res.error } }, res.status);
  });

  // The parcel goes back to its seller: who took it, checked against the seller's phone.
  app.post<Id>(`${BASE}/orders/:id/return`, { schema: { params: IdParams } }, async (req, reply) => {
    const form = formOf(req);
    const res = await apiFor(app, req).send('POST', `/v1/orders/${req.params.id}/return`, { json: { receivedByName: form.receivedByName ?? '', sellerPhone: form.sellerPhone ?? '' } });
    if (res.ok) return reply.redirect(`${BASE}/returns?msg=returned`, 303);
    return show(req, reply, req.params.id, { giveBack: { receivedByName: form.receivedByName, sellerPhone: form.sellerPhone, error: res.error } }, res.status);
  });

};
export default parcelPages;
