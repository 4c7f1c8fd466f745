import { createHmac, timingSafeEqual } from 'node:crypto';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Role } from '../../../db/schema/users.ts';
import { AppError } from '../../errors.ts';
import type { Principal } from '../../services/accounts/access.ts';

/**
 * What a server-rendered app needs around its pages: a session in an HttpOnly cookie holding the
 * API's own JWT, CSRF protection for form posts, form and multipart bodies, compressed answers.
 * Registered inside an app's own encapsulated plugin (the sellers' app at /app; the post-office
 * counter app can register it again under its own path and roles), so none of it touches the API.
 */
export type WebSessionOptions = {
  /** The app's URL prefix; also the cookie's Path, so two apps keep separate sessions. */
  base: string;
  cookieName: string;
  /** Roles allowed in; anyone else signed in sees `forbidden` rendered by the app. */
  roles: readonly Role[];
  /** Origins a form may post to besides our own (CSP form-action), e.g. Postmart's authorize page. */
  formTargets?: readonly string[];
};

export type WebSession = { principal: Principal; token: string; csrf: string };

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user of a web app page; null on public pages or before sign-in. */
    web: WebSession | null;
  }
  interface FastifyContextConfig {
    /** A web page reachable without a session (sign-in, static files, OAuth return). */
    webPublic?: boolean;
  }
  interface FastifyReply {
    startWebSession: (token: string, maxAgeSeconds: number) => void;
    endWebSession: () => void;
  }
}

export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** The CSRF token is bound to the session: an HMAC of its JWT, so it needs no storage and dies with the session. */
export function csrfTokenFor(secret: string, sessionToken: string): string {
  return createHmac('sha256', secret).update(`csrf:${sessionToken}`).digest('base64url');
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A posted form from another site: refused before any handler runs. */
export class CsrfRejected extends Error {}
/** No session, or an expired one: the app sends the person to its sign-in page. */
export class SignInRequired extends Error {}
/** Signed in, but this app is not for their role. */
export class WrongRole extends Error {}

export default fp<WebSessionOptions>(
  async (app, opts) => {
    const secure = app.config.publicUrl.startsWith('https:');
    const ownOrigin = new URL(app.config.publicUrl).origin;
    await app.register(cookie);
    await app.register(formbody, { bodyLimit: 256 * 1024 });
    // CSV files and photos, buffered into the body (with their names and types) so the CSRF field is
    // checked like any form's; the API the app calls applies its own limits after.
    await app.register(multipart, { attachFieldsToBody: true, limits: { fileSize: 15 * 1024 * 1024, files: 10, fields: 20 } });
    await app.register(compress, { global: true, threshold: 512, encodings: ['br', 'gzip'] });

    app.decorateRequest('web', null);
    app.decorateReply('startWebSession', function (this: FastifyReply, token: string, maxAgeSeconds: number) {
      this.setCookie(opts.cookieName, token, { path: opts.base, httpOnly: true, sameSite: 'lax', secure, maxAge: maxAgeSeconds });
    });
    app.decorateReply('endWebSession', function (this: FastifyReply) {
      this.clearCookie(opts.cookieName, { path: opts.base, httpOnly: true, sameSite: 'lax', secure });
    });

    app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const unsafe = req.method !== 'GET' && req.method !== 'HEAD';
      // A browser always names the page a form came from; another origin is a cross-site post.
      const origin = req.headers.origin;
      if (unsafe && origin !== undefined && origin !== ownOrigin && origin !== `${req.protocol}://${req.host}`) throw new CsrfRejected();
      const token = req.cookies[opts.cookieName];
      if (token) {
        try {
          const principal = await app.verifyToken(token);
          req.web = { principal, token, csrf: csrfTokenFor(app.config.jwtSecret, token) };
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          reply.endWebSession();
        }
      }
      if (req.routeOptions.config.webPublic) return;
      if (!req.web) throw new SignInRequired();
      if (!opts.roles.includes(req.web.principal.role)) throw new WrongRole();
    });

    // The token travels in the form body (_csrf) or, for htmx requests, a header; checked once bodies are parsed.
    app.addHook('preHandler', async (req) => {
      if (req.method === 'GET' || req.method === 'HEAD' || !req.web) return;
      const field = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      // A urlencoded form gives a string; a multipart one a part whose value is the string.
      const posted = typeof field === 'string' ? field : (field as { value?: unknown } | undefined)?.value;
      const given = req.headers[CSRF_HEADER] ?? posted;
      if (typeof given !== 'string' || !sameToken(given, req.web.csrf)) throw new CsrfRejected();
    });

    const formAction = ["'self'", ...(opts.formTargets ?? [])].join(' ');
    app.addHook('onSend', async (_req, reply) => {
      // Everything the pages load is ours; no inline script or style; htmx runs without eval.
      reply.header(
        'content-security-policy',
        `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; connect-src 'self'; manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action ${formAction}`,
      );
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'same-origin');
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    });
  },
  { name: 'web-session', dependencies: ['auth'], encapsulate: false },
);
