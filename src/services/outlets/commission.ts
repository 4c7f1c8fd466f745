import { and, desc, eq, lte, sql } from 'drizzle-orm';
import { commissionRates } from '../../../db/schema/outlets.ts';
import { sellers } from '../../../db/schema/sellers.ts';
import type { Db, DbOrTx } from '../../db.ts';
import { AppError, invalid, notFound } from '../../errors.ts';
import { toVnIso } from '../../lib/time.ts';
import { authorize, authorizeAction, type Principal } from '../accounts/access.ts';

/**
 * The commission a post office keeps on a seller's consignment sales, agreed per seller, with its
 * history. A new rate starts now or later, never earlier: a sale carries the rate in force when it
 * was made (counter_sale_lines.commission_bp), so no later agreement can reach back to it.
 */

export type CommissionRateView = { id: number; sellerId: string; rateBp: number; effectiveFrom: string; note: string; setBy: string | null; createdAt: string };

const view = (r: typeof commissionRates.$inferSelect): CommissionRateView => ({
  id: r.id, sellerId: r.sellerId, rateBp: r.rateBp, effectiveFrom: toVnIso(r.effectiveFrom), note: r.note, setBy: r.setBy, createdAt: toVnIso(r.createdAt),
});

/** The rate in force for the seller at `at` (default now), or NO_COMMISSION_RATE. */
export async function rateInForce(db: DbOrTx, seller: { id: string; name: string }, at?: Date): Promise<number> {
  const [r] = await db
    .select({ rateBp: commissionRates.rateBp })
    .from(commissionRates)
    .where(and(eq(commissionRates.sellerId, seller.id), lte(commissionRates.effectiveFrom, at ?? sql`now()`)))
    .orderBy(desc(commissionRates.effectiveFrom))
    .limit(1);
  if (!r) throw new AppError('NO_COMMISSION_RATE', { seller: seller.name });
  return r.rateBp;
}

/** Commission on one sale line: rounded to the đồng, half up (integer VND, 1 bp = 1/10 000). */
export function commissionOf(amountVnd: number, rateBp: number): number {
  return Math.floor((amountVnd * rateBp + 5000) / 10000);
}

async function loadSeller(db: DbOrTx, id: string) {
  const [s] = await db.select({ id: sellers.id, name: sellers.name }).from(sellers).where(eq(sellers.id, id));
  return s ?? null;
}

export async function setCommissionRate(
  db: Db,
  p: Principal,
  sellerId: string,
  input: { rateBp: number; effectiveFrom?: string | undefined; note?: string | undefined },
): Promise<CommissionRateView> {
  authorizeAction(p, 'settlement', 'update');
  if (!(await loadSeller(db, sellerId))) throw notFound('seller');
  const from = input.effectiveFrom === undefined ? null : new Date(input.effectiveFrom);
  // A minute of grace for the client's clock; the database check says the same.
  if (from !== null && from.getTime() < Date.now() - 60_000) {
    throw invalid('effectiveFrom', { vi: 'mức hoa hồng không được áp dụng hồi tố; chọn thời điểm từ bây giờ trở đi', en: 'a commission rate cannot apply retroactively; choose now or later' });
  }
  const [row] = await db
    .insert(commissionRates)
    .values({ sellerId, rateBp: input.rateBp, effectiveFrom: from ?? sql`now()`, note: input.note?.trim() ?? '', setBy: p.id })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new AppError('CONFLICT', { detail: { vi: 'đã có mức bắt đầu đúng thời điểm này', en: 'a rate already starts at that instant' } }, 'effectiveFrom');
  return view(row);
}

export async function listCommissionRates(db: Db, p: Principal, sellerId: string): Promise<CommissionRateView[]> {
  const seller = await loadSeller(db, sellerId);
  authorize(p, 'settlement', 'read', seller ? { sellerId: seller.id } : null);
  const rows = await db.select().from(commissionRates).where(eq(commissionRates.sellerId, sellerId)).orderBy(desc(commissionRates.effectiveFrom));
  return rows.map(view);
}
