import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { expect, inject } from 'vitest';
import { SecretBox } from '../../src/lib/secret-box.ts';
import { PostmartClient, type PostmartClientOptions } from '../../src/postmart/client/client.ts';
import { PostmartError } from '../../src/postmart/client/errors.ts';
import { RateLimiter } from '../../src/postmart/client/rate-limiter.ts';
import { TokenStore } from '../../src/postmart/client/token-store.ts';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { buildTestApp } from './app.ts';
import { makeSeller } from './fixtures.ts';
import { startTestSandbox } from './sandbox.ts';

/** The app (for its database, Redis and config) and a sandbox of the test file's own; close() stops both. */
export async function startAppAndSandbox(): Promise<{ app: FastifyInstance; sandbox: RunningSandbox; close: () => Promise<void> }> {
  const app = await buildTestApp();
  const sandbox = await startTestSandbox();
  return {
    app,
    sandbox,
    close: async () => {
      await sandbox.close();
      await app.close();
    },
  };
}

/** A control-API call (bare JSON, no envelope). */
export async function control<T = any>(sandbox: RunningSandbox, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const res = await request(`${sandbox.url}/sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} /sandbox${path} → ${res.statusCode}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export type ConnectedShop = {
  client: PostmartClient;
  tokens: TokenStore;
  partnerId: string;
  partnerKey: string;
  shopId: string;
  sellerId: string;
  /** A second client on its own token store, like a second worker process. */
  makeClient: (over?: Partial<PostmartClientOptions>) => { client: PostmartClient; tokens: TokenStore };
  close: () => Promise<void>;
};

/**
 * A partner app and a shop on the sandbox, connected by the OAuth flow the connector uses: follow
 * the authorize URL (the sandbox approves at once) and exchange the code through the client.
 */
export async function connectShop(app: FastifyInstance, sandbox: RunningSandbox, over: Partial<PostmartClientOptions> = {}): Promise<ConnectedShop> {
  const { partner_id: partnerId, partner_key: partnerKey } = await control(sandbox, 'POST', '/partners', { name: 'Connector test' });
  const { shop_id: createdShop } = await control(sandbox, 'POST', '/shops', { partner_id: partnerId, name: 'HTX thử nghiệm' });
  const seller = await makeSeller(app);
  const box = new SecretBox('test-token-key-0123456789-0123456789');
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const prefix = `${inject('queuePrefix')}:${randomBytes(4).toString('hex')}`;
  const clients: PostmartClient[] = [];
  const makeClient = (o: Partial<PostmartClientOptions> = {}) => {
    let client: PostmartClient | null = null;
    const tokens = new TokenStore(app.db, box, (shopId, rt) => client!.refreshToken(shopId, rt));
    client = new PostmartClient({
      baseUrl: `${sandbox.url}/api/v1`,
      partnerId,
      partnerKey,
      tokens,
      limiter: new RateLimiter(redis, { perSecond: 1000, burst: 1000, prefix }),
      retry: { maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 500 },
      ...over,
      ...o,
    });
    clients.push(client);
    return { client, tokens };
  };
  const { client, tokens } = makeClient();
  // The authorize redirect is a plain GET the browser would repeat; under injected faults, repeat it too.
  let location: URL | null = null;
  for (let attempt = 0; attempt < 20 && !location; attempt++) {
    const res = await request(client.authorizeUrl('http://127.0.0.1:1/v1/postmart/oauth/callback', 'st'), { method: 'GET' }).catch(() => null);
    if (!res) continue;
    await res.body.dump();
    if (res.statusCode === 302) location = new URL(String(res.headers.location));
  }
  if (!location) throw new Error('authorize never redirected');
  const code = location.searchParams.get('code')!;
  const shopId = location.searchParams.get('shop_id')!;
  if (shopId !== createdShop || location.searchParams.get('state') !== 'st') throw new Error(`authorize redirected to ${location}`);
  await tokens.save(seller.id, shopId, await client.exchangeCode(code, shopId));
  return {
    client,
    tokens,
    partnerId,
    partnerKey,
    shopId,
    sellerId: seller.id,
    makeClient,
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await redis.quit();
    },
  };
}

/** A product body in contract form. */
export function productPayload(sku: string, over: Record<string, unknown> = {}) {
  return {
    name: 'Xoài cát Hòa Lộc',
    description: 'Xoài cát Hòa Lộc Mỹ Hiệp',
    category_id: 'fruit',
    images: ['https://example.org/xoai.jpg'],
    unit: 'kg',
    weight_grams: 1000,
    origin: { province_code: '82', ward_code: '30112' },
    certifications: [],
    shelf_life_days: 7,
    skus: [{ seller_sku: sku, variant_name: '1 kg', price: 65000, stock: 100 }],
    ...over,
  };
}

/** The typed PostmartError a call failed with (the test fails if it succeeded or threw something else). */
export async function failure(p: Promise<unknown>): Promise<PostmartError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PostmartError);
  return err as PostmartError;
}
