import { createHash, createHmac } from 'node:crypto';

/** RFC 3986 percent-encoding (encodeURIComponent leaves !'()* alone; RFC 3986 reserves them). */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** postmart-api.md#authentication-and-signing: parameters sorted by key, RFC 3986-encoded, joined by &. */
export function canonicalQuery(query: Record<string, string | number | undefined>): string {
  return Object.entries(query)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => [rfc3986(k), rfc3986(String(v))] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export type SigningInput = {
  method: string;
  path: string;
  query: string;
  timestamp: number;
  nonce: string;
  shopId: string;
  body: string | Buffer;
};

/**
 * X-PM-Signature = hex(HMAC-SHA256(partner_key, METHOD\nPATH\nCANONICAL_QUERY\nTIMESTAMP\nNONCE\nSHOP_ID\nhex(SHA256(raw_body))))
 * (postmart-api.md#authentication-and-signing). PATH is the full request path including /api/v1.
 */
export function signRequest(partnerKey: string, s: SigningInput): string {
  const bodyHash = createHash('sha256').update(s.body).digest('hex');
  const text = [s.method.toUpperCase(), s.path, s.query, String(s.timestamp), s.nonce, s.shopId, bodyHash].join('\n');
  return createHmac('sha256', partnerKey).update(text).digest('hex');
}

/** X-PM-Signature of a webhook: hex(HMAC-SHA256(partner_key, callback_url|timestamp|raw_body)) (postmart-api.md#webhooks). */
export function signWebhook(partnerKey: string, callbackUrl: string, timestamp: number | string, rawBody: string | Buffer): string {
  return createHmac('sha256', partnerKey).update(`${callbackUrl}|${timestamp}|`).update(rawBody).digest('hex');
}
