import { badge, card, csrfField, hidden } from '../components.ts';
import { vnDateTime } from '../format.ts';
import { html, type Html } from '../html.ts';
import type { Connection } from '../seller/types.ts';
import { BASE } from './shell.ts';

/**
 * Pages of the counter that may send the clerk to Postmart's approval page and get them back after
 * (the callback reads this from a cookie): the farmer's step 3, one of their products, their
 * authorization's page. Nothing else, so the return can never lead outside the counter (no open redirect).
 */
const RETURNS = /^\/counter\/(?:farmers\/[0-9a-f-]{36}\/products\/(?:new\?ward=\d{0,5}|[0-9a-f-]{36})|authorizations\/[0-9a-f-]{36})$/;
export const safeReturn = (back: unknown): string | null => (typeof back === 'string' && RETURNS.test(back) ? back : null);

/** The page the clerk came from, with the flash message of the connection (and the shop card in view). */
export const withMessage = (back: string, msg: string) => `${back}${back.includes('?') ? '&' : '?'}msg=${msg}#shop`;

export const shopConnectUrl = (sellerId: string) => `${BASE}/farmers/${sellerId}/connect`;

/**
 * The farmer's Postmart shop: connected (with its id), or not yet, and then their products stay off
 * Postmart, with the one button that connects it. `canConnect`: a live authorization «Sản phẩm»
 * (scope catalog, the one access.ts lets connect) for this farmer at the office.
 */
export function shopCard(c: Connection | null, o: { sellerId: string; back: string; csrf: string; canConnect: boolean }): Html {
  if (c?.status === 'connected') {
    return card(
      'Gian hàng Postmart',
      html`<p>${badge('Đã kết nối', 'ok')} Sản phẩm có ảnh được đăng lên sàn.</p>
<dl class="facts"><dt>Mã gian hàng</dt><dd class="shop-id">${c.shopId ?? ''}</dd>${c.connectedAt ? html`<dt>Kết nối lúc</dt><dd>${vnDateTime(c.connectedAt)}</dd>` : ''}</dl>`,
      { id: 'shop' },
    );
  }
  const needsAuthorization = html`<p class="meta">Cần giấy ủy quyền «Sản phẩm» còn hiệu lực tại bưu cục để kết nối thay nông dân.</p>`;
  // Without a live authorization the API does not show this farmer's shop to the clerk at all.
  if (c === null && !o.canConnect) return card('Gian hàng Postmart', needsAuthorization, { id: 'shop' });
  const state =
    c === null
      ? html`<p class="flash error" role="alert">Chưa đọc được trạng thái gian hàng Postmart. Hãy tải lại trang.</p>`
      : c.status === 'disconnected'
        ? html`<p>${badge('Mất kết nối', 'bad')} Gian hàng Postmart đã mất kết nối${c.disconnectReason ? html`: ${c.disconnectReason}` : ''} — sản phẩm chưa lên sàn.</p>`
        : html`<p><strong>Chưa kết nối gian hàng Postmart</strong> — sản phẩm chưa lên sàn.</p>`;
  const action = o.canConnect
    ? html`<form method="post" action="${shopConnectUrl(o.sellerId)}" class="stack" data-once>
  ${csrfField(o.csrf)}${hidden('back', o.back)}
  <button type="submit" class="btn primary block">Kết nối gian hàng Postmart</button>
  <small class="hint">Nông dân xác nhận trên trang của Postmart, ngay trên máy này, rồi quay lại đây.</small>
</form>`
    : needsAuthorization;
  return card('Gian hàng Postmart', html`${state}${c === null ? '' : action}`, { id: 'shop' });
}

/** Postmart sent the clerk back without a connection (a stale link, the shop taken by another seller). */
export function connectFailed(message: string, back: string | null): Html {
  return html`<h1>Chưa kết nối được gian hàng</h1>
<p class="flash error" role="alert">${message}</p>
<p><a class="btn primary block big" href="${back ?? `${BASE}/farmers`}">${back ? '‹ Quay lại và thử lại' : '‹ Nông dân'}</a></p>`;
}
