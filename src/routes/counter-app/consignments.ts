import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { apiFor, type Api } from '../../plugins/web/api.ts';
import type { AppContext } from '../../plugins/web/web-app.ts';
import { IdParams } from '../../schemas/common.ts';
import { consignmentBody, incomingBody, shelfBody, type ReceiveForm, type ReturnForm } from '../../web/counter/consignments.ts';
import { shelfByProduct, type ConsignmentView, type ShelfView } from '../../web/counter/outlet-types.ts';
import { BASE } from '../../web/counter/shell.ts';
import { parseWhole } from '../../web/format.ts';
import { html } from '../../web/html.ts';
import { formOf } from '../app/context.ts';
import { pointIdOf } from './point.ts';

type Id = { Params: { id: string } };

/** The office's consignments on their way (a clerk sees only theirs; an admin's list is narrowed to the chosen office). */
export async function incomingAt(api: Api, pointId: string, state: 'sent' | 'received', limit = 50) {
  const res = await api.get<{ items: ConsignmentView[] }>('/v1/consignments', { state, limit });
  return res.ok ? { ok: true as const, items: res.data.items.filter((c) => c.pickupPointId === pointId) } : { ok: false as const, error: res.error.message, items: [] };
}

/**
 * Consignment at the counter (issue 14): the transfers coming to the office, counting one in line
 * by line, and the shelf with its returns. Every action is the API's, in-process, as the clerk.
 */
const consignmentPages: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(`${BASE}/consignments`, async (req, reply) => {
    const pointId = pointIdOf(req);
    if (!pointId) return reply.redirect(`${BASE}/`, 303);
    const api = apiFor(app, req);
    const [sent, received] = await Promise.all([incomingAt(api, pointId, 'sent'), incomingAt(api, pointId, 'received', 20)]);
    const error = !sent.ok ? sent.error : !received.ok ? received.error : null;
    return ctx.render(req, reply, { title: 'Nhận hàng ký gửi', active: 'outlet', body: incomingBody(sent.items, received.items.slice(0, 10), error) });
  });

  const showConsignment = async (req: FastifyRequest, reply: FastifyReply, id: string, form: ReceiveForm = {}, status = 200) => {
    const res = await apiFor(app, req).get<ConsignmentView>(`/v1/consignments/${id}`);
    if (!res.ok) {
      return ctx.render(req, reply, { title: 'Không tìm thấy', active: 'outlet', status: res.status, flash: { kind: 'error', text: res.error.message }, body: html`<p><a class="btn block big" href="${BASE}/consignments">‹ Nhận hàng ký gửi</a></p>` });
    }
    return ctx.render(req, reply, { title: 'Lô hàng ký gửi', active: 'outlet', status, body: consignmentBody(res.data, req.web!.csrf, form) });
  };

  app.get<Id>(`${BASE}/consignments/:id`, { schema: { params: IdParams } }, async (req, reply) => showConsignment(req, reply, req.params.id));

  // One count per line, all lines at once; a blank or non-number count stays on the page with its reason.
  app.post<Id>(`${BASE}/consignments/:id/receive`, { schema: { params: IdParams } }, async (req, reply) => {
    const api = apiFor(app, req);
    const form = formOf(req);
    const c = await api.get<ConsignmentView>(`/v1/consignments/${req.params.id}`);
    if (!c.ok) return showConsignment(req, reply, req.params.id);
    const counts: Record<string, string> = {};
    const lineErrors: Record<string, string> = {};
    const parsed: { lineId: string; qtyReceived: number }[] = [];
    for (const l of c.data.lines) {
      const typed = (form[`count_${l.id}`] ?? '').trim();
      counts[l.id] = typed;
      const n = parseWhole(typed);
      if (typeof n !== 'number' || n < 0) lineErrors[l.id] = typed === '' ? 'Nhập số đếm được (0 nếu không có).' : 'Số đếm là số nguyên từ 0 trở lên.';
      else parsed.push({ lineId: l.id, qtyReceived: n });
    }
    if (Object.keys(lineErrors).length) return showConsignment(req, reply, req.params.id, { counts, lineErrors }, 400);
    const res = await api.send<ConsignmentView>('POST', `/v1/consignments/${req.params.id}/receive`, { json: { counts: parsed } });
    if (res.ok) {
      const off = res.data.lines.some((l) => l.difference !== 0);
      return reply.redirect(`${BASE}/consignments/${req.params.id}?msg=${off ? 'consignment_received_diff' : 'consignment_received'}`, 303);
    }
    return showConsignment(req, reply, req.params.id, { counts, error: res.error }, res.status);
  });

  const showShelf = async (req: FastifyRequest, reply: FastifyReply, ret: ReturnForm | null = null, status = 200) => {
    const pointId = pointIdOf(req);
    if (!pointId) return reply.redirect(`${BASE}/`, 303);
    const res = await apiFor(app, req).get<ShelfView>(`/v1/pickup-points/${pointId}/shelf`);
    if (!res.ok) return ctx.render(req, reply, { title: 'Kệ hàng ký gửi', active: 'outlet', status: res.status, flash: { kind: 'error', text: res.error.message }, body: html`` });
    return ctx.render(req, reply, { title: 'Kệ hàng ký gửi', active: 'outlet', status, body: shelfBody(shelfByProduct(res.data.lots), res.data.today, req.web!.csrf, ret) });
  };

  app.get(`${BASE}/shelf`, async (req, reply) => showShelf(req, reply));

  // Goods of one lot back to the seller; the API says which field is wrong, shown in that lot's form.
  app.post(`${BASE}/shelf/return`, async (req, reply) => {
    const form = formOf(req);
    const qty = parseWhole(form.qty);
    const json = { lineId: form.lineId ?? '', qty: qty ?? '', reason: form.reason ?? '', ...(form.note?.trim() ? { note: form.note } : {}) };
    const res = await apiFor(app, req).send('POST', '/v1/consignment-returns', { json });
    if (res.ok) return reply.redirect(`${BASE}/shelf?msg=goods_returned`, 303);
    return showShelf(req, reply, { lineId: form.lineId ?? '', qty: form.qty, reason: form.reason, note: form.note, error: res.error }, res.status);
  });
};
export default consignmentPages;
