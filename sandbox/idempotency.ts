import { and, eq, sql } from 'drizzle-orm';
import { idempotencyKeys } from './db/schema.ts';
import type { SandboxDb } from './db.ts';
import { invalidParam, PmError } from './errors.ts';
import { sha256Hex } from './signing.ts';

/** postmart-api.md#idempotency-and-versions: keys are kept 24 h. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** A key still "in progress" after this long belongs to a request that died; the next one takes it over. */
const ABANDONED_AFTER_MS = 60_000;
/** How long a concurrent duplicate waits for the first request to finish before giving up (503, retryable). */
const WAIT_FOR_FIRST_MS = 10_000;

export const WRITE_METHODS = new Set(['POST', 'PATCH', 'DELETE']);

export type IdempotencyClaim = { scope: string; key: string };
export type IdempotencyOutcome = { kind: 'proceed'; claim: IdempotencyClaim } | { kind: 'replay'; statusCode: number; body: string };

/** Reads and checks the Idempotency-Key header; a write without one is 400 INVALID_PARAM naming the header. */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string {
  const raw = headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined || key === '') {
    throw invalidParam('Idempotency-Key', 'header Idempotency-Key is required on every POST, PATCH and DELETE');
  }
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw invalidParam('Idempotency-Key', 'must be 1 to 255 visible ASCII characters');
  return key;
}

/** What must match for a replay: method, path and the exact body bytes. */
export function fingerprintOf(method: string, path: string, rawBody: Buffer): string {
  return sha256Hex(`${method.toUpperCase()}\n${path}\n${sha256Hex(rawBody)}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Claims a key for a new request, or finds the stored first response to replay. A concurrent
 * duplicate waits for the first request to finish. Same key with another body (or endpoint) is
 * 409 IDEMPOTENCY_KEY_REUSED.
 */
export async function claimIdempotencyKey(
  db: SandboxDb,
  input: { scope: string; key: string; fingerprint: string },
  nowMs = Date.now(),
): Promise<IdempotencyOutcome> {
  const claim = { scope: input.scope, key: input.key };
  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  for (;;) {
    const inserted = await db
      .insert(idempotencyKeys)
      .values({ ...claim, fingerprint: input.fingerprint, state: 'pending', createdAt: new Date(nowMs) })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length > 0) return { kind: 'proceed', claim };

    const [row] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, input.scope), eq(idempotencyKeys.key, input.key)));
    if (!row) continue; // the first request failed (5xx) and released the key meanwhile
    const age = Date.now() - row.createdAt.getTime();
    if (age > IDEMPOTENCY_TTL_MS || (row.state === 'pending' && age > ABANDONED_AFTER_MS)) {
      await db
        .delete(idempotencyKeys)
        .where(and(eq(idempotencyKeys.scope, input.scope), eq(idempotencyKeys.key, input.key), eq(idempotencyKeys.createdAt, row.createdAt)));
      continue;
    }
    if (row.fingerprint !== input.fingerprint) {
      throw new PmError(
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was already used with a different request body or endpoint in the last 24 h',
        [{ field: 'Idempotency-Key', message: 'already used for a different request' }],
      );
    }
    if (row.state === 'done') return { kind: 'replay', statusCode: row.statusCode ?? 200, body: row.responseBody ?? '' };
    if (Date.now() > deadline) {
      throw new PmError('INTERNAL', 'a request with this Idempotency-Key is still in progress; retry later', [], { status: 503 });
    }
    await sleep(50);
  }
}

/** Stores the first response (any status below 500) so that replays return it. */
export async function completeIdempotencyKey(db: SandboxDb, claim: IdempotencyClaim, statusCode: number, body: string): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ state: 'done', statusCode, responseBody: body })
    .where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key)));
}

/** A 5xx is not an answer to remember: the key is freed so the client's retry runs again. */
export async function releaseIdempotencyKey(db: SandboxDb, claim: IdempotencyClaim): Promise<void> {
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key)));
}

export async function purgeExpiredIdempotencyKeys(db: SandboxDb, nowMs = Date.now()): Promise<void> {
  await db.delete(idempotencyKeys).where(sql`${idempotencyKeys.createdAt} < ${new Date(nowMs - IDEMPOTENCY_TTL_MS).toISOString()}`);
}
