import { eq } from 'drizzle-orm';
import type { RedisConnection } from '../redis.ts';
import type { Logger } from 'pino';
import { postmartPartners } from '../../db/schema/postmart.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db.ts';
import { SecretBox } from '../lib/secret-box.ts';
import { PostmartClient } from './client/client.ts';
import { RateLimiter } from './client/rate-limiter.ts';
import { TokenStore } from './client/token-store.ts';

export type PartnerCredentials = { partnerId: string; partnerKey: string };

export type Postmart = {
  client: PostmartClient;
  tokens: TokenStore;
  partner: PartnerCredentials;
  close: () => Promise<void>;
};

/** Partner credentials: the environment's for a real Postmart, else the ones the start-up seed stored for this base URL. */
export async function loadPartner(config: Config, db: Db): Promise<PartnerCredentials | null> {
  if (config.postmartPartner) return config.postmartPartner;
  const [row] = await db.select().from(postmartPartners).where(eq(postmartPartners.baseUrl, config.postmartBaseUrl));
  return row ? { partnerId: row.partnerId, partnerKey: new SecretBox(config.tokenEncryptionKey).open(row.partnerKeyEnc) } : null;
}

/**
 * Wires the typed client to its token store and the Redis rate limiter shared by every process.
 * Returns null while no partner credentials exist yet (sandbox not seeded, or env not set).
 */
export async function createPostmart(deps: { config: Config; db: Db; redis: RedisConnection; log?: Logger }): Promise<Postmart | null> {
  const partner = await loadPartner(deps.config, deps.db);
  if (!partner) return null;
  const box = new SecretBox(deps.config.tokenEncryptionKey);
  // The token store refreshes through the client, and the client reads tokens from the store.
  let client: PostmartClient | null = null;
  const tokens = new TokenStore(deps.db, box, (shopId, refreshToken) => client!.refreshToken(shopId, refreshToken));
  const limiter = new RateLimiter(deps.redis, { ...deps.config.postmartRate, prefix: deps.config.queuePrefix });
  client = new PostmartClient({ baseUrl: deps.config.postmartBaseUrl, ...partner, tokens, limiter, log: deps.log });
  const c = client;
  return { client: c, tokens, partner, close: () => c.close() };
}
