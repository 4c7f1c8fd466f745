import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { RETURN_REASONS } from '../../../db/schema/outlets.ts';
import { consignmentLines, consignmentReturns, consignments } from '../../../db/schema/outlets.ts';
import { products } from '../../../db/schema/products.ts';
import { sellers } from '../../../db/schema/sellers.ts';
import type { Db, DbOrTx, Tx } from '../../db.ts';
import { AppError, invalid, notFound } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { addDays, toVnIso, vnToday } from '../../lib/time.ts';
import { authorize, authorizeAction, canSee, type Principal } from '../accounts/access.ts';
import { addAtLocation, consignFromFarm, returnToFarm, takeAtLocation } from '../stock/ledger.ts';
import { rateInForce } from './commission.ts';
import { loadPoint, pointFor } from './outlet-points.ts';

/**
 * Consignment (issue 14): a seller sends goods to a post office; the farm's stock falls when they
 * leave. The clerk counts them in, and the count, not what was sent, goes on the office's shelf;
 * the difference stays on the consignment for both sides to see. The clerk sends back what did not
 * sell or is near its best-before; unsold goods return to the farm's stock.
 */

export type ConsignmentLineInput = { productId: string; qty: number; lot?: string | undefined; harvestDate?: string | undefined; shelfLifeDays?: number | undefined };
export type ConsignmentInput = { sellerId?: string | undefined; pickupPointId: string; note?: string | undefined; lines: ConsignmentLineInput[] };

type LineRow = typeof consignmentLines.$inferSelect;
export type ConsignmentLineView = Omit<LineRow, 'consignmentId'> & { sku: string; name: string; difference: number | null };
export type ConsignmentView = {
  id: string; sellerId: string; pickupPointId: string; state: 'sent' | 'received'; note: string;
  sentAt: string; sentBy: string | null; receivedAt: string | null; receivedBy: string | null;
  lines: ConsignmentLineView[];
};

async function view(db: DbOrTx, id: string): Promise<ConsignmentView | null> {
  const [c] = await db.select().from(consignments).where(eq(consignments.id, id));
  if (!c) return null;
  const lines = await db
    .select({ line: consignmentLines, sku: products.sku, name: products.name })
    .from(consignmentLines)
    .innerJoin(products, eq(products.id, consignmentLines.productId))
    .where(eq(consignmentLines.consignmentId, id))
    .orderBy(asc(consignmentLines.id));
  return {
    id: c.id, sellerId: c.sellerId, pickupPointId: c.pickupPointId, state: c.state, note: c.note,
    sentAt: toVnIso(c.sentAt), sentBy: c.sentBy, receivedAt: c.receivedAt ? toVnIso(c.receivedAt) : null, receivedBy: c.receivedBy,
    lines: lines.map(({ line: { consignmentId: _c, ...l }, sku, name }) => ({ ...l, sku, name, difference: l.qtyReceived === null ? null : l.qtyReceived - l.qtySent })),
  };
}

export async function getConsignment(db: Db, p: Principal, id: string): Promise<ConsignmentView> {
  const c = await view(db, id);
  authorize(p, 'consignment', 'read', c);
  return c!;
}

export async function listConsignments(db: Db, p: Principal, q: { state?: 'sent' | 'received' | undefined; limit: number }): Promise<ConsignmentView[]> {
  authorizeAction(p, 'consignment', 'list');
  const scope = p.role === 'seller_manager' ? eq(consignments.sellerId, p.sellerId ?? '') : p.role === 'post_office_clerk' ? eq(consignments.pickupPointId, p.pickupPointId ?? '') : undefined;
  const rows = await db
    .select({ id: consignments.id })
    .from(consignments)
    .where(and(scope, q.state ? eq(consignments.state, q.state) : undefined))
    .orderBy(desc(consignments.sentAt), desc(consignments.id))
    .limit(q.limit);
  const out: ConsignmentView[] = [];
  for (const r of rows) out.push((await view(db, r.id))!);
  return out;
}

/** The seller sends goods: the farm's stock falls at once (INSUFFICIENT_STOCK otherwise), the office counts them in later. */
export async function createConsignment(db: Db, p: Principal, input: ConsignmentInput): Promise<ConsignmentView> {
  authorizeAction(p, 'consignment', 'create');
  const sellerId = p.role === 'seller_manager' ? p.sellerId : input.sellerId;
  if (!sellerId) throw invalid('sellerId', { vi: 'cần chọn người bán', en: 'name the seller' });
  const [seller] = await db.select({ id: sellers.id, name: sellers.name }).from(sellers).where(eq(sellers.id, sellerId));
  if (!seller || !canSee(p, 'consignment', { sellerId })) throw notFound('seller');
  const point = await loadPoint(db, input.pickupPointId);
  if (!point || !point.active) throw notFound('pickup_point');
  const ids = [...new Set(input.lines.map((l) => l.productId))];
  if (ids.length !== input.lines.length) throw invalid('lines', { vi: 'mỗi sản phẩm chỉ một dòng', en: 'one line per product' });
  const found = await db.select().from(products).where(and(inArray(products.id, ids), eq(products.sellerId, sellerId)));
  if (found.length !== ids.length) throw notFound('product');
  // No agreement, no consignment: every sale needs the commission it will be settled at.
  await rateInForce(db, seller);
  const byId = new Map(found.map((r) => [r.id, r]));
  const id = newId();
  await db.transaction(async (tx) => {
    await tx.insert(consignments).values({ id, sellerId, pickupPointId: point.id, note: input.note?.trim() ?? '', sentBy: p.id });
    await tx.insert(consignmentLines).values(
      input.lines.map((l) => {
        const shelfLifeDays = l.shelfLifeDays ?? byId.get(l.productId)!.shelfLifeDays ?? null;
        return {
          id: newId(), consignmentId: id, productId: l.productId, qtySent: l.qty, lot: l.lot?.trim() || null, harvestDate: l.harvestDate ?? null, shelfLifeDays,
          // Shelf life counts from the harvest when known, else from the day the goods leave the farm.
          bestBefore: shelfLifeDays === null ? null : addDays(l.harvestDate ?? vnToday(), shelfLifeDays),
        };
      }),
    );
    await consignFromFarm(tx, p.id, `consignment ${id} to ${point.code}`, input.lines.map((l) => ({ productId: l.productId, qty: l.qty })));
  });
  return (await view(db, id))!;
}

/**
 * The clerk counts the goods in: one count per line, every line. What was counted goes on the
 * shelf; a line counted short or over keeps its difference. A consignment is received once.
 */
export async function receiveConsignment(db: Db, p: Principal, id: string, counts: { lineId: string; qtyReceived: number }[]): Promise<ConsignmentView> {
  await db.transaction(async (tx) => {
    const [c] = await tx.select().from(consignments).where(eq(consignments.id, id)).for('update');
    authorize(p, 'consignment', 'operate', c ?? null);
    if (c!.state !== 'sent') throw new AppError('CONSIGNMENT_ALREADY_RECEIVED');
    const lines = await tx.select().from(consignmentLines).where(eq(consignmentLines.consignmentId, id)).orderBy(asc(consignmentLines.productId));
    const countOf = new Map(counts.map((k) => [k.lineId, k.qtyReceived]));
    if (countOf.size !== counts.length || lines.length !== counts.length || lines.some((l) => !countOf.has(l.id))) {
      throw invalid('counts', { vi: 'cần đúng một số đếm cho mỗi dòng của lô hàng', en: 'give exactly one count for each line of the consignment' });
    }
    // Lines first, then the shelf rows in product order: a sale locks the shelf row, then other lots, so no cycle.
    for (const l of lines) {
      const qty = countOf.get(l.id)!;
      await tx.update(consignmentLines).set({ qtyReceived: qty, remaining: qty }).where(eq(consignmentLines.id, l.id));
    }
    for (const l of lines) {
      const qty = countOf.get(l.id)!;
      await addAtLocation(tx, p.id, { pickupPointId: c!.pickupPointId, sellerId: c!.sellerId }, 'consign_in', `consignment ${id}: sent ${l.qtySent}, counted ${qty}`, { productId: l.productId, qty });
    }
    await tx.update(consignments).set({ state: 'received', receivedAt: new Date(), receivedBy: p.id }).where(eq(consignments.id, id));
  });
  return (await view(db, id))!;
}

export type ShelfLot = {
  lineId: string; consignmentId: string; productId: string; sku: string; name: string; unit: string; priceVnd: number; sellerId: string; sellerName: string;
  lot: string | null; harvestDate: string | null; bestBefore: string | null; daysLeft: number | null; remaining: number; nearExpiry: boolean;
};

/** A lot within this many days of its best-before (or a fifth of its shelf life, when longer) is flagged for the clerk. */
export const NEAR_EXPIRY_DAYS = 2;

/**
 * The clerk's list: what is on the office's shelf, lot by lot. Perishables nearest their
 * best-before come first (those past it too, with negative daysLeft), goods that keep come last.
 */
export async function shelf(db: Db, p: Principal, pickupPointId: string | undefined): Promise<{ pickupPointId: string; today: string; lots: ShelfLot[] }> {
  authorizeAction(p, 'consignment', 'list');
  const point = await pointFor(db, p, 'consignment', pickupPointId);
  const today = vnToday();
  const rows = await db
    .select({
      lineId: consignmentLines.id, consignmentId: consignments.id, productId: products.id, sku: products.sku, name: products.name, unit: products.unit, priceVnd: products.priceVnd,
      sellerId: sellers.id, sellerName: sellers.name, lot: consignmentLines.lot, harvestDate: consignmentLines.harvestDate, bestBefore: consignmentLines.bestBefore,
      shelfLifeDays: consignmentLines.shelfLifeDays, remaining: consignmentLines.remaining,
      daysLeft: sql<number | null>`(${consignmentLines.bestBefore} - ${today}::date)`,
    })
    .from(consignmentLines)
    .innerJoin(consignments, eq(consignments.id, consignmentLines.consignmentId))
    .innerJoin(products, eq(products.id, consignmentLines.productId))
    .innerJoin(sellers, eq(sellers.id, consignments.sellerId))
    .where(and(eq(consignments.pickupPointId, point.id), eq(consignments.state, 'received'), sql`${consignmentLines.remaining} > 0`, p.role === 'seller_manager' ? eq(consignments.sellerId, p.sellerId ?? '') : undefined))
    .orderBy(sql`${consignmentLines.bestBefore} ASC NULLS LAST`, asc(products.name), asc(consignmentLines.id));
  return {
    pickupPointId: point.id,
    today,
    lots: rows.map(({ shelfLifeDays, ...r }) => ({
      ...r,
      nearExpiry: r.daysLeft !== null && r.daysLeft <= Math.max(NEAR_EXPIRY_DAYS, Math.floor((shelfLifeDays ?? 0) / 5)),
    })),
  };
}

export type ReturnInput = { lineId: string; qty: number; reason: (typeof RETURN_REASONS)[number]; note?: string | undefined };

/**
 * The clerk sends goods of one lot back to the seller. Unsold goods return to the farm's stock
 * (and so to Postmart); expiring or damaged ones leave the shelf without being sold again.
 */
export async function returnGoods(db: Db, p: Principal, input: ReturnInput) {
  return db.transaction(async (tx: Tx) => {
    const [row] = await tx
      .select({ line: consignmentLines, pickupPointId: consignments.pickupPointId, sellerId: consignments.sellerId, state: consignments.state, name: products.name })
      .from(consignmentLines)
      .innerJoin(consignments, eq(consignments.id, consignmentLines.consignmentId))
      .innerJoin(products, eq(products.id, consignmentLines.productId))
      .where(eq(consignmentLines.id, input.lineId));
    authorize(p, 'consignment', 'operate', row ? { pickupPointId: row.pickupPointId, sellerId: row.sellerId } : null);
    const { line, pickupPointId, name } = row!;
    const restocked = input.reason === 'unsold';
    const id = newId();
    // Goods going back to the farm: the product's row before the shelf's, the order an order's recall
    // of consigned stock locks them in (stock/postmart-stock.ts), so the two never deadlock.
    if (restocked) await tx.select({ id: products.id }).from(products).where(eq(products.id, line.productId)).for('no key update');
    // The shelf row first (the same order as a sale), then the lot.
    await takeAtLocation(tx, p.id, pickupPointId, 'consign_return', `return ${id} (${input.reason})`, [{ productId: line.productId, qty: input.qty, name }]);
    const [lot] = await tx
      .update(consignmentLines)
      .set({ remaining: sql`${consignmentLines.remaining} - ${input.qty}` })
      .where(and(eq(consignmentLines.id, line.id), sql`${consignmentLines.remaining} >= ${input.qty}`))
      .returning({ remaining: consignmentLines.remaining });
    if (!lot) {
      const [now] = await tx.select({ remaining: consignmentLines.remaining }).from(consignmentLines).where(eq(consignmentLines.id, line.id));
      throw new AppError('INSUFFICIENT_OUTLET_STOCK', { stock: now!.remaining, qty: input.qty, product: name }, 'qty');
    }
    if (restocked) await returnToFarm(tx, p.id, `return ${id} from the post office`, { productId: line.productId, qty: input.qty });
    const [ret] = await tx
      .insert(consignmentReturns)
      .values({ id, lineId: line.id, pickupPointId, productId: line.productId, qty: input.qty, reason: input.reason, note: input.note?.trim() ?? '', restocked, clerkUserId: p.id })
      .returning();
    return { ...ret!, remaining: lot.remaining, createdAt: toVnIso(ret!.createdAt) };
  });
}
