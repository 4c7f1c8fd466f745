import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../errors.ts';
import type { AppContext } from '../../plugins/web/web-app.ts';
import { Uuid } from '../../schemas/common.ts';
import { withMandates } from '../../services/accounts/on-behalf.ts';
import { completeConnect, startConnect } from '../../services/postmart/postmart-connections.ts';
import { connectFailed, safeReturn, withMessage } from '../../web/counter/farmer-shop.ts';
import { BASE } from '../../web/counter/shell.ts';
import { formOf } from '../app/context.ts';

/** Where Postmart sends the clerk back after the farmer approves: the counter's own page, inside its cookie path. */
export const COUNTER_CALLBACK_PATH = `${BASE}/postmart/callback`;
/**
 * The page to return to after Postmart, kept in a short-lived cookie on the callback's path rather
 * than in the redirect URL: Postmart may require the redirect to match what the partner registered,
 * and the state already names the seller.
 */
const BACK_COOKIE = 'dtpc_counter_back';
const BACK_PATH = `${BASE}/postmart`;

const SellerParams = Type.Object({ sellerId: Uuid() });

/**
 * Connecting a household farmer's Postmart shop from the counter (issue 13): without it the products
 * the clerk makes for them never reach Postmart. The sellers' app's own domain functions
 * (startConnect, completeConnect) decide; access.ts lets a clerk connect only for a farmer whose live
 * authorization at their office has the scope «Sản phẩm» (catalog). The farmer approves on
 * Postmart's page, on the clerk's tablet or phone (postmart-api.md#authentication-and-signing).
 */
const farmerShopPages: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const secure = app.config.publicUrl.startsWith('https:');

  app.post<{ Params: { sellerId: string } }>(`${BASE}/farmers/:sellerId/connect`, { schema: { params: SellerParams } }, async (req, reply) => {
    const back = safeReturn(formOf(req).back);
    const principal = req.web!.principal;
    const pm = await app.postmart();
    // The web session's principal carries no authorizations; the service needs the office's live ones, read now.
    const acting = await withMandates(app.db, principal);
    const { authorizeUrl } = await startConnect(
      app.db,
      acting,
      { userId: principal.id, requestId: req.id, mandates: acting.mandates },
      req.params.sellerId,
      pm.client,
      `${app.config.publicUrl}${COUNTER_CALLBACK_PATH}`,
    );
    if (back) reply.setCookie(BACK_COOKIE, back, { path: BACK_PATH, httpOnly: true, sameSite: 'lax', secure, maxAge: 15 * 60 });
    return reply.redirect(authorizeUrl, 303);
  });

  // Signed in (the counter's cookie comes along on Postmart's redirect, a top-level GET): only a clerk's browser completes it.
  app.get<{ Querystring: Record<string, string | undefined> }>(COUNTER_CALLBACK_PATH, async (req, reply) => {
    const { code, shop_id, state } = req.query;
    const back = safeReturn(req.cookies[BACK_COOKIE]);
    reply.clearCookie(BACK_COOKIE, { path: BACK_PATH, httpOnly: true, sameSite: 'lax', secure });
    try {
      if (!code || !shop_id || !state) throw new AppError('VALIDATION_FAILED', { detail: { vi: 'thiếu mã xác nhận từ Postmart', en: 'missing code from Postmart' } }, 'code');
      await completeConnect(app.db, await app.postmart(), { code, shop_id, state });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return ctx.render(req, reply, { title: 'Chưa kết nối được', active: 'farmers', status: err.status, body: connectFailed(err.messageIn('vi'), back) });
    }
    return reply.redirect(back ? withMessage(back, 'shop_connected') : `${BASE}/farmers?msg=shop_connected`, 303);
  });
};
export default farmerShopPages;
