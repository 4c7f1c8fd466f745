import { and, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import { authorizations } from '../../../db/schema/counter.ts';
import { orders } from '../../../db/schema/orders.ts';
import { products } from '../../../db/schema/products.ts';
import type { DbOrTx } from '../../db.ts';
import type { Mandate, Principal } from './access.ts';

/**
 * The live authorizations (ủy quyền) of a post office: not revoked, and valid now by the database's
 * clock, so every replica agrees on the instant one expires.
 */
export async function liveMandates(db: DbOrTx, pickupPointId: string): Promise<Mandate[]> {
  const rows = await db
    .select({ authorizationId: authorizations.id, sellerId: authorizations.sellerId, scopes: authorizations.scopes })
    .from(authorizations)
    .where(and(eq(authorizations.pickupPointId, pickupPointId), isNull(authorizations.revokedAt), lte(authorizations.validFrom, sql`now()`), gt(authorizations.validUntil, sql`now()`)));
  return rows;
}

/**
 * The principal as services see it: a clerk with their office's live authorizations read now (never
 * cached), so an expired or revoked one stops counting at once. The API's authentication and the
 * counter pages that call a service directly (the Postmart connection) both use this.
 */
export async function withMandates(db: DbOrTx, p: Principal): Promise<Principal> {
  return p.role === 'post_office_clerk' && p.pickupPointId ? { ...p, mandates: await liveMandates(db, p.pickupPointId) } : p;
}

/** The words an order event adds when a clerk acted for the seller: "clerk X for seller Y under authorization Z". */
export const onBehalfNote = (p: Principal, m: Mandate | null) => (m ? ` (clerk ${p.name} [${p.id}] for seller ${m.sellerId} under authorization ${m.authorizationId})` : '');

/**
 * Which of the actor's authorizations an audited change of this entity was made under: the one for
 * the entity's seller. Only clerks acting for a seller carry authorizations, so others cost nothing.
 */
export async function mandateForEntity(db: DbOrTx, mandates: readonly Mandate[], entity: { type: string; id: string }): Promise<Mandate | null> {
  let sellerId: string | null = null;
  if (entity.type === 'seller') sellerId = entity.id;
  else if (entity.type === 'product') sellerId = (await db.select({ s: products.sellerId }).from(products).where(eq(products.id, entity.id)))[0]?.s ?? null;
  else if (entity.type === 'order') sellerId = (await db.select({ s: orders.sellerId }).from(orders).where(eq(orders.id, entity.id)))[0]?.s ?? null;
  return mandates.find((m) => m.sellerId === sellerId) ?? null;
}
