import { and, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { locationStock } from '../../../db/schema/outlets.ts';
import { OUTBOX_KIND, outbox } from '../../../db/schema/outbox.ts';
import { products } from '../../../db/schema/products.ts';
import { sellers } from '../../../db/schema/sellers.ts';
import { stockMovements } from '../../../db/schema/stock-movements.ts';
import type { DbOrTx, Tx } from '../../db.ts';
import { notifyOutbox } from '../outbox/outbox.ts';
import { takeFromLots } from './consigned-lots.ts';

/*
 * What Postmart sells (issue 14, "What Postmart sees stays the farm's stock unless the seller chooses
 * to include a post office's consigned stock; every existing guarantee holds per location").
 *
 * The seller's choice is sellers.postmart_includes_consigned (default off). Off, Postmart's stock is
 * the farm's (products.stock). On, it is the farm's plus every post office's consigned stock of the
 * product (location_stock): postmartStock below, which the listing sync, the batch push and the
 * reconcile read instead of products.stock.
 *
 * The rule for an order Postmart sold against that stock (reserveStock in ledger.ts): it takes the
 * farm's stock first. Only the part the farm cannot cover is RECALLED from the post offices, the
 * largest holding first (ties by office id): a ledger-recorded move off the office's shelf and its
 * lots (nearest best-before first) onto the farm's stock (kind consign_return at both locations),
 * then reserved from the farm as any order is. So:
 *   - every location only ever gives what it holds, under its row lock (location_stock and the
 *     farm's products row both have a database check >= 0), and sum(delta) balances per location;
 *   - a reservation stays a farm-only idea: release on cancel, consume on delivery, returns and the
 *     label's sender are unchanged (the recalled goods travel back to the farm, or the office packs
 *     the parcel itself; either way the office's shelf no longer counts them);
 *   - nothing is recalled when the farm suffices or the seller's setting is off (then an order
 *     beyond the farm's stock is refused OUT_OF_STOCK exactly as before).
 * Locks: products rows first (reserveStock, in id order), then the offices' shelf rows (in product,
 * office order), then their lots: a counter sale locks only shelf rows then lots, and a restocked
 * consignment return locks the product before the shelf (consignments.ts), so no cycle forms.
 */

/** Postmart's stock of the product as SQL over `products`: the farm's, plus consigned stock when its seller chose so. */
export const postmartStock = sql<number>`(${products.stock} + CASE WHEN (SELECT ${sellers.postmartIncludesConsigned} FROM ${sellers} WHERE ${sellers.id} = ${products.sellerId})
  THEN coalesce((SELECT sum(ls.stock) FROM ${locationStock} ls WHERE ls.product_id = ${products.id}), 0) ELSE 0 END)::int`;

/** The product's columns with `stock` as Postmart should have it: what the listing code reads. */
export const productAsListed = { ...getTableColumns(products), stock: postmartStock };

/**
 * A post office's consigned stock of these products moved: where the seller counts it in Postmart's
 * stock, the batch push must follow (a price/stock note at the product's current version).
 */
export async function noteConsignedStockChange(tx: DbOrTx, productIds: string[]): Promise<void> {
  const ids = [...new Set(productIds)];
  if (ids.length === 0) return;
  const res = await tx.execute(sql`
    INSERT INTO ${outbox} (kind, product_id, product_version, reason)
    SELECT ${OUTBOX_KIND.listingPriceStock}, p.id, p.version, 'consigned-stock'
    FROM ${products} p JOIN ${sellers} s ON s.id = p.seller_id
    WHERE p.id IN (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)}) AND s.postmart_includes_consigned`);
  if ((res.rowCount ?? 0) > 0) await notifyOutbox(tx);
}

/**
 * Recalls from the post offices what the farm lacks for an order (the rule above), the products'
 * rows being locked by the caller. `short` is, per product, how many units the farm is missing.
 * Returns false, having changed nothing, when a product's seller does not count consigned stock
 * or the offices together hold too little.
 */
export async function recallConsigned(tx: Tx, orderSn: string, short: { productId: string; qty: number }[]): Promise<boolean> {
  if (short.length === 0) return true;
  const ids = short.map((l) => l.productId);
  const counted = await tx
    .select({ id: products.id })
    .from(products)
    .innerJoin(sellers, eq(sellers.id, products.sellerId))
    .where(and(inArray(products.id, ids), eq(sellers.postmartIncludesConsigned, true)));
  if (counted.length !== new Set(ids).size) return false;
  const shelves = await tx
    .select({ productId: locationStock.productId, pickupPointId: locationStock.pickupPointId, stock: locationStock.stock })
    .from(locationStock)
    .where(and(inArray(locationStock.productId, ids), sql`${locationStock.stock} > 0`))
    .orderBy(locationStock.productId, locationStock.pickupPointId)
    .for('no key update');
  const plan: { productId: string; pickupPointId: string; qty: number }[] = [];
  for (const l of short) {
    let left = l.qty;
    const held = shelves.filter((s) => s.productId === l.productId).sort((a, b) => b.stock - a.stock || (a.pickupPointId < b.pickupPointId ? -1 : 1));
    for (const s of held) {
      if (left === 0) break;
      const q = Math.min(left, s.stock);
      plan.push({ productId: l.productId, pickupPointId: s.pickupPointId, qty: q });
      left -= q;
    }
    if (left > 0) return false;
  }
  const reason = `order ${orderSn}: recalled from the post office for a Postmart order`;
  for (const t of plan) {
    const [shelf] = await tx
      .update(locationStock)
      .set({ stock: sql`${locationStock.stock} - ${t.qty}`, updatedAt: new Date() })
      .where(and(eq(locationStock.productId, t.productId), eq(locationStock.pickupPointId, t.pickupPointId)))
      .returning({ stock: locationStock.stock });
    await takeFromLots(tx, t.pickupPointId, t.productId, t.qty);
    await tx.insert(stockMovements).values({ productId: t.productId, pickupPointId: t.pickupPointId, kind: 'consign_return', delta: -t.qty, stockAfter: shelf!.stock, reason, actorUserId: null });
    const [farm] = await tx
      .update(products)
      .set({ stock: sql`${products.stock} + ${t.qty}`, version: sql`${products.version} + 1`, updatedAt: new Date() })
      .where(eq(products.id, t.productId))
      .returning({ stock: products.stock });
    await tx.insert(stockMovements).values({ productId: t.productId, kind: 'consign_return', delta: t.qty, stockAfter: farm!.stock, reason, actorUserId: null });
  }
  return true;
}
