import type { FastifyRequest } from 'fastify';
import type { Api, ApiResult } from '../../plugins/web/api.ts';

/** The admin's chosen counter, in a cookie limited to /counter (a clerk's office comes from their account). */
export const POINT_COOKIE = 'dtpc_counter_point';

export function pointIdOf(req: FastifyRequest): string | null {
  const p = req.web!.principal;
  if (p.role === 'post_office_clerk') return p.pickupPointId;
  const chosen = req.cookies[POINT_COOKIE];
  return chosen && /^[0-9a-f-]{36}$/i.test(chosen) ? chosen : null;
}

/**
 * Sends a body with fields the counter API adds (issue 13: `weightConfirmed`, `cashVnd`,
 * `cashReason`). An API from before that branch refuses unknown fields (400 naming the field);
 * then the same call is made without them, which is all that API could record anyway.
 * Once counter-api is merged the retry never happens and this can go.
 */
export async function sendWithNewFields<T>(api: Api, url: string, json: Record<string, unknown>, newFields: readonly string[]): Promise<ApiResult<T>> {
  const res = await api.send<T>('POST', url, { json });
  if (res.ok || res.status !== 400 || !newFields.some((f) => f in json && (res.error.field === f || res.error.message.includes(f)))) return res;
  return api.send<T>('POST', url, { json: Object.fromEntries(Object.entries(json).filter(([k]) => !newFields.includes(k))) });
}
