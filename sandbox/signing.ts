import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** RFC 3986 unreserved characters stay, everything else is %XX (encodeURIComponent leaves !'()* alone). */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Decodes one query component the way the router reads it ('+' is a space). Throws URIError on bad %-escapes. */
function decodeComponent(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

/**
 * CANONICAL_QUERY (postmart-api.md#authentication-and-signing): the query parameters sorted by
 * key, RFC 3986-encoded, joined by `&`; the empty string when there are none. Parameters are
 * decoded first, so `a=x%2Cy` and `a=x,y` canonicalize alike. Ties on a repeated key sort by value.
 */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const key = eq < 0 ? part : part.slice(0, eq);
      const value = eq < 0 ? '' : part.slice(eq + 1);
      return [rfc3986(decodeComponent(key)), rfc3986(decodeComponent(value))] as const;
    });
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export type SignedParts = {
  method: string;
  /** The request path as sent, including /api/v1, without the query string. */
  path: string;
  canonicalQuery: string;
  timestamp: string;
  nonce: string;
  shopId: string;
  rawBody: Buffer;
};

/** METHOD\nPATH\nCANONICAL_QUERY\nTIMESTAMP\nNONCE\nSHOP_ID\nhex(SHA256(raw_body)) */
export function stringToSign(p: SignedParts): string {
  const bodyHash = createHash('sha256').update(p.rawBody).digest('hex');
  return [p.method.toUpperCase(), p.path, p.canonicalQuery, p.timestamp, p.nonce, p.shopId, bodyHash].join('\n');
}

/** X-PM-Signature = hex(HMAC-SHA256(partner_key, string to sign)); the key is used as its UTF-8 bytes. */
export function requestSignature(partnerKey: string, p: SignedParts): string {
  return createHmac('sha256', partnerKey).update(stringToSign(p)).digest('hex');
}

/** Webhook X-PM-Signature = hex(HMAC-SHA256(partner_key, callback_url + "|" + timestamp + "|" + raw_body)) (postmart-api.md#webhooks). */
export function webhookSignature(partnerKey: string, callbackUrl: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', partnerKey).update(`${callbackUrl}|${timestamp}|${rawBody}`).digest('hex');
}

/** Constant-time comparison of two hex/ASCII strings (only the length may leak). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}
