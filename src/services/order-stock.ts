import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import { productListings } from '../../db/schema/listings.ts';
import { products } from '../../db/schema/products.ts';
import { stockMovements } from '../../db/schema/stock-movements.ts';
import type { Tx } from '../db.ts';
import { recordListingChange } from './listing-outbox.ts';

export type StockLine = { productId: string; qty: number };

/** One entry per product, in product id order: rows are always locked in the same order, so two orders never deadlock. */
function byProduct(lines: StockLine[]): StockLine[] {
  const qty = new Map<string, number>();
  for (const l of lines) qty.set(l.productId, (qty.get(l.productId) ?? 0) + l.qty);
  return [...qty.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([productId, q]) => ({ productId, qty: q }));
}

class OutOfStock extends Error {}

/**
 * Takes every line's quantity from stock, or nothing: each product is decremented by a conditional
 * update (`stock >= qty`), so two orders can never both take the last unit, and the products_stock
 * check constraint stays the database's own guarantee. A line that cannot be served rolls the others
 * back (a savepoint) and the answer is false. The new stock goes to Postmart through the outbox.
 */
export async function reserveStock(tx: Tx, orderSn: string, lines: StockLine[]): Promise<boolean> {
  try {
    await tx.transaction(async (sp) => {
      for (const { productId, qty } of byProduct(lines)) {
        const [row] = await sp
          .update(products)
          .set({ stock: sql`${products.stock} - ${qty}`, version: sql`${products.version} + 1`, updatedAt: new Date() })
          .where(and(eq(products.id, productId), gte(products.stock, qty)))
          .returning({ stock: products.stock, version: products.version });
        if (!row) throw new OutOfStock(productId);
        await sp.insert(stockMovements).values({ productId, kind: 'reserve', delta: -qty, stockAfter: row.stock, reason: `order ${orderSn}`, actorUserId: null });
        await recordListingChange(sp, productId, row.version, 'order-reserve', 'price_stock');
      }
    });
    return true;
  } catch (err) {
    if (err instanceof OutOfStock) return false;
    throw err;
  }
}

/** Gives a cancelled order's reservation back to stock. */
export async function releaseStock(tx: Tx, orderSn: string, lines: StockLine[]): Promise<void> {
  for (const { productId, qty } of byProduct(lines)) {
    const [row] = await tx
      .update(products)
      .set({ stock: sql`${products.stock} + ${qty}`, version: sql`${products.version} + 1`, updatedAt: new Date() })
      .where(eq(products.id, productId))
      .returning({ stock: products.stock, version: products.version });
    await tx.insert(stockMovements).values({ productId, kind: 'release', delta: qty, stockAfter: row!.stock, reason: `order ${orderSn} cancelled`, actorUserId: null });
    await recordListingChange(tx, productId, row!.version, 'order-release', 'price_stock');
  }
}

/**
 * A delivered order's reservation became a sale. Stock already fell at reservation, so the ledger
 * row has delta 0: the story is complete and sum(delta) still equals stock.
 */
export async function consumeStock(tx: Tx, orderSn: string, lines: StockLine[]): Promise<void> {
  for (const { productId, qty } of byProduct(lines)) {
    const [row] = await tx.select({ stock: products.stock }).from(products).where(eq(products.id, productId)).for('update');
    await tx.insert(stockMovements).values({ productId, kind: 'consume', delta: 0, stockAfter: row!.stock, reason: `order ${orderSn} delivered (${qty})`, actorUserId: null });
  }
}

/**
 * Postmart moves its own stock when an order is placed or cancelled (postmart-api.md#orders), so
 * what we last pushed is no longer what it has: forget it and let the batch push our absolute stock.
 */
export async function resyncRemoteStock(tx: Tx, productIds: string[]): Promise<void> {
  const ids = [...new Set(productIds)].sort();
  if (ids.length === 0) return;
  await tx.update(productListings).set({ syncedStock: null, updatedAt: new Date() }).where(inArray(productListings.productId, ids));
  const rows = await tx.select({ id: products.id, version: products.version }).from(products).where(inArray(products.id, ids));
  for (const r of rows) await recordListingChange(tx, r.id, r.version, 'order-remote-stock', 'price_stock');
}
