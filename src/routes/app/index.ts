import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../../errors.ts';
import { registerAssets } from '../../plugins/web/assets.ts';
import webSession, { CsrfRejected, SignInRequired, WrongRole } from '../../plugins/web/session.ts';
import { html } from '../../web/html.ts';
import { BASE, sellerShell, APP_NAME } from '../../web/seller/shell.ts';
import authPages from './auth.ts';
import { appContext } from './context.ts';
import homePages from './home.ts';
import orderPages from './orders.ts';
import productPages from './products.ts';

const here = (file: string) => new URL(`../../web/static/${file}`, import.meta.url);
// htmx's minified build, served by us from node_modules: no CDN (the app must work without the internet).
const htmxJs = join(dirname(createRequire(import.meta.url).resolve('htmx.org')), 'htmx.min.js');

/**
 * The sellers' app at /app: server-rendered pages (typed templates in src/web/) over the API,
 * which the pages call in-process with the session's token. Encapsulated: its cookie, CSRF, form
 * parsing, compression and error pages stay inside /app and never touch the JSON API.
 */
export default async function sellerApp(app: FastifyInstance): Promise<void> {
  // Pages, not API: kept out of the OpenAPI document.
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  const postmartOrigin = new URL(app.config.postmartBaseUrl).origin;
  await app.register(webSession, { base: BASE, cookieName: 'dtpc_app', roles: ['seller_manager'], formTargets: [postmartOrigin] });

  const assets = await registerAssets(app, BASE, [
    { name: 'app.css', path: here('app.css') },
    { name: 'app.js', path: here('app.js') },
    { name: 'htmx.min.js', path: htmxJs },
    { name: 'icon-192.png', path: here('icon-192.png') },
    { name: 'icon-512.png', path: here('icon-512.png') },
  ]);
  const ctx = appContext(sellerShell({ css: assets.url('app.css'), js: assets.url('app.js'), htmx: assets.url('htmx.min.js'), icon: assets.url('icon-192.png'), manifest: `${BASE}/manifest.webmanifest` }));

  const manifest = JSON.stringify({
    name: APP_NAME,
    short_name: 'Nông sản ĐT',
    lang: 'vi',
    start_url: `${BASE}/`,
    scope: `${BASE}/`,
    display: 'standalone',
    background_color: '#f6f7f2',
    theme_color: '#0b5d33',
    icons: [
      { src: assets.url('icon-192.png'), sizes: '192x192', type: 'image/png', purpose: 'any maskable' },
      { src: assets.url('icon-512.png'), sizes: '512x512', type: 'image/png', purpose: 'any maskable' },
    ],
  });
  app.get(`${BASE}/manifest.webmanifest`, { config: { webPublic: true } }, async (_req, reply) =>
    reply.type('application/manifest+json; charset=utf-8').header('cache-control', 'public, max-age=3600').send(manifest),
  );

  // The service worker keeps the shell (styles, scripts, icons, the offline page) for a weak signal;
  // pages themselves are never cached (they hold a seller's orders), they fall back to the offline page.
  const shell = [...assets.all(), `${BASE}/offline`];
  const version = assets.all().map((u) => u.split('.').at(-2)).join('').slice(0, 16);
  const sw = `'use strict';
const CACHE = 'dtpc-app-${version}';
const SHELL = ${JSON.stringify(shell)};
self.addEventListener('install', (e) => e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting())));
self.addEventListener('activate', (e) => e.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith('dtpc-app-') && k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim())));
self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('${BASE}/static/')) {
    e.respondWith(caches.match(req).then((hit) => hit || fetch(req)));
  } else if (req.mode === 'navigate') {
    e.respondWith(fetch(req).catch(() => caches.match('${BASE}/offline')));
  }
});
`;
  app.get(`${BASE}/sw.js`, { config: { webPublic: true } }, async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(sw));
  app.get(`${BASE}/offline`, { config: { webPublic: true } }, async (req, reply) =>
    ctx.render(req, reply, {
      title: 'Mất kết nối',
      body: html`<h1>Chưa có mạng</h1><p>Điện thoại đang mất kết nối. Khi có sóng trở lại, hãy tải lại trang.</p><p><a class="btn primary" href="${BASE}/">Tải lại</a></p>`,
    }),
  );

  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (err instanceof SignInRequired) {
      const target = `${BASE}/login?next=${encodeURIComponent(req.method === 'GET' ? req.url : `${BASE}/`)}`;
      // htmx follows HX-Redirect with a full navigation instead of swapping the sign-in page into a row.
      if (req.headers['hx-request'] === 'true') return reply.status(401).header('hx-redirect', target).send('');
      return reply.redirect(target, 303);
    }
    if (err instanceof WrongRole) return reply.redirect(`${BASE}/wrong-role`, 303);
    if (err instanceof CsrfRejected) {
      return ctx.render(req, reply, { title: 'Yêu cầu bị từ chối', status: 403, body: html`<h1>Yêu cầu bị từ chối</h1><p>Biểu mẫu đã cũ hoặc không gửi từ ứng dụng này. Hãy tải lại trang rồi thử lại.</p><p><a class="btn" href="${BASE}/">Về trang chủ</a></p>` });
    }
    const known = err instanceof AppError ? err : null;
    const status = known?.status ?? ((err as FastifyError).statusCode && (err as FastifyError).statusCode! < 500 ? (err as FastifyError).statusCode! : 500);
    if (status >= 500) req.log.error({ err }, 'app page failed');
    const text = known ? known.messageIn('vi') : status >= 500 ? `Lỗi hệ thống; mã yêu cầu ${req.id}` : 'Yêu cầu không hợp lệ.';
    return ctx.render(req, reply, { title: 'Có lỗi', status, body: html`<h1>Có lỗi</h1><p class="flash error" role="alert">${text}</p><p><a class="btn" href="${BASE}/">Về trang chủ</a></p>` });
  });

  await app.register(authPages, { ctx });
  await app.register(homePages, { ctx });
  await app.register(productPages, { ctx });
  await app.register(orderPages, { ctx });
}
