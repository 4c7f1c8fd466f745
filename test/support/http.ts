import { createHmac } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { TEST_JWT_SECRET } from './app.ts';

// What a test needs to speak to the API: credentials and the one error body.

export const bearer = (u: { token: string }) => ({ authorization: `Bearer ${u.token}` });

export type ErrorReply = { code: string; message: string; field?: string };

/** The one error body every failure answers, { error: { code, message, field?, details? } }, checked for shape and returned. */
export function errorOf(res: LightMyRequestResponse): ErrorReply {
  const body = res.json() as { error?: ErrorReply };
  if (!body || typeof body !== 'object' || Object.keys(body).join() !== 'error' || !body.error) {
    throw new Error(`not an error body (${res.statusCode}): ${res.body}`);
  }
  const extra = Object.keys(body.error).filter((k) => !['code', 'message', 'field', 'details'].includes(k));
  if (typeof body.error.code !== 'string' || typeof body.error.message !== 'string' || extra.length > 0) {
    throw new Error(`malformed error body: ${res.body}`);
  }
  return body.error;
}

/**
 * An HS256 JWT built by hand, so tests can make tokens the app would never issue: signed with
 * another secret, or already expired (a past iat/exp, no waiting). It is an API token of a fresh
 * account (`aud` dtpc-api, token version 0) unless the claims say otherwise; a claim given as
 * undefined is left out.
 */
export function signJwt(claims: Record<string, unknown>, secret = TEST_JWT_SECRET): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ ver: 0, aud: 'dtpc-api', ...claims })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
