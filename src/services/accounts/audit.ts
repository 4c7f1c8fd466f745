import { auditLog } from '../../../db/schema/audit-log.ts';
import type { DbOrTx } from '../../db.ts';
import type { Mandate } from './access.ts';
import { mandateForEntity } from './on-behalf.ts';

/** `mandates`: a clerk's live authorizations; a change of a seller's object is logged as made under the one for that seller. */
export type Actor = { userId: string | null; requestId?: string | undefined; mandates?: readonly Mandate[] | undefined };

/** Fields whose values differ between two snapshots; secrets are never written to the log. */
export function diff(before: Record<string, unknown> | null, after: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, to] of Object.entries(after)) {
    if (key === 'passwordHash' || key === 'updatedAt' || key === 'createdAt') continue;
    const from = before ? before[key] : null;
    if (JSON.stringify(from) !== JSON.stringify(to)) out[key] = { from: from ?? null, to: to ?? null };
  }
  return out;
}

export async function recordAudit(
  db: DbOrTx,
  actor: Actor,
  action: string,
  entity: { type: string; id: string },
  changes: Record<string, { from: unknown; to: unknown }>,
): Promise<void> {
  const mandate = actor.mandates?.length ? await mandateForEntity(db, actor.mandates, entity) : null;
  await db.insert(auditLog).values({
    actorUserId: actor.userId,
    action,
    entityType: entity.type,
    entityId: entity.id,
    changes,
    requestId: actor.requestId ?? null,
    authorizationId: mandate?.authorizationId ?? null,
    onBehalfOfSellerId: mandate?.sellerId ?? null,
  });
}
