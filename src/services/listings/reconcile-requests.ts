import { desc, eq } from 'drizzle-orm';
import { reconcileReports } from '../../../db/schema/listings.ts';
import { sellers } from '../../../db/schema/sellers.ts';
import type { Db } from '../../db.ts';
import { notFound } from '../../errors.ts';
import { toVnIso } from '../../lib/time.ts';
import { authorizeAction, type Principal } from '../accounts/access.ts';
import { outboxJobId, recordWork } from '../outbox/outbox.ts';

/**
 * POST /v1/admin/reconcile: checks who may ask and that the seller exists, then notes the request in
 * the outbox; the relay hands it to the maintenance queue as job `jobId`.
 */
export async function requestReconcile(db: Db, p: Principal, sellerId: string | undefined): Promise<{ jobId: string }> {
  authorizeAction(p, 'system', 'update');
  if (sellerId) {
    const [s] = await db.select({ id: sellers.id }).from(sellers).where(eq(sellers.id, sellerId));
    if (!s) throw notFound('seller');
  }
  const id = await recordWork(db, 'maintenance.reconcile', sellerId ? { sellerId } : {}, 'admin-reconcile');
  return { jobId: outboxJobId(id) };
}

export async function latestReconcileReports(db: Db, p: Principal, limit: number) {
  authorizeAction(p, 'system', 'read');
  const rows = await db.select().from(reconcileReports).orderBy(desc(reconcileReports.id)).limit(limit);
  return rows.map((r) => ({ ...r, startedAt: toVnIso(r.startedAt), finishedAt: r.finishedAt ? toVnIso(r.finishedAt) : null }));
}
