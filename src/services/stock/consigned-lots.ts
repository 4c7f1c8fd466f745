import { and, asc, eq, sql } from 'drizzle-orm';
import { consignmentLines, consignments, type LotTake } from '../../../db/schema/outlets.ts';
import type { Tx } from '../../db.ts';

/**
 * Takes `qty` of a product from its lots at the office, nearest best-before first (the shelf row is
 * already locked): sum(remaining) of an office's lots of a product stays its location_stock. Used by
 * counter sales and by an order's recall of consigned stock (postmart-stock.ts).
 */
export async function takeFromLots(tx: Tx, pickupPointId: string, productId: string, qty: number): Promise<LotTake[]> {
  const lots = await tx
    .select({ id: consignmentLines.id, remaining: consignmentLines.remaining })
    .from(consignmentLines)
    .innerJoin(consignments, eq(consignments.id, consignmentLines.consignmentId))
    .where(and(eq(consignments.pickupPointId, pickupPointId), eq(consignmentLines.productId, productId), sql`${consignmentLines.remaining} > 0`))
    .orderBy(sql`${consignmentLines.bestBefore} ASC NULLS LAST`, asc(consignmentLines.id))
    .for('update', { of: consignmentLines });
  const taken: LotTake[] = [];
  let left = qty;
  for (const lot of lots) {
    if (left === 0) break;
    const q = Math.min(left, lot.remaining);
    await tx.update(consignmentLines).set({ remaining: sql`${consignmentLines.remaining} - ${q}` }).where(eq(consignmentLines.id, lot.id));
    taken.push({ lineId: lot.id, qty: q });
    left -= q;
  }
  // The shelf row and its lots move together; a mismatch is a bug, not a buyer's problem.
  if (left > 0) throw new Error(`lots of product ${productId} at ${pickupPointId} hold less than its location stock`);
  return taken;
}
