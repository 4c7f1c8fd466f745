import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../../db/schema/users.ts';
import { AppError } from '../../errors.ts';
import { html, type Html } from '../../web/html.ts';
import { page, type PageOptions, type Shell } from '../../web/layout.ts';
import { registerAssets, type AssetFile, type Assets } from './assets.ts';
import webSession, { CsrfRejected, SignInRequired, WrongRole } from './session.ts';

/**
 * What each server-rendered web app (the sellers' app at /app, the post-office counter at /counter)
 * sets up alike inside its own encapsulated plugin: the session and CSRF plugin for its roles, its
 * hashed static files, the web manifest, the service worker with its offline page, and one error
 * handler that turns "not signed in", "wrong role" and API errors into pages. Each app passes its
 * path, names, navigation, roles and messages; the routes then share one way to answer a page.
 */
export type Flash = { kind: 'ok' | 'error'; text: string };

export type AppContext = {
  shell: Shell;
  assets: Assets;
  render: (req: FastifyRequest, reply: FastifyReply, opts: Omit<PageOptions, 'csrf' | 'who'> & { status?: number }) => FastifyReply;
  /** An htmx request swaps a fragment; a plain one gets the whole page. */
  fragment: (reply: FastifyReply, body: Html) => FastifyReply;
};

export type WebAppOptions = {
  base: string;
  name: string;
  shortName: string;
  cookieName: string;
  roles: readonly Role[];
  nav: Shell['nav'];
  /** Messages after a redirect, chosen by a key in the URL (`?msg=saved`), never by its text. */
  flash: Record<string, Flash>;
  /** The app's own static files besides the shared stylesheet, script, htmx and icons. */
  extraAssets?: readonly AssetFile[];
  formTargets?: readonly string[];
  /** A short description for the page's meta tag. */
  description: string;
};

const staticFile = (file: string) => new URL(`../../web/static/${file}`, import.meta.url);
// htmx's minified build, served by us from node_modules: no CDN (the apps must work without the internet).
const htmxJs = join(dirname(createRequire(import.meta.url).resolve('htmx.org')), 'htmx.min.js');

export async function setupWebApp(app: FastifyInstance, o: WebAppOptions): Promise<AppContext> {
  // Pages, not API: kept out of the OpenAPI document.
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  await app.register(webSession, { base: o.base, cookieName: o.cookieName, roles: o.roles, formTargets: o.formTargets });

  const assets = await registerAssets(app, o.base, [
    { name: 'app.css', path: staticFile('app.css') },
    { name: 'app.js', path: staticFile('app.js') },
    { name: 'htmx.min.js', path: htmxJs },
    { name: 'icon-192.png', path: staticFile('icon-192.png') },
    { name: 'icon-512.png', path: staticFile('icon-512.png') },
    ...(o.extraAssets ?? []),
  ]);
  const shell: Shell = {
    appName: o.name,
    base: o.base,
    description: o.description,
    assets: { css: assets.url('app.css'), js: assets.url('app.js'), htmx: assets.url('htmx.min.js'), icon: assets.url('icon-192.png'), manifest: `${o.base}/manifest.webmanifest` },
    nav: o.nav,
  };
  const flashOf = (key: unknown) => (typeof key === 'string' ? (o.flash[key] ?? null) : null);
  const ctx: AppContext = {
    shell,
    assets,
    render: (req, reply, opts) => {
      const flash = opts.flash ?? flashOf((req.query as Record<string, unknown> | undefined)?.msg);
      const body = page(shell, { ...opts, flash, csrf: req.web?.csrf ?? null, who: req.web?.principal.name ?? null });
      return reply.status(opts.status ?? 200).type('text/html; charset=utf-8').send(body.value);
    },
    fragment: (reply, body) => reply.type('text/html; charset=utf-8').send(body.value),
  };

  const manifest = JSON.stringify({
    name: o.name,
    short_name: o.shortName,
    lang: 'vi',
    start_url: `${o.base}/`,
    scope: `${o.base}/`,
    display: 'standalone',
    background_color: '#f6f7f2',
    theme_color: '#0b5d33',
    icons: [
      { src: assets.url('icon-192.png'), sizes: '192x192', type: 'image/png', purpose: 'any maskable' },
      { src: assets.url('icon-512.png'), sizes: '512x512', type: 'image/png', purpose: 'any maskable' },
    ],
  });
  app.get(`${o.base}/manifest.webmanifest`, { config: { webPublic: true } }, async (_req, reply) =>
    reply.type('application/manifest+json; charset=utf-8').header('cache-control', 'public, max-age=3600').send(manifest),
  );

  // The service worker keeps the shell (styles, scripts, icons, the offline page) for a weak signal;
  // pages themselves are never cached (they hold orders), they fall back to the offline page.
  const precache = [...assets.all(), `${o.base}/offline`];
  const version = assets.all().map((u) => u.split('.').at(-2)).join('').slice(0, 16);
  const prefix = `${o.cookieName.replace(/_/g, '-')}-`;
  const sw = `'use strict';
const CACHE = '${prefix}${version}';
const SHELL = ${JSON.stringify(precache)};
self.addEventListener('install', (e) => e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting())));
self.addEventListener('activate', (e) => e.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith('${prefix}') && k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim())));
self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('${o.base}/static/')) {
    e.respondWith(caches.match(req).then((hit) => hit || fetch(req)));
  } else if (req.mode === 'navigate') {
    e.respondWith(fetch(req).catch(() => caches.match('${o.base}/offline')));
  }
});
`;
  app.get(`${o.base}/sw.js`, { config: { webPublic: true } }, async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(sw));
  app.get(`${o.base}/offline`, { config: { webPublic: true } }, async (req, reply) =>
    ctx.render(req, reply, {
      title: 'Mất kết nối',
      body: html`<h1>Chưa có mạng</h1><p>Thiết bị đang mất kết nối. Khi có sóng trở lại, hãy tải lại trang.</p><p><a class="btn primary" href="${o.base}/">Tải lại</a></p>`,
    }),
  );

  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (err instanceof SignInRequired) {
      const target = `${o.base}/login?next=${encodeURIComponent(req.method === 'GET' ? req.url : `${o.base}/`)}`;
      // htmx follows HX-Redirect with a full navigation instead of swapping the sign-in page into a row.
      if (req.headers['hx-request'] === 'true') return reply.status(401).header('hx-redirect', target).send('');
      return reply.redirect(target, 303);
    }
    if (err instanceof WrongRole) return reply.redirect(`${o.base}/wrong-role`, 303);
    if (err instanceof CsrfRejected) {
      return ctx.render(req, reply, { title: 'Yêu cầu bị từ chối', status: 403, body: html`<h1>Yêu cầu bị từ chối</h1><p>Biểu mẫu đã cũ hoặc không gửi từ ứng dụng này. Hãy tải lại trang rồi thử lại.</p><p><a class="btn" href="${o.base}/">Về trang chủ</a></p>` });
    }
    const known = err instanceof AppError ? err : null;
    const status = known?.status ?? ((err as FastifyError).statusCode && (err as FastifyError).statusCode! < 500 ? (err as FastifyError).statusCode! : 500);
    if (status >= 500) req.log.error({ err }, 'app page failed');
    const text = known ? known.messageIn('vi') : status >= 500 ? `Lỗi hệ thống; mã yêu cầu ${req.id}` : 'Yêu cầu không hợp lệ.';
    return ctx.render(req, reply, { title: 'Có lỗi', status, body: html`<h1>Có lỗi</h1><p class="flash error" role="alert">${text}</p><p><a class="btn" href="${o.base}/">Về trang chủ</a></p>` });
  });

  return ctx;
}

/** Only a path inside the app: never an address elsewhere (an open redirect). */
export const safeNext = (base: string, next: unknown) =>
  typeof next === 'string' && next.startsWith(`${base}/`) && !next.startsWith('//') && !next.includes('\\') ? next : `${base}/`;

/** Where each role works, for a person who signed in to the wrong app. */
export const HOME_OF_ROLE: Record<Role, { href: string; label: string; app: string }> = {
  admin: { href: '/dashboard/', label: 'Mở trang theo dõi', app: 'trang theo dõi' },
  provincial_staff: { href: '/dashboard/', label: 'Mở trang theo dõi', app: 'trang theo dõi của tỉnh' },
  seller_manager: { href: '/app/', label: 'Mở ứng dụng bán hàng', app: 'ứng dụng bán hàng' },
  post_office_clerk: { href: '/counter/', label: 'Mở ứng dụng quầy bưu điện', app: 'ứng dụng quầy bưu điện' },
};
