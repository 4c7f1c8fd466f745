import type { FastifyPluginAsync } from 'fastify';
import { apiFor } from '../../plugins/web/api.ts';
import { safeNext, type AppContext } from '../../plugins/web/web-app.ts';
import { signInBody, wrongRoleBody } from '../../web/counter/sign-in.ts';
import { BASE } from '../../web/counter/shell.ts';
import { formOf } from '../app/context.ts';
import { POINT_COOKIE } from './point.ts';

const authPages: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: { next?: string } }>(`${BASE}/login`, { config: { webPublic: true } }, async (req, reply) => {
    if (req.web) return reply.redirect(safeNext(BASE, req.query.next), 303);
    return ctx.render(req, reply, { title: 'Đăng nhập', body: signInBody({ next: req.query.next }) });
  });

  app.post(`${BASE}/login`, { config: { webPublic: true } }, async (req, reply) => {
    const form = formOf(req);
    const res = await apiFor(app, req, null).send<{ token: string; expiresIn: number }>('POST', '/v1/auth/login', {
      json: { phone: form.phone ?? '', password: form.password ?? '' },
    });
    if (!res.ok) {
      const error = res.error.field ? res.error : { ...res.error, field: 'password' };
      return ctx.render(req, reply, { title: 'Đăng nhập', status: res.status, body: signInBody({ phone: form.phone, error, next: form.next }) });
    }
    reply.startWebSession(res.data.token, res.data.expiresIn);
    return reply.redirect(safeNext(BASE, form.next), 303);
  });

  app.post(`${BASE}/logout`, { config: { webPublic: true } }, async (_req, reply) => {
    reply.endWebSession();
    reply.clearCookie(POINT_COOKIE, { path: BASE });
    return reply.redirect(`${BASE}/login?msg=signed_out`, 303);
  });

  app.get(`${BASE}/wrong-role`, { config: { webPublic: true } }, async (req, reply) =>
    req.web ? ctx.render(req, reply, { title: 'Ứng dụng khác', hideNav: true, body: wrongRoleBody(req.web.csrf, req.web.principal.role), status: 403 }) : reply.redirect(`${BASE}/login`, 303),
  );
};
export default authPages;
