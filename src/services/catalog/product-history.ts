import { desc, eq, and } from 'drizzle-orm';
import { auditLog } from '../../../db/schema/audit-log.ts';
import { products } from '../../../db/schema/products.ts';
import { users } from '../../../db/schema/users.ts';
import type { Db } from '../../db.ts';
import { toVnIso } from '../../lib/time.ts';
import { authorize, type Principal } from '../accounts/access.ts';

/**
 * GET /v1/products/:id/history: every audited change of the product, newest first: who, what
 * changed from what to what, and, when a clerk acted for the seller, under which authorization.
 */
export async function productHistory(db: Db, p: Principal, id: string, limit: number) {
  const [product] = await db.select().from(products).where(eq(products.id, id));
  authorize(p, 'product', 'read', product ?? null);
  const rows = await db
    .select({ a: auditLog, actorName: users.name, actorRole: users.role })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(eq(auditLog.entityType, 'product'), eq(auditLog.entityId, id)))
    .orderBy(desc(auditLog.id))
    .limit(limit);
  return {
    items: rows.map(({ a, actorName, actorRole }) => ({
      at: toVnIso(a.at),
      action: a.action,
      actorUserId: a.actorUserId,
      actorName,
      actorRole,
      changes: a.changes,
      authorizationId: a.authorizationId,
      onBehalfOfSellerId: a.onBehalfOfSellerId,
      // "clerk X for seller Y under authorization Z", for people to read.
      summary: a.authorizationId ? `${actorName ?? a.actorUserId} (clerk) for seller ${a.onBehalfOfSellerId} under authorization ${a.authorizationId}` : null,
    })),
  };
}
