import { createHash, createHmac, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { request } from 'undici';
import { inject } from 'vitest';
import type { RuntimeConfigPatch } from '../../sandbox/config.ts';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../sandbox/server.ts';

/**
 * Test helpers for the Postmart sandbox, talking to it over real HTTP. The signer below is written
 * from postmart-api.md alone and shares no code with src/, so the sandbox and these tests cannot
 * share a misreading of the contract.
 */

/** Settings most tests want: orders listed at once, quick reviews, a rate limit they never meet. */
export const TEST_CONFIG: RuntimeConfigPatch = {
  review_delay_ms: 60_000,
  order_visibility_delay_ms: 0,
  rate_limit: { per_second: 10_000, burst: 10_000 },
  webhook_retry_factor: 0.001,
};

export async function startTestSandbox(config: RuntimeConfigPatch = {}, extra: Partial<StartSandboxOptions> = {}): Promise<RunningSandbox> {
  return startSandbox({
    databaseUrl: inject('databaseUrl'),
    port: 0,
    host: '127.0.0.1',
    // SANDBOX_TEST_LOG=debug (or any pino level) shows the sandbox's own log while a test runs.
    log: process.env.SANDBOX_TEST_LOG ? pino({ level: process.env.SANDBOX_TEST_LOG }) : false,
    pollIntervalMs: 50,
    ...extra,
    config: { ...TEST_CONFIG, ...config, rate_limit: { ...TEST_CONFIG.rate_limit, ...config.rate_limit } },
  });
}

// ---- the contract's signing, by hand (postmart-api.md#authentication-and-signing) ----

/** RFC 3986: unreserved characters A-Z a-z 0-9 - . _ ~ stay as they are, everything else is %XX. */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Query parameters sorted by key, RFC 3986-encoded, joined by & ('' when none). */
export function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(query[k]!)}`)
    .join('&');
}

export function signature(partnerKey: string, parts: { method: string; path: string; query: string; timestamp: string; nonce: string; shopId: string; body: string }): string {
  const bodyHash = createHash('sha256').update(parts.body, 'utf8').digest('hex');
  const text = `${parts.method}\n${parts.path}\n${parts.query}\n${parts.timestamp}\n${parts.nonce}\n${parts.shopId}\n${bodyHash}`;
  return createHmac('sha256', partnerKey).update(text, 'utf8').digest('hex');
}

export type Shop = { partnerId: string; partnerKey: string; shopId: string; accessToken: string; refreshToken: string };

export type Res = { status: number; headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>; body: any };

export type CallOptions = {
  query?: Record<string, string>;
  body?: unknown;
  /** Sent as is instead of JSON.stringify(body). */
  rawBody?: string;
  idempotencyKey?: string | null;
  headers?: Record<string, string>;
  /** Headers to leave out (to test their absence). */
  omit?: string[];
  timestamp?: number;
  nonce?: string;
  /** Sign something else than what is sent (to test a bad signature). */
  signWith?: Partial<{ path: string; query: string; body: string; key: string }>;
};

export const nowS = () => Math.floor(Date.now() / 1000);

async function send(method: string, url: string, headers: Record<string, string>, body: string | undefined): Promise<Res> {
  const res = await request(url, { method: method as 'GET', headers, body });
  const text = await res.body.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.statusCode, headers: res.headers as Record<string, string | string[] | undefined>, body: json };
}

/** A signed /api/v1 call for a shop, built from the contract text. */
export async function call(base: string, shop: Shop, method: string, path: string, o: CallOptions = {}): Promise<Res> {
  const fullPath = `/api/v1${path}`;
  const query = canonicalQuery(o.query ?? {});
  const body = o.rawBody ?? (o.body === undefined ? '' : JSON.stringify(o.body));
  const timestamp = String(o.timestamp ?? nowS());
  const nonce = o.nonce ?? randomUUID();
  const headers: Record<string, string> = {
    'X-PM-Partner-Id': shop.partnerId,
    'X-PM-Shop-Id': shop.shopId,
    'X-PM-Timestamp': timestamp,
    'X-PM-Nonce': nonce,
    Authorization: `Bearer ${shop.accessToken}`,
    'X-PM-Signature': signature(o.signWith?.key ?? shop.partnerKey, {
      method,
      path: o.signWith?.path ?? fullPath,
      query: o.signWith?.query ?? query,
      timestamp,
      nonce,
      shopId: shop.shopId,
      body: o.signWith?.body ?? body,
    }),
  };
  if (body !== '') headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && o.idempotencyKey !== null) headers['Idempotency-Key'] = o.idempotencyKey ?? randomUUID();
  Object.assign(headers, o.headers);
  for (const h of o.omit ?? []) delete headers[h];
  return send(method, `${base}${fullPath}${query ? `?${query}` : ''}`, headers, body === '' ? undefined : body);
}

/** An unsigned call (control API, /auth). */
export async function plain(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const h: Record<string, string> = { ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  return send(method, `${base}${path}`, h, body === undefined ? undefined : JSON.stringify(body));
}

/** The control API; throws on anything but the expected status. */
export async function control(base: string, method: string, path: string, body?: unknown, expect = method === 'PUT' && path.endsWith('/webhook') ? 204 : 200): Promise<any> {
  const res = await plain(base, method, `/sandbox${path}`, body);
  if (res.status !== expect) throw new Error(`${method} /sandbox${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Partner + shop + OAuth (authorize → 302 → code → tokens), through the public endpoints only. */
export async function connectShop(base: string, name = 'HTX thử nghiệm', o: { webhookUrl?: string } = {}): Promise<Shop> {
  const partner = await control(base, 'POST', '/partners', { name: `Đối tác ${name}` });
  if (o.webhookUrl) await control(base, 'PUT', `/partners/${partner.partner_id}/webhook`, { url: o.webhookUrl });
  const { shop_id } = await control(base, 'POST', '/shops', { partner_id: partner.partner_id, name });
  const authorizeUrl = `${base}/api/v1/auth/authorize?${canonicalQuery({ partner_id: partner.partner_id, redirect: 'https://connector.example/cb', state: 'st-1' })}`;
  const redirect = await request(authorizeUrl, { method: 'GET' });
  await redirect.body.dump();
  if (redirect.statusCode !== 302) throw new Error(`authorize → ${redirect.statusCode}`);
  const back = new URL(String(redirect.headers.location));
  const code = back.searchParams.get('code')!;
  const tokens = await plain(base, 'POST', '/api/v1/auth/token', { code, shop_id: back.searchParams.get('shop_id') }, { 'Idempotency-Key': randomUUID() });
  if (tokens.status !== 200) throw new Error(`token → ${tokens.status} ${JSON.stringify(tokens.body)}`);
  return { partnerId: partner.partner_id, partnerKey: partner.partner_key, shopId: shop_id, accessToken: tokens.body.data.access_token, refreshToken: tokens.body.data.refresh_token };
}

let skuCounter = 0;
export const uniqueSku = (prefix = 'XOAI') => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++skuCounter}`;

export function productBody(skus: { seller_sku: string; price?: number; stock?: number }[], over: Record<string, unknown> = {}) {
  return {
    name: 'Xoài cát Hòa Lộc loại 1',
    description: 'Xoài cát Hòa Lộc trồng tại Cái Bè, chín cây, ngọt thanh.',
    category_id: 'fruit',
    images: ['https://cdn.example/xoai-1.jpg'],
    unit: 'kg',
    weight_grams: 1000,
    origin: { province_code: '82', ward_code: '28261' },
    certifications: [{ type: 'VIETGAP', number: 'VG-82-0042', expires_at: nowS() + 365 * 86_400 }],
    shelf_life_days: 7,
    skus: skus.map((s) => ({ seller_sku: s.seller_sku, variant_name: 'Hộp 2 kg', price: s.price ?? 65_000, stock: s.stock ?? 10 })),
    ...over,
  };
}

/** Creates a product through the API and approves it through the control API. */
export async function activeProduct(base: string, shop: Shop, skus: { seller_sku: string; price?: number; stock?: number }[]): Promise<string> {
  const res = await call(base, shop, 'POST', '/products', { body: productBody(skus) });
  if (res.status !== 200) throw new Error(`create product → ${res.status} ${JSON.stringify(res.body)}`);
  const id = res.body.data.product_id as string;
  await control(base, 'POST', `/products/${id}/review`, { result: 'APPROVE' });
  return id;
}

// ---- a webhook receiver ----

export type Received = { headers: IncomingHttpHeaders; body: string; json: any; at: number };

/**
 * A local HTTP server standing in for the partner's callback URL. `respond` decides each answer's
 * status (default 200); `next(predicate)` resolves with the first delivery matching it, already
 * received or still to come.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  private server: Server;
  private waiters: { pred: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];
  respond: (r: Received, index: number) => number = () => 200;
  /** Milliseconds to wait before answering (to play a slow receiver). */
  delay: (r: Received) => number = () => 0;
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const r: Received = { headers: req.headers, body, json: JSON.parse(body), at: Date.now() };
        const index = this.received.push(r) - 1;
        res.statusCode = this.respond(r, index);
        const wait = this.delay(r);
        if (wait > 0) setTimeout(() => res.end('ok'), wait);
        else res.end('ok');
        for (const w of [...this.waiters]) {
          if (w.pred(r)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(r);
          }
        }
      });
    });
  }

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/postmart/webhooks`;
    return this;
  }

  next(pred: (r: Received) => boolean, timeoutMs = 10_000): Promise<Received> {
    const hit = this.received.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching webhook within ${timeoutMs} ms; got ${this.received.map((r) => r.json.type).join(', ')}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (r) => (clearTimeout(timer), resolve(r)) });
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** hex(HMAC-SHA256(partner_key, callback_url + "|" + timestamp + "|" + raw_body)) (postmart-api.md#webhooks) */
export function webhookSignature(partnerKey: string, callbackUrl: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', partnerKey).update(`${callbackUrl}|${timestamp}|${rawBody}`, 'utf8').digest('hex');
}
