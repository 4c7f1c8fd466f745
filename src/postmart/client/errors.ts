/** Error codes of postmart-api.md#conventions, plus the client's own transport/shape failures. */
export type PostmartErrorCode =
  | 'INVALID_PARAM'
  | 'INVALID_SIGNATURE'
  | 'TIMESTAMP_EXPIRED'
  | 'NONCE_REUSED'
  | 'ACCESS_TOKEN_EXPIRED'
  | 'REFRESH_TOKEN_REUSED'
  | 'SHOP_NOT_AUTHORIZED'
  | 'NOT_FOUND'
  | 'VERSION_CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'INVALID_STATE_TRANSITION'
  | 'DUPLICATE_SELLER_SKU'
  | 'OUT_OF_STOCK'
  | 'RATE_LIMITED'
  | 'INTERNAL'
  | 'CARRIER_UNAVAILABLE'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'UNEXPECTED_RESPONSE'
  | 'SHOP_NOT_CONNECTED';

export class PostmartError extends Error {
  constructor(
    readonly code: PostmartErrorCode | (string & {}),
    message: string,
    readonly opts: {
      status: number | null;
      retryable: boolean;
      requestId?: string | null;
      retryAfterMs?: number | null;
      details?: unknown[];
      cause?: unknown;
    },
  ) {
    super(`${code}: ${message}${opts.requestId ? ` (request ${opts.requestId})` : ''}`, { cause: opts.cause });
    this.name = 'PostmartError';
  }
  get status() {
    return this.opts.status;
  }
  get retryable() {
    return this.opts.retryable;
  }
  get requestId() {
    return this.opts.requestId ?? null;
  }
  get retryAfterMs() {
    return this.opts.retryAfterMs ?? null;
  }
}

/** Server-side signals we retry: 429 after Retry-After, 5xx, and transport failures (postmart-api.md#conventions). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}
