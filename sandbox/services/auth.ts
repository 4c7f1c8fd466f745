import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { authCodes, partners, shops, tokens } from '../db/schema.ts';
import { nowSeconds, type SandboxDeps } from '../context.ts';
import type { SandboxTx } from '../db.ts';
import { invalidParam, PmError } from '../errors.ts';
import { newSecret } from '../ids.ts';
import { sha256Hex } from '../signing.ts';
import { enqueueEvent } from '../webhooks/events.ts';
import { createShop } from './control.ts';

type Deps = Pick<SandboxDeps, 'db' | 'config' | 'settings' | 'random' | 'wakeWebhooks'>;

export type TokenPair = { access_token: string; refresh_token: string; expires_in: number; refresh_expires_in: number; shop_id: string };

/**
 * GET /auth/authorize?partner_id&redirect&state: the sandbox approves at once and answers with
 * the redirect URL carrying a single-use `code` (10 min), `shop_id` and `state`
 * (postmart-api.md#the-sandbox). The shop is `shop_id` when given (sandbox extension); else the
 * partner's newest shop that no one has connected yet (no live refresh token), and when every shop
 * is connected, a new shop: on real Postmart a seller signs in to their own shop, so a new seller
 * pressing "connect" must never land on a shop another seller already linked.
 */
export async function authorize(deps: Deps, q: { partner_id: string; redirect: string; state?: string | undefined; shop_id?: string | undefined }): Promise<string> {
  const [partner] = await deps.db.select({ id: partners.id }).from(partners).where(eq(partners.id, q.partner_id));
  if (!partner) throw invalidParam('partner_id', `unknown partner ${q.partner_id}`);
  let shop: { id: string } | undefined;
  if (q.shop_id) {
    [shop] = await deps.db.select({ id: shops.id }).from(shops).where(and(eq(shops.partnerId, partner.id), eq(shops.id, q.shop_id)));
    if (!shop) throw new PmError('SHOP_NOT_AUTHORIZED', `shop ${q.shop_id} does not belong to partner ${partner.id}`);
  } else {
    shop = await unconnectedShop(deps, partner.id);
  }
  const code = newSecret('pmc');
  await deps.db.insert(authCodes).values({
    codeHash: sha256Hex(code),
    partnerId: partner.id,
    shopId: shop.id,
    expiresAt: new Date(Date.now() + deps.settings.authCodeTtlS * 1000),
  });
  const url = new URL(q.redirect);
  url.searchParams.set('code', code);
  url.searchParams.set('shop_id', shop.id);
  if (q.state !== undefined) url.searchParams.set('state', q.state);
  return url.toString();
}

/** The partner's newest shop without a live connection, or a new shop when all are connected. */
async function unconnectedShop(deps: Deps, partnerId: string): Promise<{ id: string }> {
  const [free] = await deps.db
    .select({ id: shops.id })
    .from(shops)
    .where(
      and(
        eq(shops.partnerId, partnerId),
        sql`NOT EXISTS (SELECT 1 FROM ${tokens} t WHERE t.shop_id = ${shops.id} AND t.partner_id = ${partnerId} AND t.kind = 'refresh'
              AND t.revoked_at IS NULL AND t.expires_at > now())`,
      ),
    )
    .orderBy(desc(shops.createdAt))
    .limit(1);
  if (free) return free;
  const [{ n }] = (await deps.db.select({ n: sql<number>`count(*)::int` }).from(shops).where(eq(shops.partnerId, partnerId))) as [{ n: number }];
  return createShop(deps.db, partnerId, `Gian hàng ${n + 1}`).then((r) => ({ id: r.shop_id }));
}

async function issuePair(tx: SandboxTx, deps: Deps, partnerId: string, shopId: string): Promise<TokenPair> {
  const now = Date.now();
  const ttl = deps.config().access_token_ttl_s;
  const access = newSecret('pma');
  const refresh = newSecret('pmr');
  await tx.insert(tokens).values([
    { tokenHash: sha256Hex(access), kind: 'access', partnerId, shopId, expiresAt: new Date(now + ttl * 1000) },
    { tokenHash: sha256Hex(refresh), kind: 'refresh', partnerId, shopId, expiresAt: new Date(now + deps.settings.refreshTokenTtlS * 1000) },
  ]);
  return { access_token: access, refresh_token: refresh, expires_in: ttl, refresh_expires_in: deps.settings.refreshTokenTtlS, shop_id: shopId };
}

/** POST /auth/token {code, shop_id} → {access_token (4 h), refresh_token (30 d), expires_in}. */
export async function exchangeCode(deps: Deps, body: { code: string; shop_id: string }): Promise<TokenPair> {
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(authCodes)
      .set({ usedAt: new Date() })
      .where(
        and(
          eq(authCodes.codeHash, sha256Hex(body.code)),
          eq(authCodes.shopId, body.shop_id),
          isNull(authCodes.usedAt),
          sql`${authCodes.expiresAt} > ${new Date().toISOString()}`,
        ),
      )
      .returning();
    if (!row) throw invalidParam('code', 'unknown, expired or already used authorization code for this shop_id');
    return issuePair(tx, deps, row.partnerId, row.shopId);
  });
}

/**
 * POST /auth/token/refresh {shop_id, refresh_token} → a new pair. Refresh tokens rotate and work
 * once: a second use is 401 REFRESH_TOKEN_REUSED, and every token of the shop is revoked, so the
 * shop must re-authorize (postmart-api.md#authentication-and-signing); `shop.auth_revoked` follows.
 */
export async function refreshTokens(deps: Deps, body: { shop_id: string; refresh_token: string }): Promise<TokenPair> {
  const hash = sha256Hex(body.refresh_token);
  const outcome = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(tokens)
      .where(and(eq(tokens.tokenHash, hash), eq(tokens.kind, 'refresh'), eq(tokens.shopId, body.shop_id)))
      .for('update');
    if (!row) throw invalidParam('refresh_token', 'unknown refresh token for this shop_id');
    if (row.usedAt !== null) {
      await revokeShop(tx, deps, row.partnerId, row.shopId, 'REFRESH_TOKEN_REUSED');
      return { reused: true as const };
    }
    if (row.revokedAt !== null) throw new PmError('SHOP_NOT_AUTHORIZED', 'this refresh token was revoked; the shop must authorize again');
    if (row.expiresAt.getTime() <= Date.now()) throw new PmError('SHOP_NOT_AUTHORIZED', 'this refresh token has expired; the shop must authorize again');
    await tx.update(tokens).set({ usedAt: new Date() }).where(eq(tokens.tokenHash, hash));
    return { reused: false as const, pair: await issuePair(tx, deps, row.partnerId, row.shopId) };
  });
  if (outcome.reused) {
    deps.wakeWebhooks();
    throw new PmError('REFRESH_TOKEN_REUSED', 'this refresh token was already used; all tokens of the shop are revoked and it must authorize again');
  }
  return outcome.pair;
}

async function revokeShop(tx: SandboxTx, deps: Deps, partnerId: string, shopId: string, reason: string): Promise<void> {
  const now = new Date();
  await tx
    .update(tokens)
    .set({ revokedAt: now })
    .where(and(eq(tokens.partnerId, partnerId), eq(tokens.shopId, shopId), isNull(tokens.revokedAt)));
  await enqueueEvent(tx, deps, { shopId, type: 'shop.auth_revoked', data: { shop_id: shopId, reason, update_time: nowSeconds(now.getTime()) } });
}

/**
 * `shop.auth_expiring`: once per refresh token that is still live but has less than the notice
 * period left (the partner stopped refreshing). Returns how many were announced.
 */
export async function announceExpiringAuth(deps: Deps): Promise<number> {
  const now = Date.now();
  const rows = await deps.db.transaction(async (tx) => {
    const due = await tx
      .update(tokens)
      .set({ expiringNotified: true })
      .where(
        sql`${tokens.kind} = 'refresh' AND ${tokens.usedAt} IS NULL AND ${tokens.revokedAt} IS NULL AND NOT ${tokens.expiringNotified}
            AND ${tokens.expiresAt} > ${new Date(now).toISOString()} AND ${tokens.expiresAt} <= ${new Date(now + deps.settings.authExpiringNoticeS * 1000).toISOString()}`,
      )
      .returning({ shopId: tokens.shopId, expiresAt: tokens.expiresAt });
    for (const r of due) {
      await enqueueEvent(tx, deps, {
        shopId: r.shopId,
        type: 'shop.auth_expiring',
        data: { shop_id: r.shopId, expire_time: nowSeconds(r.expiresAt.getTime()), update_time: nowSeconds(now) },
      });
    }
    return due.length;
  });
  if (rows > 0) deps.wakeWebhooks();
  return rows;
}
