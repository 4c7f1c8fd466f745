import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, forbidden } from '../errors.ts';
import type { Principal } from '../services/accounts/access.ts';
import { AUDIENCE, type Audience } from './auth.ts';

export const DASHBOARD_PATH = '/admin/queues';
export const SESSION_COOKIE = 'dtpc_queues';
/** The dashboard session outlives neither this nor the token it was opened with. */
const SESSION_SECONDS = 3600;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const LoginBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false });

const LOGIN_PAGE = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hàng đợi / Queues</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>Bảng điều khiển hàng đợi / Queue dashboard</h1>
<p>Dán mã truy cập (token) của tài khoản quản trị nhận từ <code>POST /v1/auth/login</code>.<br>
Paste an admin's bearer token from <code>POST /v1/auth/login</code>.</p>
<form method="post" action="${DASHBOARD_PATH}/login">
<input type="password" name="token" required autocomplete="off" style="width: 100%; padding: .5rem" aria-label="token">
<p><button type="submit">Mở / Open</button></p>
</form></body></html>
`;

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/**
 * BullMQ's dashboard (bull-board) at /admin/queues, for admins only.
 *
 * The dashboard is HTML, scripts and XHRs loaded by a browser, which cannot add a bearer header
 * to them, so besides `Authorization: Bearer` it accepts a session cookie. An admin opens it by
 * POSTing their token to /admin/queues/login (the form served at GET /admin/queues/login, or
 * `curl -d token=…`): the token travels in a request body, never in a URL, so it stays out of
 * access logs, browser history and Referer headers. The answer sets a new token for the same
 * account, valid for at most an hour (never longer than the one given), in a cookie that is
 * HttpOnly (scripts cannot read it), SameSite=Strict (other sites cannot make the browser send
 * it), Path=/admin/queues (the API never receives it) and Secure when PUBLIC_URL is https.
 * Changes made through the dashboard with the cookie must also come from our own origin.
 *
 * The session token's audience is the queue board: it is refused as an API bearer token, and an
 * API token is refused as a session cookie. Every request, pages and assets included, is checked
 * with auth.ts's verifyToken (the same secret, expiry, token-version and disabled-account rules as the API): no token 401, not an admin 403, in the
 * API's error body. The routes are hidden from OpenAPI.
 */
export default fp(
  async (app) => {
    const secure = app.config.publicUrl.startsWith('https://');
    const cookie = (value: string, maxAge: number) =>
      `${SESSION_COOKIE}=${value}; Max-Age=${maxAge}; Path=${DASHBOARD_PATH}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;

    const admin = async (token: string, audience: Audience = AUDIENCE.api): Promise<Principal> => {
      const principal = await app.verifyToken(token, audience);
      if (principal.role !== 'admin') throw forbidden();
      return principal;
    };

    const sameOrigin = (req: FastifyRequest): boolean => {
      const origin = req.headers.origin;
      if (!origin) return true; // browsers send Origin on every unsafe request; its absence is not a cross-site form
      try {
        const host = new URL(origin).host;
        return host === req.headers.host || host === new URL(app.config.publicUrl).host;
      } catch {
        return false;
      }
    };

    const guard = async (req: FastifyRequest, reply: FastifyReply) => {
      const bearer = req.headers.authorization;
      const fromCookie = bearer === undefined ? readCookie(req.headers.cookie, SESSION_COOKIE) : null;
      try {
        const token = bearer !== undefined ? /^Bearer (\S+)$/.exec(bearer)?.[1] : fromCookie;
        if (!token) throw new AppError('UNAUTHENTICATED');
        if (fromCookie && !SAFE_METHODS.has(req.method) && !sameOrigin(req)) throw forbidden();
        // The cookie holds a queue-board session, valid here only; the header an ordinary API token.
        req.principal = await admin(token, fromCookie ? AUDIENCE.queueBoard : AUDIENCE.api);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        // Answered here rather than thrown: bull-board installs its own error handler on its routes.
        if (fromCookie && err.status === 401) reply.header('set-cookie', cookie('', 0));
        return reply.status(err.status).send({ error: { code: err.code, message: err.messageIn(req.lang) } });
      }
    };

    const serverAdapter = new FastifyAdapter().setBasePath(DASHBOARD_PATH);
    createBullBoard({
      queues: app.queues.list.map((q) => new BullMQAdapter(q)),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'Đồng Tháp Postmart', miscLinks: [{ text: 'Đăng xuất / Log out', url: `${DASHBOARD_PATH}/logout` }] } },
    });

    await app.register(
      async (scope) => {
        scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) =>
          done(null, Object.fromEntries(new URLSearchParams(body as string))),
        );

        scope.get('/login', { schema: { hide: true } }, async (_req, reply) =>
          reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(LOGIN_PAGE),
        );

        scope.post<{ Body: { token: string } }>('/login', { schema: { hide: true, body: LoginBody } }, async (req, reply) => {
          const principal = await admin(req.body.token);
          const { exp = 0, ver = -1 } = app.jwt.decode<{ exp?: number; ver?: number }>(req.body.token) ?? {};
          const ttl = Math.min(SESSION_SECONDS, exp - Math.floor(Date.now() / 1000));
          if (ttl < 1) throw new AppError('TOKEN_EXPIRED');
          // A token for the queue board only (its audience), carrying the account's token version, so
          // the cookie is no API bearer token and a password change or disabling ends the session too.
          const session = await app.signToken({ id: principal.id, role: principal.role, tokenVersion: ver }, { audience: AUDIENCE.queueBoard, expiresInSeconds: ttl });
          return reply.header('set-cookie', cookie(session, ttl)).header('cache-control', 'no-store').redirect(`${DASHBOARD_PATH}/`, 303);
        });

        scope.get('/logout', { schema: { hide: true } }, async (_req, reply) =>
          reply.header('set-cookie', cookie('', 0)).redirect(`${DASHBOARD_PATH}/login`, 303),
        );

        await scope.register(async (guarded) => {
          guarded.addHook('onRequest', guard);
          await guarded.register(serverAdapter.registerPlugin());
        });
      },
      { prefix: DASHBOARD_PATH },
    );
  },
  { name: 'queue-dashboard', dependencies: ['queues', 'auth', 'errors'] },
);
