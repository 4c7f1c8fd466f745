import { and, eq, sql } from 'drizzle-orm';
import { postmartShops } from '../../../db/schema/postmart.ts';
import type { Db } from '../../db.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { recordSellerListingChange } from '../../services/outbox/listing-outbox.ts';
import { PostmartError } from './errors.ts';

export type TokenPairIn = { access_token: string; refresh_token: string; expires_in: number; refresh_expires_in?: number | undefined };
export type Refresher = (shopId: string, refreshToken: string) => Promise<TokenPairIn>;

// Refresh this long before expiry so a token never expires mid-flight.
const EXPIRY_SKEW_MS = 60_000;
const DEFAULT_REFRESH_TTL_S = 30 * 24 * 3600; // postmart-api.md: refresh tokens live 30 d
/**
 * How long a process trusts the token it last read. Every Postmart call needs one, and reading and
 * decrypting the row each time was a tenth of an order import's database work. A token another
 * process refreshed meanwhile still works (refresh does not revoke the old access token), and one
 * Postmart refuses is re-read through refresh() below; a disconnection elsewhere is seen within this.
 */
const CACHE_MS = 5_000;

const notConnected = (shopId: string, why: string) =>
  new PostmartError('SHOP_NOT_CONNECTED', `shop ${shopId} is not connected: ${why}`, { status: null, retryable: false });

/**
 * Per-shop OAuth tokens in PostgreSQL, encrypted at rest. Refresh tokens rotate and work once
 * (postmart-api.md#authentication-and-signing), so refresh is single-flight per shop across
 * processes: an advisory lock serializes refreshers, and whoever gets the lock second finds the
 * fresh token already stored instead of burning the rotated refresh token again.
 */
export class TokenStore {
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly cache = new Map<string, { token: string; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    private readonly refresher: Refresher,
  ) {}

  async save(sellerId: string, shopId: string, pair: TokenPairIn, now = Date.now()): Promise<void> {
    const values = {
      shopId,
      status: 'connected' as const,
      oauthState: null,
      accessTokenEnc: this.box.seal(pair.access_token),
      accessExpiresAt: new Date(now + pair.expires_in * 1000),
      refreshTokenEnc: this.box.seal(pair.refresh_token),
      refreshExpiresAt: new Date(now + (pair.refresh_expires_in ?? DEFAULT_REFRESH_TTL_S) * 1000),
      connectedAt: new Date(now),
      disconnectedAt: null,
      disconnectReason: null,
      updatedAt: new Date(now),
    };
    this.cache.delete(shopId);
    await this.db.transaction(async (tx) => {
      await tx.insert(postmartShops).values({ sellerId, ...values }).onConflictDoUpdate({ target: postmartShops.sellerId, set: values });
      // A (re)connected shop: every product of the seller is examined and listed where sellable.
      await recordSellerListingChange(tx, sellerId, 'shop-connected');
    });
  }

  /** The shop must re-authorize; its listings are re-examined (they show the shop is disconnected). */
  async markDisconnected(shopId: string, reason: string): Promise<void> {
    this.cache.delete(shopId);
    await this.db.transaction(async (tx) => {
      const rows = await tx
        .update(postmartShops)
        .set({ status: 'disconnected', disconnectedAt: new Date(), disconnectReason: reason, accessTokenEnc: null, refreshTokenEnc: null, updatedAt: new Date() })
        .where(and(eq(postmartShops.shopId, shopId), eq(postmartShops.status, 'connected')))
        .returning({ sellerId: postmartShops.sellerId });
      for (const r of rows) await recordSellerListingChange(tx, r.sellerId, 'shop-disconnected');
    });
  }

  /** A valid access token for the shop, refreshing it first when it is about to expire. */
  async accessToken(shopId: string): Promise<string> {
    const hit = this.cache.get(shopId);
    if (hit && hit.until > Date.now()) return hit.token;
    const [row] = await this.db.select().from(postmartShops).where(eq(postmartShops.shopId, shopId));
    if (!row || row.status !== 'connected' || !row.accessTokenEnc) throw notConnected(shopId, row?.disconnectReason ?? 'never connected');
    if (row.accessExpiresAt && row.accessExpiresAt.getTime() > Date.now() + EXPIRY_SKEW_MS) return this.remember(shopId, this.box.open(row.accessTokenEnc), row.accessExpiresAt.getTime());
    return this.refresh(shopId, this.box.open(row.accessTokenEnc));
  }

  private remember(shopId: string, token: string, expiresAt: number): string {
    this.cache.set(shopId, { token, until: Math.min(Date.now() + CACHE_MS, expiresAt - EXPIRY_SKEW_MS) });
    return token;
  }

  /**
   * Refreshes unless someone already replaced `staleToken` (the token a call was refused with).
   * One refresh per shop at a time in this process (shared promise) and across processes (lock).
   */
  refresh(shopId: string, staleToken: string): Promise<string> {
    const existing = this.inflight.get(shopId);
    if (existing) return existing;
    this.cache.delete(shopId);
    const p = this.refreshLocked(shopId, staleToken).finally(() => this.inflight.delete(shopId));
    this.inflight.set(shopId, p);
    return p;
  }

  private async refreshLocked(shopId: string, staleToken: string): Promise<string> {
    let revoked: PostmartError | null = null;
    const token = await this.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`postmart-refresh:${shopId}`}))`);
      const [row] = await tx.select().from(postmartShops).where(eq(postmartShops.shopId, shopId)).for('update');
      if (!row || row.status !== 'connected' || !row.accessTokenEnc || !row.refreshTokenEnc) {
        throw notConnected(shopId, row?.disconnectReason ?? 'never connected');
      }
      const current = this.box.open(row.accessTokenEnc);
      const fresh = row.accessExpiresAt && row.accessExpiresAt.getTime() > Date.now() + EXPIRY_SKEW_MS;
      if (current !== staleToken && fresh) return this.remember(shopId, current, row.accessExpiresAt!.getTime());
      let pair: TokenPairIn;
      try {
        pair = await this.refresher(shopId, this.box.open(row.refreshTokenEnc));
      } catch (err) {
        if (err instanceof PostmartError && (err.code === 'REFRESH_TOKEN_REUSED' || err.code === 'SHOP_NOT_AUTHORIZED' || err.status === 401)) {
          revoked = err;
          return null;
        }
        throw err;
      }
      const now = Date.now();
      await tx
        .update(postmartShops)
        .set({
          accessTokenEnc: this.box.seal(pair.access_token),
          accessExpiresAt: new Date(now + pair.expires_in * 1000),
          refreshTokenEnc: this.box.seal(pair.refresh_token),
          refreshExpiresAt: new Date(now + (pair.refresh_expires_in ?? DEFAULT_REFRESH_TTL_S) * 1000),
          updatedAt: new Date(now),
        })
        .where(eq(postmartShops.shopId, shopId));
      return this.remember(shopId, pair.access_token, now + pair.expires_in * 1000);
    });
    if (token === null) {
      // The shop must re-authorize; its jobs stop on SHOP_NOT_CONNECTED until it does.
      await this.markDisconnected(shopId, `refresh refused: ${(revoked as PostmartError | null)?.code ?? 'unknown'}`);
      throw notConnected(shopId, 'the refresh token was refused; the seller must reconnect the shop');
    }
    return token;
  }
}
