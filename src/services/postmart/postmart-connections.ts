import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { postmartShops } from '../../../db/schema/postmart.ts';
import type { Db } from '../../db.ts';
import { AppError, invalid } from '../../errors.ts';
import { toVnIso } from '../../lib/time.ts';
import type { PostmartClient } from '../../postmart/client/client.ts';
import { PostmartError } from '../../postmart/client/errors.ts';
import type { TokenStore } from '../../postmart/client/token-store.ts';
import { authorize, type Principal } from '../accounts/access.ts';
import { recordAudit, type Actor } from '../accounts/audit.ts';
import { getSeller } from '../accounts/sellers.ts';

export type ConnectionView = {
  sellerId: string;
  status: 'not_connected' | 'pending' | 'connected' | 'disconnected';
  shopId: string | null;
  connectedAt: string | null;
  disconnectedAt: string | null;
  disconnectReason: string | null;
  accessTokenExpiresAt: string | null;
};

const iso = (d: Date | null) => (d ? toVnIso(d) : null);

export async function connectionStatus(db: Db, p: Principal, sellerId: string): Promise<ConnectionView> {
  await getSeller(db, p, sellerId);
  const [row] = await db.select().from(postmartShops).where(eq(postmartShops.sellerId, sellerId));
  return {
    sellerId,
    status: row?.status ?? 'not_connected',
    shopId: row?.shopId ?? null,
    connectedAt: iso(row?.connectedAt ?? null),
    disconnectedAt: iso(row?.disconnectedAt ?? null),
    disconnectReason: row?.disconnectReason ?? null,
    accessTokenExpiresAt: iso(row?.accessExpiresAt ?? null),
  };
}

/** Starts the OAuth connection (postmart-api.md#authentication-and-signing): remembers a one-time state, returns where to send the seller. */
export async function startConnect(db: Db, p: Principal, actor: Actor, sellerId: string, client: PostmartClient, callbackUrl: string): Promise<{ authorizeUrl: string }> {
  await getSeller(db, p, sellerId);
  // Its own resource, not `seller` `update`: a clerk acting for the farmer under `catalog` may connect the
  // shop (access.ts MANDATE_SCOPES) without being allowed to change the seller's profile.
  authorize(p, 'postmart_shop', 'update', { sellerId });
  const state = randomBytes(24).toString('base64url');
  await db
    .insert(postmartShops)
    .values({ sellerId, oauthState: state, status: 'pending' })
    .onConflictDoUpdate({ target: postmartShops.sellerId, set: { oauthState: state, updatedAt: new Date() } });
  await recordAudit(db, actor, 'postmart.connect_started', { type: 'seller', id: sellerId }, {});
  return { authorizeUrl: client.authorizeUrl(callbackUrl, state) };
}

/** The OAuth callback: the state proves which seller asked; the code is exchanged for tokens once. */
export async function completeConnect(
  db: Db,
  deps: { client: PostmartClient; tokens: TokenStore },
  q: { code: string; shop_id: string; state: string },
): Promise<{ sellerId: string; shopId: string }> {
  const [row] = await db.select().from(postmartShops).where(eq(postmartShops.oauthState, q.state));
  if (!row) throw invalid('state', { vi: 'liên kết đã hết hạn hoặc đã được dùng; hãy kết nối lại', en: 'unknown or already used; start the connection again' });
  const [other] = await db.select({ sellerId: postmartShops.sellerId }).from(postmartShops).where(eq(postmartShops.shopId, q.shop_id));
  if (other && other.sellerId !== row.sellerId) {
    throw new AppError('CONFLICT', { detail: { vi: 'gian hàng này đã gắn với người bán khác', en: 'this shop is already linked to another seller' } }, 'shop_id');
  }
  let pair: Awaited<ReturnType<PostmartClient['exchangeCode']>>;
  try {
    pair = await deps.client.exchangeCode(q.code, q.shop_id);
  } catch (err) {
    // Postmart refusing the code (INVALID_PARAM: wrong, expired or already used; postmart-api.md#errors)
    // is the seller's link being stale, not our failure: 400 naming the code, so they start again.
    // Retryable failures (Postmart down) stay 5xx/503 through the error handler.
    if (err instanceof PostmartError && !err.opts.retryable && err.opts.status !== null && err.opts.status >= 400 && err.opts.status < 500) {
      throw invalid('code', { vi: 'Postmart từ chối mã ủy quyền (sai, hết hạn hoặc đã dùng); hãy kết nối lại', en: 'Postmart refused the authorization code (wrong, expired or already used); start the connection again' });
    }
    throw err;
  }
  await deps.tokens.save(row.sellerId, q.shop_id, pair);
  await recordAudit(db, { userId: null }, 'postmart.connected', { type: 'seller', id: row.sellerId }, { shopId: { from: row.shopId, to: q.shop_id } });
  return { sellerId: row.sellerId, shopId: q.shop_id };
}
