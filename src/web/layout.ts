import { html, raw, type Child, type Html } from './html.ts';

/**
 * The page shell shared by the web apps: one column sized for a 390 px phone, a top bar with the
 * app's name, navigation tabs with big targets, the CSRF token for htmx requests, and the
 * service worker. The tabs sit under the top bar, never over the content (a bar pinned to the
 * bottom of the screen covers the last row's inputs). Each app passes its own name, navigation and asset URLs.
 */
export type Shell = {
  appName: string;
  /** One line for the page's description meta tag. */
  description?: string;
  /** The app's URL prefix (/app), for the manifest and the sign-out form. */
  base: string;
  assets: { css: string; js: string; htmx: string; icon: string; manifest: string };
  nav: readonly { href: string; label: string; key: string }[];
};

export type PageOptions = {
  title: string;
  /** Which navigation entry is current. */
  active?: string;
  csrf?: string | null;
  /** The signed-in person's name, shown with the sign-out button. */
  who?: string | null;
  flash?: { kind: 'ok' | 'error'; text: string } | null;
  /** No tabs: a page for someone the app is not for (its tabs would lead nowhere). */
  hideNav?: boolean;
  body: Child;
};

/** JSON for an HTML attribute: escaped by html`` when interpolated as a string. */
const htmxHeaders = (csrf: string) => JSON.stringify({ 'x-csrf-token': csrf });

export function page(shell: Shell, opts: PageOptions): Html {
  const signedIn = Boolean(opts.csrf);
  return html`<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="theme-color" content="#0b5d33">
<meta name="description" content="${shell.appName}: ${shell.description ?? 'bán nông sản Đồng Tháp trên Postmart'}">
<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"historyCacheSize":0,"refreshOnHistoryMiss":true}'>
<title>${opts.title} · ${shell.appName}</title>
<link rel="manifest" href="${shell.assets.manifest}">
<link rel="icon" href="${shell.assets.icon}" type="image/png">
<link rel="apple-touch-icon" href="${shell.assets.icon}">
<link rel="stylesheet" href="${shell.assets.css}">
<script src="${shell.assets.htmx}" defer></script>
<script src="${shell.assets.js}" defer></script>
</head>
<body${signedIn ? html` hx-headers="${htmxHeaders(opts.csrf!)}"` : ''} data-base="${shell.base}">
<a class="skip" href="#main">Bỏ qua, tới nội dung chính</a>
<header class="top">
  <span class="brand">${shell.appName}</span>
  ${signedIn
    ? html`<form method="post" action="${shell.base}/logout" class="logout">
        <input type="hidden" name="_csrf" value="${opts.csrf}">
        <button type="submit" class="link">Đăng xuất</button>
      </form>`
    : ''}
</header>
${signedIn && !opts.hideNav
    ? html`<nav class="tabs" aria-label="Điều hướng chính">
  ${shell.nav.map((n) => html`<a href="${n.href}"${n.key === opts.active ? raw(' aria-current="page"') : ''}>${n.label}</a>`)}
</nav>`
    : ''}
<main id="main" tabindex="-1">
${opts.flash ? html`<p class="flash ${opts.flash.kind}" role="${opts.flash.kind === 'error' ? 'alert' : 'status'}">${opts.flash.text}</p>` : ''}
${opts.body}
</main>
</body>
</html>`;
}
