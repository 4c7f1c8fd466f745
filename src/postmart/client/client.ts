import { createHash, randomUUID } from 'node:crypto';
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { Logger } from 'pino';
import { Pool } from 'undici';
import * as C from './contract.ts';
import { DetailBatcher } from './detail-batcher.ts';
import { isRetryableStatus, PostmartError } from './errors.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.ts';
import { canonicalQuery, signRequest } from './signing.ts';
import type { TokenStore } from './token-store.ts';

export type PostmartClientOptions = {
  /** e.g. http://127.0.0.1:4010/api/v1 */
  baseUrl: string;
  partnerId: string;
  partnerKey: string;
  tokens: TokenStore;
  limiter?: RateLimiter | undefined;
  retry?: RetryPolicy;
  timeouts?: { connectMs?: number; headersMs?: number; bodyMs?: number };
  connections?: number;
  log?: Logger | undefined;
  /** Clock and nonce source; injectable so tests can prove the server's timestamp and nonce checks. */
  now?: () => number;
  nonce?: () => string;
};

type Query = Record<string, string | number | undefined>;
type CallSpec = {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  shopId: string;
  query?: Query;
  body?: unknown;
  /** Required on every write (postmart-api.md#idempotency-and-versions); derive it from the local operation so retries reuse it. */
  idempotencyKey?: string;
  ifMatch?: number;
};

const TRANSPORT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Every answer is checked against the contract; a compiled check per schema (built on first use)
 * costs a fraction of the interpreted Value.Check on the order-detail answers the busiest path reads.
 */
const checks = new WeakMap<TSchema, TypeCheck<TSchema>>();
function checkerOf<S extends TSchema>(schema: S): TypeCheck<S> {
  let c = checks.get(schema);
  if (!c) checks.set(schema, (c = TypeCompiler.Compile(schema)));
  return c as TypeCheck<S>;
}

const digest = (secret: string) => createHash('sha256').update(secret).digest('base64url').slice(0, 32);

/** Typed client of the Postmart Partner API v1 (postmart-api.md), on one keep-alive undici Pool. */
export class PostmartClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly details = new DetailBatcher((shopId, orderSns) => this.orderDetails(shopId, orderSns));
  private readonly connections: number;
  /** Calls holding one of the pool's connections, and those waiting for one (see `connection`). */
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly opts: PostmartClientOptions) {
    const url = new URL(opts.baseUrl);
    this.basePath = url.pathname.replace(/\/$/, '');
    this.pool = new Pool(url.origin, {
      connections: (this.connections = opts.connections ?? 16),
      keepAliveTimeout: 30_000,
      connect: { timeout: opts.timeouts?.connectMs ?? 5_000 },
      headersTimeout: opts.timeouts?.headersMs ?? 15_000,
      bodyTimeout: opts.timeouts?.bodyMs ?? 15_000,
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  // --- auth (postmart-api.md#authentication-and-signing; /auth/* calls are not signed) ---

  authorizeUrl(redirect: string, state: string): string {
    const q = canonicalQuery({ partner_id: this.opts.partnerId, redirect, state });
    return `${this.opts.baseUrl}/auth/authorize?${q}`;
  }

  exchangeCode(code: string, shopId: string): Promise<Static<typeof C.TokenPair>> {
    return this.unsigned('/auth/token', { code, shop_id: shopId }, C.TokenPair, `token:${shopId}:${digest(code)}`);
  }

  /**
   * A refresh token works once. The idempotency key is derived from it, so a retry after a lost
   * answer replays the first answer (the new pair) instead of burning the token a second time.
   */
  refreshToken(shopId: string, refreshToken: string): Promise<Static<typeof C.TokenPair>> {
    return this.unsigned('/auth/token/refresh', { shop_id: shopId, refresh_token: refreshToken }, C.TokenPair, `refresh:${shopId}:${digest(refreshToken)}`);
  }

  // --- products (postmart-api.md#products) ---

  createProduct(shopId: string, body: C.ProductPayload, idempotencyKey: string) {
    return this.call(C.ProductCreated, { method: 'POST', path: '/products', shopId, body, idempotencyKey });
  }
  getProduct(shopId: string, productId: string) {
    return this.call(C.RemoteProduct, { method: 'GET', path: `/products/${encodeURIComponent(productId)}`, shopId });
  }
  updateProduct(shopId: string, productId: string, patch: Partial<C.ProductPayload>, idempotencyKey: string, ifMatch?: number) {
    return this.call(C.RemoteProduct, {
      method: 'PATCH',
      path: `/products/${encodeURIComponent(productId)}`,
      shopId,
      body: patch,
      idempotencyKey,
      ...(ifMatch !== undefined ? { ifMatch } : {}),
    });
  }
  listProducts(shopId: string, q: { status?: string; updated_from?: number; updated_to?: number; page_size?: number; cursor?: string } = {}) {
    return this.call(C.ProductPage, { method: 'GET', path: '/products', shopId, query: q });
  }
  batchPrices(shopId: string, items: { seller_sku: string; price: number }[], idempotencyKey: string) {
    return this.call(C.BatchResult, { method: 'POST', path: '/products/prices:batch', shopId, body: { items }, idempotencyKey });
  }
  batchStock(shopId: string, items: { seller_sku: string; stock: number }[], idempotencyKey: string) {
    return this.call(C.BatchResult, { method: 'POST', path: '/products/stock:batch', shopId, body: { items }, idempotencyKey });
  }
  unlistProduct(shopId: string, productId: string, idempotencyKey: string) {
    return this.call(C.Empty, { method: 'POST', path: `/products/${encodeURIComponent(productId)}/unlist`, shopId, body: {}, idempotencyKey });
  }
  relistProduct(shopId: string, productId: string, idempotencyKey: string) {
    return this.call(C.Empty, { method: 'POST', path: `/products/${encodeURIComponent(productId)}/relist`, shopId, body: {}, idempotencyKey });
  }
  deleteProduct(shopId: string, productId: string, idempotencyKey: string) {
    return this.call(C.Empty, { method: 'DELETE', path: `/products/${encodeURIComponent(productId)}`, shopId, idempotencyKey });
  }

  // --- orders (postmart-api.md#orders) ---

  listOrders(
    shopId: string,
    q: { time_field: 'create_time' | 'update_time'; time_from: number; time_to: number; status?: string; page_size?: number; cursor?: string },
  ) {
    return this.call(C.OrderPage, { method: 'GET', path: '/orders', shopId, query: q });
  }
  orderDetails(shopId: string, orderSns: string[]) {
    return this.call(C.OrderDetails, { method: 'GET', path: '/orders/detail', shopId, query: { order_sn_list: orderSns.join(',') } });
  }
  /** One order's details (null when Postmart does not know it), fetched together with the shop's other orders wanted at the same moment (detail-batcher.ts). */
  orderDetail(shopId: string, orderSn: string): Promise<C.OrderDetailT | null> {
    return this.details.load(shopId, orderSn);
  }
  confirmOrder(shopId: string, orderSn: string, idempotencyKey: string) {
    return this.call(C.Empty, { method: 'POST', path: `/orders/${encodeURIComponent(orderSn)}/confirm`, shopId, body: {}, idempotencyKey });
  }
  cancelOrder(shopId: string, orderSn: string, reason: 'OUT_OF_STOCK' | 'CUSTOMER_REQUEST' | 'UNDELIVERABLE_AREA' | 'PRICE_ERROR', idempotencyKey: string) {
    return this.call(C.Empty, { method: 'POST', path: `/orders/${encodeURIComponent(orderSn)}/cancel`, shopId, body: { reason }, idempotencyKey });
  }
  buyerCancellation(shopId: string, orderSn: string, operation: 'ACCEPT' | 'REJECT', idempotencyKey: string) {
    return this.call(C.Empty, { method: 'POST', path: `/orders/${encodeURIComponent(orderSn)}/buyer-cancellation`, shopId, body: { operation }, idempotencyKey });
  }
  shipOrder(shopId: string, orderSn: string, postOfficeCode: string, idempotencyKey: string) {
    return this.call(C.ShipResult, { method: 'POST', path: `/orders/${encodeURIComponent(orderSn)}/ship`, shopId, body: { post_office_code: postOfficeCode }, idempotencyKey });
  }
  tracking(shopId: string, orderSn: string) {
    return this.call(C.Tracking, { method: 'GET', path: `/orders/${encodeURIComponent(orderSn)}/tracking`, shopId });
  }

  // --- logistics (postmart-api.md#post-offices-fulfillment-locations) ---

  async postOffices(shopId: string, q: { province_code?: string; ward_code?: string } = {}): Promise<C.PostOfficeT[]> {
    const data = await this.call(C.PostOfficeList, { method: 'GET', path: '/logistics/post-offices', shopId, query: q });
    return Array.isArray(data) ? data : data.post_offices;
  }

  // --- transport ---

  /** A signed call with retries; an expired access token is refreshed (single-flight) and the call repeated once. */
  async call<S extends TSchema>(schema: S, spec: CallSpec): Promise<Static<S>> {
    if (spec.method !== 'GET' && !spec.idempotencyKey) throw new Error(`${spec.method} ${spec.path} needs an idempotency key`);
    return withRetry(
      async () => {
        let token = await this.opts.tokens.accessToken(spec.shopId);
        try {
          try {
            return await this.once(schema, spec, token);
          } catch (err) {
            if (!(err instanceof PostmartError) || err.code !== 'ACCESS_TOKEN_EXPIRED') throw err;
            token = await this.opts.tokens.refresh(spec.shopId, token);
            return await this.once(schema, spec, token);
          }
        } catch (err) {
          // The shop revoked us or its token is dead: mark it so its jobs stop until it reconnects.
          if (err instanceof PostmartError && err.code === 'SHOP_NOT_AUTHORIZED') await this.opts.tokens.markDisconnected(spec.shopId, err.message);
          throw err;
        }
      },
      this.opts.retry ?? DEFAULT_RETRY,
      { onRetry: (err, delayMs, attempt) => this.opts.log?.warn({ code: err.code, requestId: err.requestId, delayMs, attempt, path: spec.path }, 'postmart call retried') },
    );
  }

  private async once<S extends TSchema>(schema: S, spec: CallSpec, accessToken: string): Promise<Static<S>> {
    const scope = `${this.opts.partnerId}:${spec.shopId}`;
    await this.opts.limiter?.acquire(scope);
    const release = await this.connection(scope);
    try {
      return await this.sendSigned(schema, spec, accessToken, scope);
    } finally {
      release();
    }
  }

  /**
   * Waits for one of the pool's connections, so the call leaves as soon as it has its token
   * instead of queueing inside undici. A call that had to wait looks at the shop's pause again: a
   * 429 may have come back meanwhile, and a call queued past it would reach Postmart inside the
   * Retry-After window (the chaos suite saw such calls arrive 300–500 ms after the 429).
   */
  private async connection(scope: string | null): Promise<() => void> {
    for (;;) {
      const queued = this.inFlight >= this.connections;
      if (queued) await new Promise<void>((resolve) => this.waiting.push(resolve));
      else this.inFlight++;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const next = this.waiting.shift();
        // The slot passes straight to the next waiter, so it cannot be taken twice.
        if (next) next();
        else this.inFlight--;
      };
      if (!queued || !scope || !this.opts.limiter) return release;
      try {
        if ((await this.opts.limiter.pausedFor(scope)) <= 0) return release;
        release();
        // Wait the pause out and take a fresh token: the one taken before is from before the 429.
        await this.opts.limiter.acquire(scope);
      } catch (err) {
        release();
        throw err;
      }
    }
  }

  private async sendSigned<S extends TSchema>(schema: S, spec: CallSpec, accessToken: string, scope: string): Promise<Static<S>> {
    const path = `${this.basePath}${spec.path}`;
    const query = canonicalQuery(spec.query ?? {});
    const body = spec.body === undefined ? '' : JSON.stringify(spec.body);
    const timestamp = Math.floor((this.opts.now ?? Date.now)() / 1000);
    const nonce = this.opts.nonce ? this.opts.nonce() : randomUUID().replace(/-/g, '');
    const headers: Record<string, string> = {
      'x-pm-partner-id': this.opts.partnerId,
      'x-pm-shop-id': spec.shopId,
      'x-pm-timestamp': String(timestamp),
      'x-pm-nonce': nonce,
      authorization: `Bearer ${accessToken}`,
      'x-pm-signature': signRequest(this.opts.partnerKey, { method: spec.method, path, query, timestamp, nonce, shopId: spec.shopId, body }),
      accept: 'application/json',
    };
    if (body) headers['content-type'] = 'application/json';
    if (spec.idempotencyKey) headers['idempotency-key'] = spec.idempotencyKey;
    if (spec.ifMatch !== undefined) headers['if-match'] = String(spec.ifMatch);
    const res = await this.send(spec.method, query ? `${path}?${query}` : path, headers, body || undefined);
    if (res.status === 429 && res.retryAfterMs !== null) await this.opts.limiter?.pause(scope, res.retryAfterMs);
    return this.unwrap(schema, res, spec.path);
  }

  private async unsigned<S extends TSchema>(path: string, body: unknown, schema: S, idempotencyKey: string): Promise<Static<S>> {
    const headers = { 'content-type': 'application/json', 'x-pm-partner-id': this.opts.partnerId, 'idempotency-key': idempotencyKey };
    return withRetry(async () => {
      const release = await this.connection(null);
      try {
        return this.unwrap(schema, await this.send('POST', `${this.basePath}${path}`, headers, JSON.stringify(body)), path);
      } finally {
        release();
      }
    }, this.opts.retry ?? DEFAULT_RETRY);
  }

  private async send(method: string, path: string, headers: Record<string, string>, body: string | undefined) {
    try {
      const res = await this.pool.request({ method, path, headers, body });
      const text = await res.body.text();
      const retryAfter = res.headers['retry-after'];
      const retryAfterS = typeof retryAfter === 'string' ? Number(retryAfter) : NaN;
      return {
        status: res.statusCode,
        text,
        requestId: (res.headers['x-request-id'] as string | undefined) ?? null,
        retryAfterMs: Number.isFinite(retryAfterS) ? retryAfterS * 1000 : null,
      };
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (TRANSPORT_CODES.has(code) || (err as Error).name === 'SocketError') {
        const timeout = code.includes('TIMEOUT');
        throw new PostmartError(timeout ? 'TIMEOUT' : 'NETWORK_ERROR', `${method} ${path}: ${(err as Error).message}`, { status: null, retryable: true, cause: err });
      }
      throw err;
    }
  }

  private unwrap<S extends TSchema>(
    schema: S,
    res: { status: number; text: string; requestId: string | null; retryAfterMs: number | null },
    path: string,
  ): Static<S> {
    let json: { request_id?: string; data?: unknown; error?: { code?: string; message?: string; details?: unknown[]; retryable?: boolean } } | null = null;
    try {
      json = res.text ? JSON.parse(res.text) : null;
    } catch {
      json = null;
    }
    const requestId = json?.request_id ?? res.requestId;
    if (res.status >= 200 && res.status < 300) {
      const data = json?.data;
      const check = checkerOf(schema);
      if (!json || !check.Check(data)) {
        const first = json ? check.Errors(data).First() : undefined;
        throw new PostmartError('UNEXPECTED_RESPONSE', `${path}: response does not match the contract${first ? ` at ${first.path || '/'}: ${first.message}` : ''}`, {
          status: res.status,
          retryable: false,
          requestId,
        });
      }
      return data;
    }
    const code = json?.error?.code ?? (res.status >= 500 ? 'INTERNAL' : `HTTP_${res.status}`);
    const retryable = res.status === 429 || isRetryableStatus(res.status);
    throw new PostmartError(code, json?.error?.message ?? `HTTP ${res.status}`, {
      status: res.status,
      retryable,
      requestId,
      retryAfterMs: res.status === 429 ? (res.retryAfterMs ?? 1000) : null,
      details: json?.error?.details ?? [],
    });
  }
}
