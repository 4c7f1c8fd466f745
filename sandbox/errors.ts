/**
 * Postmart error codes, their HTTP status and retryable flag, from the table in
 * postmart-api.md#conventions. OUT_OF_STOCK (409) comes from the control API (POST /sandbox/orders)
 * and FORBIDDEN (403) answers POST /sandbox/reset when resets are not allowed.
 */
export const PM_ERRORS = {
  INVALID_PARAM: { status: 400, retryable: false },
  INVALID_SIGNATURE: { status: 401, retryable: false },
  TIMESTAMP_EXPIRED: { status: 401, retryable: false },
  NONCE_REUSED: { status: 401, retryable: false },
  // "only ACCESS_TOKEN_EXPIRED after refresh": retryable once the client has refreshed.
  ACCESS_TOKEN_EXPIRED: { status: 401, retryable: true },
  REFRESH_TOKEN_REUSED: { status: 401, retryable: false },
  SHOP_NOT_AUTHORIZED: { status: 403, retryable: false },
  FORBIDDEN: { status: 403, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  VERSION_CONFLICT: { status: 409, retryable: false },
  IDEMPOTENCY_KEY_REUSED: { status: 409, retryable: false },
  INVALID_STATE_TRANSITION: { status: 409, retryable: false },
  DUPLICATE_SELLER_SKU: { status: 409, retryable: false },
  OUT_OF_STOCK: { status: 409, retryable: false },
  RATE_LIMITED: { status: 429, retryable: true },
  INTERNAL: { status: 500, retryable: true },
  CARRIER_UNAVAILABLE: { status: 503, retryable: true },
} as const;

export type PmErrorCode = keyof typeof PM_ERRORS;
export type ErrorDetail = { field: string; message: string };

/** An error answer in the contract's failure envelope; services throw it, the error handler renders it. */
export class PmError extends Error {
  readonly status: number;
  readonly retryable: boolean;
  /** Extra response headers, e.g. Retry-After on RATE_LIMITED. */
  readonly headers: Record<string, string>;
  constructor(
    readonly code: PmErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    opts: { status?: number; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'PmError';
    this.status = opts.status ?? PM_ERRORS[code].status;
    this.retryable = PM_ERRORS[code].retryable;
    this.headers = opts.headers ?? {};
  }
}

/** 400 INVALID_PARAM whose details name the field (postmart-api.md#conventions). */
export const invalidParam = (field: string, message: string) => new PmError('INVALID_PARAM', `${field}: ${message}`, [{ field, message }]);
export const notFound = (what: string, id: string) => new PmError('NOT_FOUND', `${what} ${id} not found`);
export const invalidTransition = (what: string, from: string, action: string) =>
  new PmError('INVALID_STATE_TRANSITION', `${what} in status ${from} cannot ${action}`);

export type FailureBody = {
  request_id: string;
  error: { code: string; message: string; details: ErrorDetail[]; retryable: boolean };
};

/** postmart-api.md#conventions: `{ request_id, error: { code, message, details, retryable } }`. */
export function failureBody(requestId: string, err: PmError): FailureBody {
  return { request_id: requestId, error: { code: err.code, message: err.message, details: err.details, retryable: err.retryable } };
}

/** postmart-api.md#conventions: `{ request_id, data }`. */
export function ok<T>(requestId: string, data: T): { request_id: string; data: T } {
  return { request_id: requestId, data };
}
