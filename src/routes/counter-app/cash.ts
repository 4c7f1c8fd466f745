import type { FastifyPluginAsync } from 'fastify';
import { vnToday, isCalendarDate } from '../../lib/time.ts';
import { apiFor } from '../../plugins/web/api.ts';
import type { AppContext } from '../../plugins/web/web-app.ts';
import { cashBody, returnsBody } from '../../web/counter/cash.ts';
import { BASE } from '../../web/counter/shell.ts';
import type { CashSheet, DayView, ReturnItem } from '../../web/counter/types.ts';
import { formOf } from '../app/context.ts';
import { pointIdOf } from './point.ts';

/** The counter's cash sheet of a day and its closing, and the list of parcels going back to sellers. */
const cashPages: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: { date?: string } }>(`${BASE}/cash`, async (req, reply) => {
    const pointId = pointIdOf(req);
    if (!pointId) return reply.redirect(`${BASE}/`, 303);
    const date = req.query.date && isCalendarDate(req.query.date) ? req.query.date : vnToday();
    const res = await apiFor(app, req).get<CashSheet>(`/v1/pickup-points/${pointId}/cash`, { date });
    return ctx.render(req, reply, { title: 'Sổ tiền', active: 'cash', status: res.ok ? 200 : res.status, body: cashBody(res.ok ? res.data : null, date, req.web!.csrf, res.ok ? null : res.error.message) });
  });

  app.post(`${BASE}/cash/close`, async (req, reply) => {
    const pointId = pointIdOf(req);
    if (!pointId) return reply.redirect(`${BASE}/`, 303);
    const date = formOf(req).date ?? '';
    const api = apiFor(app, req);
    const res = await api.send('POST', `/v1/pickup-points/${pointId}/cash/close`, { json: { date } });
    if (res.ok) return reply.redirect(`${BASE}/cash?date=${encodeURIComponent(date)}&msg=closed`, 303);
    const sheet = await api.get<CashSheet>(`/v1/pickup-points/${pointId}/cash`, { date });
    return ctx.render(req, reply, { title: 'Sổ tiền', active: 'cash', status: res.status, body: cashBody(sheet.ok ? sheet.data : null, date, req.web!.csrf, res.error.message) });
  });

  app.get(`${BASE}/returns`, async (req, reply) => {
    const pointId = pointIdOf(req);
    if (!pointId) return reply.redirect(`${BASE}/`, 303);
    const api = apiFor(app, req);
    const res = await api.get<{ items: ReturnItem[] }>(`/v1/pickup-points/${pointId}/returns`);
    if (res.ok) return ctx.render(req, reply, { title: 'Hoàn trả', active: 'returns', body: returnsBody(res.data.items, null) });
    // An API without the returns list (before counter-api): the parcels the aging job flagged here.
    const day = await api.get<DayView>(`/v1/pickup-points/${pointId}/parcels`);
    if (!day.ok) return ctx.render(req, reply, { title: 'Hoàn trả', active: 'returns', status: day.status, body: returnsBody(null, day.error.message) });
    const flagged = day.data.pickups.filter((p) => p.flaggedForReturn).map((p): ReturnItem => ({ orderId: p.orderId, orderSn: p.orderSn, packageNumber: null, sellerName: '', cause: 'hold_expired', holdUntil: p.holdUntil }));
    return ctx.render(req, reply, { title: 'Hoàn trả', active: 'returns', body: returnsBody(flagged, null) });
  });
};
export default cashPages;
