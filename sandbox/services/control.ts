import { eq, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import * as schema from '../db/schema.ts';
import { partners, shops } from '../db/schema.ts';
import type { SandboxDb } from '../db.ts';
import { notFound } from '../errors.ts';
import { newPartnerId, newPartnerKey, newShopId } from '../ids.ts';
import { seedPostOffices } from './post-offices.ts';

/** POST /sandbox/partners {name} → {partner_id, partner_key} */
export async function createPartner(db: SandboxDb, name: string) {
  const partner = { id: newPartnerId(), name, partnerKey: newPartnerKey() };
  await db.insert(partners).values(partner);
  return { partner_id: partner.id, partner_key: partner.partnerKey };
}

/** PUT /sandbox/partners/{partner_id}/webhook {url}: the one callback URL of the partner (null removes it). */
export async function setWebhookUrl(db: SandboxDb, partnerId: string, url: string | null): Promise<void> {
  const updated = await db.update(partners).set({ webhookUrl: url }).where(eq(partners.id, partnerId)).returning({ id: partners.id });
  if (updated.length === 0) throw notFound('partner', partnerId);
}

/** POST /sandbox/shops {partner_id, name} → {shop_id} */
export async function createShop(db: SandboxDb, partnerId: string, name: string) {
  const [partner] = await db.select({ id: partners.id }).from(partners).where(eq(partners.id, partnerId));
  if (!partner) throw notFound('partner', partnerId);
  const id = newShopId();
  await db.insert(shops).values({ id, partnerId, name });
  return { shop_id: id };
}

export async function requireShop(db: SandboxDb, shopId: string): Promise<void> {
  const [shop] = await db.select({ id: shops.id }).from(shops).where(eq(shops.id, shopId));
  if (!shop) throw notFound('shop', shopId);
}

/** POST /sandbox/reset: empties every sandbox table in one statement, then puts the demo post offices back. */
export async function resetAll(db: SandboxDb): Promise<void> {
  const tables = (Object.values(schema) as unknown[]).filter((v): v is PgTable => is(v, PgTable));
  await db.execute(sql`TRUNCATE ${sql.join(tables, sql`, `)} RESTART IDENTITY CASCADE`);
  await seedPostOffices(db);
}
