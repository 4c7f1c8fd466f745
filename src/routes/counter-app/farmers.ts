import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';
import { addDays, vnToday } from '../../lib/time.ts';
import { apiFor, type ApiError } from '../../plugins/web/api.ts';
import type { AppContext } from '../../plugins/web/web-app.ts';
import { IdParams } from '../../schemas/common.ts';
import { requirePhone } from '../../services/accounts/users.ts';
import { authorizationBody, farmersBody, type RevokeForm } from '../../web/counter/farmers.ts';
import { authorizationStep, farmerStep, productStepUrl, scanRetry, FARMER_FIELDS, type Authorization, type AuthValues, type FarmerValues } from '../../web/counter/onboard.ts';
import { shopCard } from '../../web/counter/farmer-shop.ts';
import { BASE } from '../../web/counter/shell.ts';
import type { Connection } from '../../web/seller/types.ts';
import type { PointView } from '../../web/counter/types.ts';
import { html } from '../../web/html.ts';
import { communeLoader } from '../app/communes.ts';
import { formOf } from '../app/context.ts';
import { encodeFiles, filesOf, valuesOf } from '../app/files.ts';
import { pointIdOf } from './point.ts';

type Id = { Params: { id: string } };
type Onboarded = { seller: { id: string }; authorization: { id: string } };

const wardOf = (v: string | undefined) => (v && /^\d{5}$/.test(v) ? v : '');
const isFarmerField = (f: string | undefined) => (FARMER_FIELDS as readonly string[]).includes(f ?? '');
/** The onboarding API names the authorization's fields `authorization.validUntil`; the form calls them `validUntil`. */
const onForm = (e: ApiError): ApiError => (e.field?.startsWith('authorization.') ? { ...e, field: e.field.slice('authorization.'.length) } : e);
/** A date picked in the form, as the API's timestamp: from the start of that Vietnam day, or to its end. */
const dayStart = (d: string) => `${d}T00:00:00+07:00`;
const dayEnd = (d: string) => (d ? `${d}T23:59:59+07:00` : '');

/**
 * The counter's guided onboarding of a household farmer ("công dân không viết", issue 13), steps 1
 * and 2, the office's farmers and one authorization's page with the photo of its signed paper.
 * Every write is the API's (in-process, as the clerk): POST /v1/counter/farmers and
 * PUT /v1/authorizations/{id}/scan, so access.ts decides what the clerk may do, as for any client.
 */
const farmerPages: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const communeList = communeLoader();

  const step1 = async (req: FastifyRequest, reply: FastifyReply, v: FarmerValues, error?: ApiError, status = 200) =>
    ctx.render(req, reply, { title: 'Đăng ký nông dân · Bước 1/3', active: 'farmers', status, body: farmerStep(v, await communeList(apiFor(app, req)), req.web!.csrf, error) });
  const step2 = (req: FastifyRequest, reply: FastifyReply, farmer: FarmerValues, v: AuthValues, error?: ApiError, status = 200) =>
    ctx.render(req, reply, { title: 'Giấy ủy quyền · Bước 2/3', active: 'farmers', status, body: authorizationStep(farmer, v, req.web!.csrf, error) });

  app.get(`${BASE}/farmers`, async (req, reply) => {
    const pointId = pointIdOf(req);
    const res = await apiFor(app, req).get<{ items: Authorization[] }>('/v1/authorizations', pointId ? { pickupPointId: pointId } : {});
    return ctx.render(req, reply, { title: 'Nông dân', active: 'farmers', status: res.ok ? 200 : res.status, body: farmersBody(res.ok ? res.data.items : null, res.ok ? null : res.error.message) });
  });

  // Step 1 starts in the office's own commune: most farmers who walk in live there.
  app.get(`${BASE}/farmers/new`, async (req, reply) => {
    const pointId = pointIdOf(req);
    const point = pointId ? await apiFor(app, req).get<PointView>(`/v1/pickup-points/${pointId}`) : null;
    return step1(req, reply, { wardCode: point?.ok ? point.data.wardCode : '' });
  });

  app.post(`${BASE}/farmers/new`, async (req, reply) => {
    const form = formOf(req);
    const farmer: FarmerValues = Object.fromEntries(FARMER_FIELDS.map((k) => [k, form[k] ?? '']));
    if (form.step === '2' && form.back === '1') return step1(req, reply, farmer);
    if (form.step === '2') return saveFarmer(req, reply, form, farmer);
    // Step 1 is checked here (the same phone rule as the API) so a mistake is fixed before step 2;
    // nothing is saved until step 2, where the farmer and the authorization are recorded together.
    const missing = FARMER_FIELDS.find((k) => !farmer[k]?.trim());
    if (missing) return step1(req, reply, farmer, { code: 'VALIDATION_FAILED', message: 'Ô này bắt buộc.', field: missing }, 400);
    try {
      requirePhone(farmer.phone!);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return step1(req, reply, farmer, { code: err.code, message: err.messageIn('vi'), field: 'phone' }, 400);
    }
    if (!(await communeList(apiFor(app, req))).some((c) => c.code === farmer.wardCode)) {
      return step1(req, reply, farmer, { code: 'VALIDATION_FAILED', message: 'Hãy chọn xã/phường trong danh sách.', field: 'wardCode' }, 400);
    }
    const today = vnToday();
    return step2(req, reply, farmer, { scopes: ['catalog', 'orders', 'shipping'], validFrom: today, validUntil: addDays(today, 365), farmerPresent: false });
  });

  /** Step 2 sent: the farmer and the authorization in one API call, then the photo of the paper. */
  async function saveFarmer(req: FastifyRequest, reply: FastifyReply, form: Record<string, string>, farmer: FarmerValues) {
    const auth: AuthValues = { scopes: valuesOf(req, 'scopes'), validFrom: form.validFrom ?? '', validUntil: form.validUntil ?? '', documentNumber: form.documentNumber ?? '', farmerPresent: form.farmerPresent === 'true' };
    const again = (error: ApiError, status: number) => (isFarmerField(error.field) ? step1(req, reply, farmer, error, status) : step2(req, reply, farmer, auth, error, status));
    if (!auth.farmerPresent) {
      return again({ code: 'VALIDATION_FAILED', message: 'Chỉ ghi nhận khi người ủy quyền có mặt và đã ký giấy trước mặt bạn: đánh dấu ô này.', field: 'farmerPresent' }, 400);
    }
    const api = apiFor(app, req);
    const pointId = pointIdOf(req);
    // The same paper sent again (a retry on a weak signal, a second tap without script) finds the
    // farmer saved a moment ago instead of registering them twice.
    const already = await savedMomentsAgo(req, pointId, farmer.name ?? '', auth.documentNumber ?? '');
    if (already) return afterSave(req, reply, already.sellerId, already.id, farmer.wardCode ?? '', already.scanUrl === null);
    const res = await api.send<Onboarded>('POST', '/v1/counter/farmers', {
      json: {
        ...(pointId ? { pickupPointId: pointId } : {}),
        ...farmer,
        authorization: {
          scopes: auth.scopes,
          // Today (or nothing) means from now: the start of today would already be past.
          ...(auth.validFrom && auth.validFrom !== vnToday() ? { validFrom: dayStart(auth.validFrom) } : {}),
          validUntil: dayEnd(auth.validUntil ?? ''),
          documentNumber: auth.documentNumber,
        },
      },
    });
    if (!res.ok) return again(onForm(res.error), res.status);
    return afterSave(req, reply, res.data.seller.id, res.data.authorization.id, farmer.wardCode ?? '', true);
  }

  /** The farmer and the authorization are saved: the photo of the paper if one came with them, then step 3. */
  async function afterSave(req: FastifyRequest, reply: FastifyReply, sellerId: string, authorizationId: string, ward: string, wantsScan: boolean) {
    const [scan] = filesOf(req, 'scan');
    if (scan && wantsScan) {
      const up = await apiFor(app, req).send('PUT', `/v1/authorizations/${authorizationId}/scan`, await encodeFiles([scan], 'scan'));
      if (!up.ok) return showScanRetry(req, reply, authorizationId, ward, up.error, up.status);
    }
    return reply.redirect(productStepUrl(sellerId, ward, 'onboarded'), 303);
  }

  /** An authorization of this office for the same farmer and paper number recorded in the last 15 minutes. */
  async function savedMomentsAgo(req: FastifyRequest, pointId: string | null, name: string, documentNumber: string) {
    const list = await apiFor(app, req).get<{ items: Authorization[] }>('/v1/authorizations', pointId ? { pickupPointId: pointId, live: true } : { live: true });
    if (!list.ok) return null;
    const since = Date.now() - 15 * 60_000;
    const same = (a: string, b: string) => a.normalize('NFC').trim() === b.normalize('NFC').trim();
    return list.data.items.find((a) => same(a.documentNumber, documentNumber) && same(a.sellerName, name) && new Date(a.createdAt).getTime() > since) ?? null;
  }

  const showScanRetry = async (req: FastifyRequest, reply: FastifyReply, id: string, ward: string, error: ApiError, status: number) => {
    const a = await apiFor(app, req).get<Authorization>(`/v1/authorizations/${id}`);
    if (!a.ok) return notFound(req, reply, a.error.message, a.status);
    return ctx.render(req, reply, { title: 'Ảnh giấy ủy quyền · Bước 2/3', active: 'farmers', status, body: scanRetry(a.data, ward, req.web!.csrf, error) });
  };

  const notFound = (req: FastifyRequest, reply: FastifyReply, text: string, status: number) =>
    ctx.render(req, reply, { title: 'Không tìm thấy', active: 'farmers', status, flash: { kind: 'error', text }, body: html`<p><a class="btn block big" href="${BASE}/farmers">‹ Nông dân</a></p>` });

  const showAuthorization = async (req: FastifyRequest, reply: FastifyReply, id: string, scanError?: ApiError, status = 200, revoke?: RevokeForm) => {
    const api = apiFor(app, req);
    const a = await api.get<Authorization>(`/v1/authorizations/${id}`);
    if (!a.ok) return notFound(req, reply, a.error.message, a.status);
    const connection = await api.get<Connection>(`/v1/sellers/${a.data.sellerId}/postmart`);
    const canConnect = a.data.live && a.data.scopes.includes('catalog');
    const shop = shopCard(connection.ok ? connection.data : null, { sellerId: a.data.sellerId, back: `${BASE}/authorizations/${id}`, csrf: req.web!.csrf, canConnect });
    return ctx.render(req, reply, { title: a.data.sellerName, active: 'farmers', status, body: authorizationBody(a.data, req.web!.csrf, '', shop, scanError, revoke) });
  };

  app.get<Id>(`${BASE}/authorizations/:id`, { schema: { params: IdParams } }, async (req, reply) => showAuthorization(req, reply, req.params.id));

  // The API decides who may revoke (the office's clerks, access.ts) and keeps the reason; a refusal comes back in the open form.
  app.post<Id>(`${BASE}/authorizations/:id/revoke`, { schema: { params: IdParams } }, async (req, reply) => {
    const reason = formOf(req).reason ?? '';
    const res = await apiFor(app, req).send('POST', `/v1/authorizations/${req.params.id}/revoke`, { json: { reason } });
    if (res.ok) return reply.redirect(`${BASE}/authorizations/${req.params.id}?msg=authorization_revoked`, 303);
    return showAuthorization(req, reply, req.params.id, undefined, res.status, { reason, error: res.error });
  });

  // The paper shows an ID number and a signature: passed through from the API to this session only, never cached.
  app.get<Id>(`${BASE}/authorizations/:id/scan`, { schema: { params: IdParams } }, async (req, reply) => {
    const res = await apiFor(app, req).raw('GET', `/v1/authorizations/${req.params.id}/scan`);
    if (res.status !== 200) return reply.status(res.status === 401 ? 401 : 404).type('text/plain; charset=utf-8').send('Không có ảnh giấy ủy quyền.');
    return reply.type('image/jpeg').header('cache-control', 'private, no-store').send(res.body);
  });

  // From the authorization's page, or from step 2 when the photo failed there (`flow`: then on to step 3).
  app.post<Id>(`${BASE}/authorizations/:id/scan`, { schema: { params: IdParams } }, async (req, reply) => {
    const form = formOf(req);
    const inFlow = form.flow !== undefined;
    const [scan] = filesOf(req, 'scan');
    const api = apiFor(app, req);
    const res = scan
      ? await api.send<Authorization>('PUT', `/v1/authorizations/${req.params.id}/scan`, await encodeFiles([scan], 'scan'))
      : ({ ok: false, status: 400, error: { code: 'VALIDATION_FAILED', message: 'Chưa chụp hoặc chọn ảnh giấy ủy quyền.', field: 'scan' } } as const);
    if (res.ok) return reply.redirect(inFlow ? productStepUrl(res.data.sellerId, wardOf(form.flow), 'scan_saved') : `${BASE}/authorizations/${req.params.id}?msg=scan_saved#scan`, 303);
    return inFlow ? showScanRetry(req, reply, req.params.id, wardOf(form.flow), res.error, res.status) : showAuthorization(req, reply, req.params.id, res.error, res.status);
  });
};
export default farmerPages;
