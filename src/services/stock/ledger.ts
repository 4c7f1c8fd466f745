import { and, eq, inArray, sql } from 'drizzle-orm';
import { productListings } from '../../../db/schema/listings.ts';
import { locationStock } from '../../../db/schema/outlets.ts';
import { products } from '../../../db/schema/products.ts';
import { stockMovements } from '../../../db/schema/stock-movements.ts';
import type { Tx } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { recordAudit, type Actor } from '../accounts/audit.ts';
import { outbox } from '../../../db/schema/outbox.ts';
import { recordListingChange } from '../outbox/listing-outbox.ts';
import { OUTBOX_CHANNEL, OUTBOX_KIND } from '../outbox/outbox.ts';
import { noteConsignedStockChange, recallConsigned } from './postmart-stock.ts';

/**
 * The stock ledger: every change of a product's stock goes through this module, which moves the
 * stock, writes its stock_movements row (so sum(delta) always equals stock) and notes the change
 * for Postmart in the outbox, all in the caller's transaction. Sellers set or adjust stock; orders
 * reserve, release and consume it.
 */

type ProductRow = typeof products.$inferSelect;

/** A new product's opening stock (typed in, or from a CSV import): its first ledger row. */
export async function recordOpeningStock(tx: Tx, productId: string, stock: number, kind: 'initial' | 'import', actorUserId: string | null): Promise<void> {
  await tx.insert(stockMovements).values({ productId, kind, delta: stock, stockAfter: stock, reason: kind === 'import' ? 'CSV import' : 'Opening stock', actorUserId });
}

/** Sets or adjusts stock under a row lock and writes the ledger row in the same transaction. */
export async function setStockLocked(
  tx: Tx,
  actor: Actor,
  current: ProductRow,
  change: { set?: number | undefined; delta?: number | undefined; reason: string },
  kind: 'set' | 'adjust' | 'import',
): Promise<ProductRow> {
  const target = change.set !== undefined ? change.set : current.stock + (change.delta ?? 0);
  const delta = target - current.stock;
  if (target < 0) throw new AppError('INSUFFICIENT_STOCK', { stock: current.stock, delta: -(change.delta ?? 0) }, 'delta');
  if (delta === 0) return current;
  const [row] = await tx
    .update(products)
    .set({ stock: target, version: sql`${products.version} + 1`, updatedAt: new Date() })
    .where(eq(products.id, current.id))
    .returning();
  await tx.insert(stockMovements).values({
    productId: current.id,
    kind,
    delta,
    stockAfter: target,
    reason: change.reason.trim(),
    actorUserId: actor.userId,
  });
  await recordAudit(tx, actor, 'product.stock', { type: 'product', id: current.id }, { stock: { from: current.stock, to: target } });
  await recordListingChange(tx, current.id, row!.version, 'stock', OUTBOX_KIND.listingPriceStock);
  return row!;
}

export type StockLine = { productId: string; qty: number };

/** One entry per product, in product id order: rows are always locked in the same order, so two orders never deadlock. */
function byProduct(lines: StockLine[]): StockLine[] {
  const qty = new Map<string, number>();
  for (const l of lines) qty.set(l.productId, (qty.get(l.productId) ?? 0) + l.qty);
  return [...qty.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([productId, q]) => ({ productId, qty: q }));
}

/**
 * Takes every line's quantity from stock, or nothing. The products are locked first, in id order
 * (so two orders never deadlock), and only if every one has enough left are they decremented, each
 * with its `reserve` ledger row and its outbox note, in one statement. So two orders can never both
 * take the last unit, the products_stock check constraint stays the database's own guarantee, and
 * the row locks are held for two round trips rather than several per line: under load each round
 * trip costs milliseconds that every order waiting on the product queues behind. The new stock
 * goes to Postmart through the outbox.
 *
 * Postmart took the order's units off its own stock when the order was placed, so what we last pushed
 * is no longer what it has: the listing forgets it (synced_stock NULL, as resyncRemoteStock does) and
 * the batch push sends our absolute stock. Comparing our stock with the last push is not enough: a
 * seller's restock in between can bring our stock back to exactly the pushed value, and then nothing
 * would be pushed while Postmart stays lower by the order (the chaos suite's "all together" saw it).
 * The listing rows are written after the products rows are locked, the order resyncRemoteStock uses.
 */
export async function reserveStock(tx: Tx, orderSn: string, lines: StockLine[]): Promise<boolean> {
  const want = byProduct(lines);
  if (want.length === 0) return true;
  const ids = want.map((l) => l.productId);
  // NO KEY UPDATE, the lock an UPDATE of the stock takes: FOR UPDATE would conflict with the key-share
  // locks that this and other orders' line inserts (foreign keys) hold on the same products, and deadlock.
  // A locked row is read as committed now (READ COMMITTED re-reads a row it had to wait for).
  const locked = await tx.select({ id: products.id, stock: products.stock }).from(products).where(inArray(products.id, ids)).orderBy(products.id).for('no key update');
  const stockOf = new Map(locked.map((r) => [r.id, r.stock]));
  if (locked.length !== want.length) return false;
  // Postmart may have sold consigned stock too (the seller's choice): what the farm lacks is recalled
  // from the post offices first, or the order is refused as before (postmart-stock.ts states the rule).
  const short = want.filter((l) => stockOf.get(l.productId)! < l.qty).map((l) => ({ productId: l.productId, qty: l.qty - stockOf.get(l.productId)! }));
  if (!(await recallConsigned(tx, orderSn, short))) return false;
  const values = sql.join(want.map((l) => sql`(${l.productId}::uuid, ${l.qty}::int)`), sql`, `);
  const res = await tx.execute<{ reserved: number }>(sql`
    WITH want(id, qty) AS (VALUES ${values}),
    taken AS (
      UPDATE ${products} p SET stock = p.stock - w.qty, version = p.version + 1, updated_at = now()
      FROM want w WHERE p.id = w.id
      RETURNING p.id, p.stock, p.version, w.qty),
    ledger AS (
      INSERT INTO ${stockMovements} (product_id, kind, delta, stock_after, reason)
      SELECT id, 'reserve', -qty, stock, ${`order ${orderSn}`} FROM taken),
    forgot AS (
      UPDATE ${productListings} l SET synced_stock = NULL, updated_at = now() FROM taken t WHERE l.product_id = t.id),
    noted AS (
      INSERT INTO ${outbox} (product_id, product_version, reason, kind)
      SELECT id, version, 'order-reserve', ${OUTBOX_KIND.listingOrderStock} FROM taken RETURNING 1),
    woken AS (SELECT pg_notify(${OUTBOX_CHANNEL}, '') FROM (SELECT 1 FROM noted LIMIT 1) x)
    SELECT (SELECT count(*) FROM taken)::int AS reserved, (SELECT count(*) FROM woken)::int AS woken`);
  if (Number(res.rows[0]!.reserved) !== want.length) throw new Error(`reservation of order ${orderSn} did not take every product`);
  return true;
}

/** Gives a cancelled or returned order's reservation back to stock. */
export async function releaseStock(tx: Tx, orderSn: string, lines: StockLine[], why: 'cancelled' | 'returned' = 'cancelled'): Promise<void> {
  for (const { productId, qty } of byProduct(lines)) {
    const [row] = await tx
      .update(products)
      .set({ stock: sql`${products.stock} + ${qty}`, version: sql`${products.version} + 1`, updatedAt: new Date() })
      .where(eq(products.id, productId))
      .returning({ stock: products.stock, version: products.version });
    await tx.insert(stockMovements).values({ productId, kind: 'release', delta: qty, stockAfter: row!.stock, reason: `order ${orderSn} ${why}`, actorUserId: null });
    await recordListingChange(tx, productId, row!.version, 'order-release', OUTBOX_KIND.listingOrderStock);
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
  for (const r of rows) await recordListingChange(tx, r.id, r.version, 'order-remote-stock', OUTBOX_KIND.listingOrderStock);
}

/*
 * Stock by location (issue 14). The farm's stock is products.stock, as above; a post office's stock
 * of a product on consignment is its location_stock row. Every movement below writes its ledger row
 * with its location (pickup_point_id, null for the farm), so sum(delta) balances per location, and
 * both stocks have a database check that they never go below zero. Rows are locked in product id
 * order, like reserveStock, so sales, transfers and orders never deadlock on each other.
 */

export type LocatedLine = { productId: string; qty: number };
type Named = { name: string };

/**
 * A transfer to a post office: takes every line from the farm's stock, or nothing
 * (INSUFFICIENT_STOCK naming the short line). The farm's new stock goes to Postmart through the outbox.
 */
export async function consignFromFarm(tx: Tx, actorUserId: string | null, reason: string, lines: LocatedLine[]): Promise<void> {
  const want = byProduct(lines);
  if (want.length === 0) return;
  const locked = await tx
    .select({ id: products.id, stock: products.stock })
    .from(products)
    .where(inArray(products.id, want.map((l) => l.productId)))
    .orderBy(products.id)
    .for('no key update');
  const stockOf = new Map(locked.map((r) => [r.id, r.stock]));
  for (const l of want) {
    const stock = stockOf.get(l.productId) ?? 0;
    if (stock < l.qty) throw new AppError('INSUFFICIENT_STOCK', { stock, delta: l.qty }, 'lines');
  }
  for (const l of want) {
    const [row] = await tx
      .update(products)
      .set({ stock: sql`${products.stock} - ${l.qty}`, version: sql`${products.version} + 1`, updatedAt: new Date() })
      .where(eq(products.id, l.productId))
      .returning({ stock: products.stock, version: products.version });
    await tx.insert(stockMovements).values({ productId: l.productId, kind: 'consign_out', delta: -l.qty, stockAfter: row!.stock, reason, actorUserId });
    await recordListingChange(tx, l.productId, row!.version, 'consign-out', OUTBOX_KIND.listingPriceStock);
  }
}

/** Unsold goods sent back from a post office go into the farm's stock again (and to Postmart). */
export async function returnToFarm(tx: Tx, actorUserId: string | null, reason: string, line: LocatedLine): Promise<void> {
  const [row] = await tx
    .update(products)
    .set({ stock: sql`${products.stock} + ${line.qty}`, version: sql`${products.version} + 1`, updatedAt: new Date() })
    .where(eq(products.id, line.productId))
    .returning({ stock: products.stock, version: products.version });
  await tx.insert(stockMovements).values({ productId: line.productId, kind: 'consign_return', delta: line.qty, stockAfter: row!.stock, reason, actorUserId });
  await recordListingChange(tx, line.productId, row!.version, 'consign-return', OUTBOX_KIND.listingPriceStock);
}

/** Goods arrive at (or come back to) a post office's shelf: a counted consignment, a voided sale. */
export async function addAtLocation(
  tx: Tx,
  actorUserId: string | null,
  at: { pickupPointId: string; sellerId: string },
  kind: 'consign_in' | 'counter_void',
  reason: string,
  line: LocatedLine,
): Promise<number> {
  const [row] = await tx
    .insert(locationStock)
    .values({ productId: line.productId, pickupPointId: at.pickupPointId, sellerId: at.sellerId, stock: line.qty })
    .onConflictDoUpdate({
      target: [locationStock.productId, locationStock.pickupPointId],
      set: { stock: sql`${locationStock.stock} + ${line.qty}`, updatedAt: new Date() },
    })
    .returning({ stock: locationStock.stock });
  if (line.qty !== 0) {
    await tx.insert(stockMovements).values({ productId: line.productId, pickupPointId: at.pickupPointId, kind, delta: line.qty, stockAfter: row!.stock, reason, actorUserId });
    await noteConsignedStockChange(tx, [line.productId]);
  }
  return row!.stock;
}

/**
 * Takes every line from a post office's shelf (a counter sale, a return), or nothing: the office's
 * rows are locked in product id order and only if each holds enough are they decremented, each with
 * its ledger row. A product the office never held counts as zero. INSUFFICIENT_OUTLET_STOCK names
 * the short product.
 */
export async function takeAtLocation(
  tx: Tx,
  actorUserId: string | null,
  pickupPointId: string,
  kind: 'counter_sale' | 'consign_return',
  reason: string,
  lines: (LocatedLine & Named)[],
): Promise<void> {
  const names = new Map(lines.map((l) => [l.productId, l.name]));
  const want = byProduct(lines);
  if (want.length === 0) return;
  const locked = await tx
    .select({ productId: locationStock.productId, stock: locationStock.stock })
    .from(locationStock)
    .where(and(eq(locationStock.pickupPointId, pickupPointId), inArray(locationStock.productId, want.map((l) => l.productId))))
    .orderBy(locationStock.productId)
    .for('no key update');
  const stockOf = new Map(locked.map((r) => [r.productId, r.stock]));
  for (const l of want) {
    const stock = stockOf.get(l.productId) ?? 0;
    if (stock < l.qty) throw new AppError('INSUFFICIENT_OUTLET_STOCK', { stock, qty: l.qty, product: names.get(l.productId) ?? l.productId }, 'lines');
  }
  for (const l of want) {
    const [row] = await tx
      .update(locationStock)
      .set({ stock: sql`${locationStock.stock} - ${l.qty}`, updatedAt: new Date() })
      .where(and(eq(locationStock.productId, l.productId), eq(locationStock.pickupPointId, pickupPointId)))
      .returning({ stock: locationStock.stock });
    await tx.insert(stockMovements).values({ productId: l.productId, pickupPointId, kind, delta: -l.qty, stockAfter: row!.stock, reason, actorUserId });
  }
  await noteConsignedStockChange(tx, want.map((l) => l.productId));
}
