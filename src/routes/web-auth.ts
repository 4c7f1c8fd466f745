import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Role } from '../../db/schema/users.ts';
import { apiFor } from '../plugins/web/api.ts';
import { safeNext, type AppContext } from '../plugins/web/web-app.ts';
import type { FieldError } from '../web/components.ts';
import type { Html } from '../web/html.ts';
import { formOf } from './app/context.ts';

/** What differs between the web apps' sign-in pages (the sellers' app, the counter app). */
export type WebAuthOptions = {
  ctx: AppContext;
  /** The app's path, e.g. /app or /counter. */
  base: string;
  signInBody: (opts: { phone?: string; error?: FieldError; next?: string }) => Html;
  wrongRoleBody: (csrf: string, role: Role) => Html;
  wrongRoleTitle: string;
  /** Anything else the app keeps in cookies, cleared at sign-out. */
  onSignOut?: (reply: FastifyReply) => void;
};

/**
 * Sign-in, sign-out and the wrong-role page of a server-rendered app: the login goes through the
 * API's own /v1/auth/login (its validation, limits and errors), and the token becomes the session.
 */
const webAuthPages: FastifyPluginAsync<WebAuthOptions> = async (app, { ctx, base, signInBody, wrongRoleBody, wrongRoleTitle, onSignOut }) => {
  app.get<{ Querystring: { next?: string } }>(`${base}/login`, { config: { webPublic: true } }, async (req, reply) => {
    if (req.web) return reply.redirect(safeNext(base, req.query.next), 303);
    return ctx.render(req, reply, { title: 'Đăng nhập', body: signInBody({ next: req.query.next }) });
  });

  app.post(`${base}/login`, { config: { webPublic: true } }, async (req, reply) => {
    const form = formOf(req);
    const res = await apiFor(app, req, null).send<{ token: string; expiresIn: number }>('POST', '/v1/auth/login', {
      json: { phone: form.phone ?? '', password: form.password ?? '' },
    });
    if (!res.ok) {
      // Wrong credentials name no field; show them under the password, where the person will retype.
      const error = res.error.field ? res.error : { ...res.error, field: 'password' };
      return ctx.render(req, reply, { title: 'Đăng nhập', status: res.status, body: signInBody({ phone: form.phone, error, next: form.next }) });
    }
    reply.startWebSession(res.data.token, res.data.expiresIn);
    return reply.redirect(safeNext(base, form.next), 303);
  });

  app.post(`${base}/logout`, { config: { webPublic: true } }, async (_req, reply) => {
    reply.endWebSession();
    onSignOut?.(reply);
    return reply.redirect(`${base}/login?msg=signed_out`, 303);
  });

  app.get(`${base}/wrong-role`, { config: { webPublic: true } }, async (req, reply) =>
    req.web ? ctx.render(req, reply, { title: wrongRoleTitle, hideNav: true, body: wrongRoleBody(req.web.csrf, req.web.principal.role), status: 403 }) : reply.redirect(`${base}/login`, 303),
  );
};
export default webAuthPages;
