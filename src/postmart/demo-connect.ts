import { eq, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import { request } from 'undici';
import { DEMO_SELLERS } from '../../db/seed/demo.ts';
import { postmartPartners, postmartShops } from '../../db/schema/postmart.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db.ts';
import { SecretBox } from '../lib/secret-box.ts';
import { createRedis } from '../redis.ts';
import { syncPickupPoints } from '../services/fulfillment/pickup-sync.ts';
import { createPostmart } from './index.ts';
import { OAUTH_CALLBACK_PATH, WEBHOOK_PATH } from './paths.ts';


async function control<T>(origin: string, method: 'POST' | 'PUT', path: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await request(`${origin}/sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.body.text();
  return { status: res.statusCode, body: (text ? JSON.parse(text) : null) as T };
}

/**
 * Against the embedded sandbox only: makes the connector a partner app (stored encrypted), points
 * the partner's webhook at this API, and connects every demo seller's shop through the same OAuth
 * exchange a real seller goes through, so a new user's `npm start` shows connected shops.
 * Idempotent: a second start finds the partner and the connected shops and changes nothing.
 */
export async function connectDemoShops(config: Config, db: Db, log: Logger): Promise<void> {
  if (!config.postmartIsSandbox || config.postmartPartner) return;
  const origin = new URL(config.postmartBaseUrl).origin;
  const box = new SecretBox(config.tokenEncryptionKey);
  const webhookUrl = `${config.publicUrl}${WEBHOOK_PATH}`;

  let [partner] = await db.select().from(postmartPartners).where(eq(postmartPartners.baseUrl, config.postmartBaseUrl));
  if (partner) {
    const hook = await control(origin, 'PUT', `/partners/${encodeURIComponent(partner.partnerId)}/webhook`, { url: webhookUrl });
    if (hook.status >= 400) {
      // The sandbox forgot us (its state was reset): start over with a new partner app.
      log.warn({ status: hook.status }, 'sandbox does not know our partner app any more; registering again');
      await db.delete(postmartPartners).where(eq(postmartPartners.baseUrl, config.postmartBaseUrl));
      await db.delete(postmartShops).where(inArray(postmartShops.sellerId, DEMO_SELLERS.map((s) => s.id)));
      partner = undefined;
    }
  }
  if (!partner) {
    const created = await control<{ partner_id: string; partner_key: string }>(origin, 'POST', '/partners', { name: 'Đồng Tháp Postmart Connector' });
    if (created.status >= 300) throw new Error(`sandbox refused to create a partner app: ${JSON.stringify(created.body)}`);
    await control(origin, 'PUT', `/partners/${encodeURIComponent(created.body.partner_id)}/webhook`, { url: webhookUrl });
    [partner] = await db
      .insert(postmartPartners)
      .values({ baseUrl: config.postmartBaseUrl, partnerId: created.body.partner_id, partnerKeyEnc: box.seal(created.body.partner_key), webhookUrl })
      .returning();
    log.info({ partnerId: created.body.partner_id }, 'registered the connector as a partner app on the Postmart sandbox');
  }
  if (!config.seedDemo || config.env === 'production') return;

  const connected = new Set(
    (await db.select({ sellerId: postmartShops.sellerId }).from(postmartShops).where(eq(postmartShops.status, 'connected'))).map((r) => r.sellerId),
  );
  const missing = DEMO_SELLERS.filter((s) => !connected.has(s.id));
  if (missing.length === 0) return;
  const redis = createRedis(config.redisUrl, 'worker');
  const pm = await createPostmart({ config, db, redis, log });
  try {
    for (const seller of missing) {
      const shop = await control<{ shop_id: string }>(origin, 'POST', '/shops', { partner_id: partner!.partnerId, name: seller.name });
      // shop_id on the authorize URL is a sandbox extension choosing which shop approves.
      const url = `${pm!.client.authorizeUrl(`${config.publicUrl}${OAUTH_CALLBACK_PATH}`, `demo-${seller.id}`)}&shop_id=${encodeURIComponent(shop.body.shop_id)}`;
      const res = await request(url, { method: 'GET' });
      await res.body.dump();
      const back = new URL(String(res.headers.location));
      const code = back.searchParams.get('code');
      if (res.statusCode !== 302 || !code) throw new Error(`sandbox authorize answered ${res.statusCode}`);
      await pm!.tokens.save(seller.id, shop.body.shop_id, await pm!.client.exchangeCode(code, shop.body.shop_id));
    }
    log.info({ shops: missing.length }, 'connected the demo sellers to their Postmart sandbox shops');
    // The registry learns the sandbox's post offices now rather than at the nightly sync; the demo points keep their capacity.
    const synced = await syncPickupPoints({ db, postmart: async () => pm! });
    log.info(synced, 'pickup points synced from the Postmart sandbox');
  } finally {
    await pm?.close();
    await redis.quit();
  }
}
