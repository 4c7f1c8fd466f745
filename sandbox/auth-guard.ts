import { sql, type SQL } from 'drizzle-orm';
import { nonces, partners, shops, tokens } from './db/schema.ts';
import type { SandboxDb } from './db.ts';
import { invalidParam, PmError } from './errors.ts';
import { canonicalQuery, requestSignature, safeEqual, sha256Hex } from './signing.ts';

/** postmart-api.md#authentication-and-signing */
export const TIMESTAMP_WINDOW_S = 300;
export const NONCE_TTL_MS = 10 * 60_000;

export type SignedCall = {
  method: string;
  /** The raw request target, path and query as sent (req.raw.url). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
};

export type CallerIdentity = { partnerId: string; shopId: string };

const REQUIRED = ['X-PM-Partner-Id', 'X-PM-Shop-Id', 'X-PM-Timestamp', 'X-PM-Nonce', 'X-PM-Signature', 'Authorization'] as const;

function header(h: SignedCall['headers'], name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Verifies a signed /api/v1 call: headers, partner, timestamp window (±300 s), signature
 * (constant-time), nonce (unique per partner for 10 min, recorded only once the signature is
 * good so garbage cannot burn nonces), then the shop's access token.
 */
export async function verifySignedCall(db: SandboxDb, call: SignedCall, nowMs = Date.now()): Promise<CallerIdentity> {
  const h: Record<(typeof REQUIRED)[number], string> = {} as never;
  for (const name of REQUIRED) {
    const v = header(call.headers, name);
    if (v === undefined || v === '') throw invalidParam(name, `header ${name} is required on every call except /auth/*`);
    h[name] = v;
  }
  if (!/^\d{1,12}$/.test(h['X-PM-Timestamp'])) throw invalidParam('X-PM-Timestamp', 'must be unix seconds (digits only)');
  if (h['X-PM-Nonce'].length > 128) throw invalidParam('X-PM-Nonce', 'must be at most 128 characters');
  const bearer = /^Bearer\s+(\S+)$/i.exec(h.Authorization);
  if (!bearer) throw invalidParam('Authorization', 'must be "Bearer <access_token>"');

  const partnerId = h['X-PM-Partner-Id'];
  const shopId = h['X-PM-Shop-Id'];
  const tokenHash = sha256Hex(bearer[1]!);
  const nowS = Math.floor(nowMs / 1000);
  const timestampOk = Math.abs(nowS - Number(h['X-PM-Timestamp'])) <= TIMESTAMP_WINDOW_S;

  const q = call.url.indexOf('?');
  let canonical: string;
  try {
    canonical = canonicalQuery(q < 0 ? '' : call.url.slice(q + 1));
  } catch {
    throw invalidParam('query', 'malformed percent-encoding in the query string');
  }
  const signatureOk = (partnerKey: string) =>
    safeEqual(
      requestSignature(partnerKey, {
        method: call.method,
        path: q < 0 ? call.url : call.url.slice(0, q),
        canonicalQuery: canonical,
        timestamp: h['X-PM-Timestamp'],
        nonce: h['X-PM-Nonce'],
        shopId,
        rawBody: call.rawBody,
      }),
      h['X-PM-Signature'].toLowerCase(),
    );
  const badTimestamp = () => new PmError('TIMESTAMP_EXPIRED', `X-PM-Timestamp must be within ${TIMESTAMP_WINDOW_S} s of server time ${nowS}`);
  const badSignature = () => new PmError('INVALID_SIGNATURE', 'X-PM-Signature does not match the request (see postmart-api.md#authentication-and-signing)');
  const nonce = { partnerId, nonce: h['X-PM-Nonce'], at: new Date(nowMs).toISOString(), expired: new Date(nowMs - NONCE_TTL_MS).toISOString() };

  let row: (AccessRow & { fresh?: number }) | undefined;
  const knownKey = partnerKeysOf(db).get(partnerId);
  if (knownKey !== undefined) {
    // A partner seen before: its key (which never changes) is checked first, then the nonce, the
    // shop and the token in one round trip; a partner deleted since (a reset) reads as unknown.
    if (!timestampOk) throw badTimestamp();
    if (!signatureOk(knownKey)) throw badSignature();
    row = (
      await db.execute<AccessRow & { fresh: number }>(sql`
        WITH fresh AS (${recordNonce(nonce)})
        ${accessQuery(partnerId, shopId, tokenHash, sql`(SELECT count(*) FROM fresh)::int AS fresh,`)}`)
    ).rows[0];
    if (!row) throw new PmError('INVALID_SIGNATURE', 'unknown partner_id in X-PM-Partner-Id');
    if (Number(row.fresh) === 0) throw nonceReused();
  } else {
    row = (await db.execute<AccessRow>(accessQuery(partnerId, shopId, tokenHash, sql``))).rows[0];
    if (!row) throw new PmError('INVALID_SIGNATURE', 'unknown partner_id in X-PM-Partner-Id');
    if (!timestampOk) throw badTimestamp();
    if (!signatureOk(row.partner_key)) throw badSignature();
    partnerKeysOf(db).set(partnerId, row.partner_key);
    const fresh = await db.execute(recordNonce(nonce));
    if (fresh.rows.length === 0) throw nonceReused();
  }

  if (!row.shop_ok) throw new PmError('SHOP_NOT_AUTHORIZED', `shop ${shopId} is not authorized for this partner`);
  if (row.kind !== 'access' || row.token_shop !== shopId || row.revoked_at !== null) {
    throw new PmError('SHOP_NOT_AUTHORIZED', 'the access token is not valid for this shop; the shop must authorize again');
  }
  if (new Date(row.expires_at!).getTime() <= nowMs) {
    throw new PmError('ACCESS_TOKEN_EXPIRED', 'the access token has expired; refresh it with POST /auth/token/refresh');
  }
  return { partnerId, shopId };
}

type AccessRow = {
  partner_key: string;
  shop_ok: boolean;
  kind: string | null;
  token_shop: string | null;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
};

const nonceReused = () => new PmError('NONCE_REUSED', 'X-PM-Nonce was already used in the last 10 minutes');

/** Partner keys by partner id, per database: a key is fixed when the partner is created. */
const partnerKeys = new WeakMap<SandboxDb, Map<string, string>>();
function partnerKeysOf(db: SandboxDb): Map<string, string> {
  let m = partnerKeys.get(db);
  if (!m) partnerKeys.set(db, (m = new Map()));
  return m;
}

/** The partner's key, the shop and the token, in one statement. */
function accessQuery(partnerId: string, shopId: string, tokenHash: string, extra: SQL) {
  return sql`
    SELECT ${extra} p.partner_key,
           EXISTS (SELECT 1 FROM ${shops} s WHERE s.id = ${shopId} AND s.partner_id = p.id) AS shop_ok,
           t.kind, t.shop_id AS token_shop, t.expires_at, t.revoked_at
    FROM ${partners} p
    LEFT JOIN ${tokens} t ON t.token_hash = ${tokenHash} AND t.partner_id = p.id
    WHERE p.id = ${partnerId}`;
}

/** Records the nonce unless it was seen within NONCE_TTL_MS (answers no row then), for an existing partner only. */
function recordNonce(n: { partnerId: string; nonce: string; at: string; expired: string }) {
  return sql`
    INSERT INTO ${nonces} AS n (partner_id, nonce, seen_at)
    SELECT ${n.partnerId}, ${n.nonce}, ${n.at}::timestamptz WHERE EXISTS (SELECT 1 FROM ${partners} WHERE id = ${n.partnerId})
    ON CONFLICT (partner_id, nonce) DO UPDATE SET seen_at = EXCLUDED.seen_at
      WHERE n.seen_at < ${n.expired}::timestamptz
    RETURNING 1`;
}
