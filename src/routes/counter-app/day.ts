import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { apiFor, type Api } from '../../plugins/web/api.ts';
import type { AppContext } from '../../plugins/web/web-app.ts';
import { choosePointBody, dayBody, findForm } from '../../web/counter/day.ts';
import { scanBody } from '../../web/counter/scan.ts';
import { BASE } from '../../web/counter/shell.ts';
import type { DayView, ParcelLookup, PointView, ReturnItem, ShipmentView } from '../../web/counter/types.ts';
import { html } from '../../web/html.ts';
import { formOf } from '../app/context.ts';
import { POINT_COOKIE, pointIdOf } from './point.ts';

/** What a clerk types or scans: spaces dropped, letters in capitals (package numbers are EP123456789VN). */
export const normalizeCode = (code: string) => code.replace(/\s+/g, '').toUpperCase();

/**
 * The order behind a package number at this office: the counter API's lookup
 * (GET /v1/parcels/{packageNumber}, own office only), or, from an API without it, the office's own
 * lists: today's drop-offs carry their package number, a waiting parcel's is on its shipment.
 * An order number (DT…) typed instead is found in the same lists.
 */
export async function findParcel(api: Api, pointId: string, code: string): Promise<string | null> {
  const direct = await api.get<ParcelLookup>(`/v1/parcels/${encodeURIComponent(code)}`);
  if (direct.ok) return direct.data.orderId;
  const day = await api.get<DayView>(`/v1/pickup-points/${pointId}/parcels`);
  if (!day.ok) return null;
  const hit = day.data.dropoffs.find((d) => d.packageNumber === code || d.orderSn.toUpperCase() === code) ?? day.data.pickups.find((p) => p.orderSn.toUpperCase() === code);
  if (hit) return hit.orderId;
  const shipments = await Promise.all(day.data.pickups.map((p) => api.get<ShipmentView>(`/v1/orders/${p.orderId}/shipment`)));
  for (const s of shipments) if (s.ok && s.data.packageNumber === code) return s.data.orderId;
  return null;
}

const dayPages: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(`${BASE}`, { config: { webPublic: true } }, async (_req, reply) => reply.redirect(`${BASE}/`, 301));

  /** An admin without a chosen counter picks one first; a clerk always has theirs. */
  const needPoint = async (req: FastifyRequest) => {
    const pointId = pointIdOf(req);
    if (pointId) return { pointId, choose: null };
    const points = await apiFor(app, req).get<{ items: PointView[] }>('/v1/pickup-points', { active: true, limit: 100 });
    return { pointId: null, choose: choosePointBody(points.ok ? points.data.items : [], req.web!.csrf) };
  };

  app.get(`${BASE}/`, async (req, reply) => {
    const { pointId, choose } = await needPoint(req);
    if (!pointId) return ctx.render(req, reply, { title: 'Chọn bưu cục', active: 'day', body: choose });
    const api = apiFor(app, req);
    const [point, day, returns] = await Promise.all([
      api.get<PointView>(`/v1/pickup-points/${pointId}`),
      api.get<DayView>(`/v1/pickup-points/${pointId}/parcels`),
      api.get<{ items: ReturnItem[] }>(`/v1/pickup-points/${pointId}/returns`),
    ]);
    if (!point.ok || !day.ok) {
      const error = !point.ok ? point.error : !day.ok ? day.error : null;
      return ctx.render(req, reply, { title: 'Hôm nay', active: 'day', status: point.ok ? (day.ok ? 200 : day.status) : point.status, flash: { kind: 'error', text: error?.message ?? 'Chưa tải được' }, body: html`<h1>Chưa mở được quầy</h1><p>Tài khoản chưa gắn với bưu cục đang hoạt động. Hãy báo quản trị viên.</p>` });
    }
    return ctx.render(req, reply, { title: 'Hôm nay', active: 'day', body: dayBody({ point: point.data, day: day.data, returns: returns.ok ? returns.data.items : null, now: new Date() }) });
  });

  app.post(`${BASE}/point`, async (req, reply) => {
    const pointId = formOf(req).pointId ?? '';
    if (req.web!.principal.role === 'admin' && /^[0-9a-f-]{36}$/i.test(pointId)) {
      reply.setCookie(POINT_COOKIE, pointId, { path: BASE, httpOnly: true, sameSite: 'lax', secure: app.config.publicUrl.startsWith('https:') });
    }
    return reply.redirect(`${BASE}/?msg=point`, 303);
  });

  app.get(`${BASE}/scan`, async (req, reply) =>
    ctx.render(req, reply, { title: 'Quét mã bưu gửi', active: 'scan', body: scanBody(ctx.assets.url('zxing.min.js'), ctx.assets.url('counter-scan.js')) }),
  );

  // The typed (or scanned) package number: straight to its parcel, or the search again with why not.
  app.get<{ Querystring: { code?: string } }>(`${BASE}/find`, async (req, reply) => {
    const code = normalizeCode(req.query.code ?? '');
    const pointId = pointIdOf(req);
    if (!pointId) return reply.redirect(`${BASE}/`, 303);
    const orderId = code ? await findParcel(apiFor(app, req), pointId, code) : null;
    if (orderId) return reply.redirect(`${BASE}/orders/${orderId}`, 303);
    return ctx.render(req, reply, {
      title: 'Không tìm thấy',
      active: 'scan',
      status: 404,
      flash: { kind: 'error', text: code ? `Không có bưu gửi mã ${code} tại bưu cục này.` : 'Hãy nhập mã bưu gửi.' },
      body: html`<h1>Tìm bưu gửi</h1>${findForm(code)}<p><a class="btn block big" href="${BASE}/scan">Quét lại bằng máy ảnh</a></p>`,
    });
  });
};
export default dayPages;
