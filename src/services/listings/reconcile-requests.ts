import { desc, eq } from 'drizzle-orm';
import { reconcileReports } from '../../../db/schema/listings.ts';
import { sellers } from '../../../db/schema/sellers.ts';
import type { Db } from '../../db.ts';
import { notFound } from '../../errors.ts';
import { toVnIso } from '../../lib/time.ts';
import { authorizeAction, type Principal } from '../accounts/access.ts';

/** Checks who may ask for a reconcile and that the seller exists; the caller queues the job. */
export async function authorizeReconcile(db: Db, p: Principal, sellerId: string | undefined): Promise<void> {
  authorizeAction(p, 'system', 'update');
  if (sellerId) {
    const [s] = await db.select({ id: sellers.id }).from(sellers).where(eq(sellers.id, sellerId));
    if (!s) throw notFound('seller');
  }
}

export async function latestReconcileReports(db: Db, p: Principal, limit: number) {
  authorizeAction(p, 'system', 'read');
  const rows = await db.select().from(reconcileReports).orderBy(desc(reconcileReports.id)).limit(limit);
  return rows.map((r) => ({ ...r, startedAt: toVnIso(r.startedAt), finishedAt: r.finishedAt ? toVnIso(r.finishedAt) : null }));
}
