import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { PAYMENT_METHODS } from '../../../db/schema/outlets.ts';
import { consignmentLines, counterSaleLines, counterSales } from '../../../db/schema/outlets.ts';
import { pickupPoints } from '../../../db/schema/pickup-points.ts';
import { products } from '../../../db/schema/products.ts';
import { users } from '../../../db/schema/users.ts';
import { sellers } from '../../../db/schema/sellers.ts';
import type { Db, DbOrTx } from '../../db.ts';
import { AppError, invalid, notFound } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { toVnIso, vnToday } from '../../lib/time.ts';
import { authorize, authorizeAction, type Principal } from '../accounts/access.ts';
import { takeFromLots } from '../stock/consigned-lots.ts';
import { addAtLocation, takeAtLocation } from '../stock/ledger.ts';
import { commissionOf, rateInForce } from './commission.ts';
import { outletSettings, pointFor } from './outlet-points.ts';
import { receiptHtml } from './printable.ts';
import { vietQrPayload } from './vietqr.ts';

/**
 * Counter sales (issue 14): a clerk sells consigned goods to a walk-in buyer. The basket comes off
 * the office's shelf (location stock, through the ledger) and off its lots, nearest best-before
 * first; each line keeps the seller's commission rate of the moment. Paid in cash or by bank
 * transfer to the office's account (a VietQR payload on the receipt). Only the clerk who sold may
 * void a sale, with a reason, on the same Vietnam day; the goods go back on the shelf and lots.
 */

export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export type SaleInput = {
  pickupPointId?: string | undefined;
  lines: { productId: string; qty: number }[];
  payment: PaymentMethod;
  cashReceivedVnd?: number | undefined;
};

export type SaleLineView = { productId: string; sku: string; name: string; unit: string; sellerId: string; qty: number; unitPriceVnd: number; amountVnd: number; commissionBp: number; commissionVnd: number };
export type SaleView = {
  id: string; receiptNo: string; pickupPointId: string; clerkUserId: string; soldAt: string; vnDay: string; payment: PaymentMethod;
  totalVnd: number; cashReceivedVnd: number | null; changeVnd: number | null; vietqrPayload: string | null;
  state: 'completed' | 'voided'; voidedAt: string | null; voidReason: string | null; lines: SaleLineView[];
};

/** The receipt number as printed and as the transfer's description. */
export const receiptLabel = (n: number) => `BD-${String(n).padStart(6, '0')}`;

async function view(db: DbOrTx, id: string): Promise<SaleView | null> {
  const [s] = await db.select().from(counterSales).where(eq(counterSales.id, id));
  if (!s) return null;
  const lines = await db
    .select({ l: counterSaleLines, sku: products.sku, name: products.name, unit: products.unit })
    .from(counterSaleLines)
    .innerJoin(products, eq(products.id, counterSaleLines.productId))
    .where(eq(counterSaleLines.saleId, id))
    .orderBy(asc(counterSaleLines.id));
  return {
    id: s.id, receiptNo: receiptLabel(s.receiptNo), pickupPointId: s.pickupPointId, clerkUserId: s.clerkUserId, soldAt: toVnIso(s.soldAt), vnDay: s.vnDay,
    payment: s.payment, totalVnd: s.totalVnd, cashReceivedVnd: s.cashReceivedVnd, changeVnd: s.cashReceivedVnd === null ? null : s.cashReceivedVnd - s.totalVnd,
    vietqrPayload: s.vietqrPayload, state: s.state, voidedAt: s.voidedAt ? toVnIso(s.voidedAt) : null, voidReason: s.voidReason,
    lines: lines.map(({ l, sku, name, unit }) => ({ productId: l.productId, sku, name, unit, sellerId: l.sellerId, qty: l.qty, unitPriceVnd: l.unitPriceVnd, amountVnd: l.amountVnd, commissionBp: l.commissionBp, commissionVnd: l.commissionVnd })),
  };
}

export async function getSale(db: Db, p: Principal, id: string): Promise<SaleView> {
  const s = await view(db, id);
  authorize(p, 'counter_sale', 'read', s);
  return s!;
}

export async function listSales(db: Db, p: Principal, q: { pickupPointId?: string | undefined; date?: string | undefined }): Promise<{ pickupPointId: string | null; date: string; items: SaleView[] }> {
  authorizeAction(p, 'counter_sale', 'list');
  const date = q.date ?? vnToday();
  // A clerk sees their office; admin and staff see one office when they name it, else every office.
  const point = q.pickupPointId !== undefined || p.role === 'post_office_clerk' ? await pointFor(db, p, 'counter_sale', q.pickupPointId) : null;
  const rows = await db
    .select({ id: counterSales.id })
    .from(counterSales)
    .where(and(eq(counterSales.vnDay, date), point ? eq(counterSales.pickupPointId, point.id) : undefined))
    .orderBy(desc(counterSales.receiptNo));
  const items: SaleView[] = [];
  for (const r of rows) items.push((await view(db, r.id))!);
  return { pickupPointId: point?.id ?? null, date, items };
}

/** The sale this clerk already made under this Idempotency-Key, if any. */
async function saleByKey(db: DbOrTx, clerkUserId: string, clientKey: string): Promise<SaleView | null> {
  const [row] = await db.select({ id: counterSales.id }).from(counterSales).where(and(eq(counterSales.clerkUserId, clerkUserId), eq(counterSales.clientKey, clientKey)));
  return row ? view(db, row.id) : null;
}

/** A repeated request must ask for the very sale made under its key (the IETF Idempotency-Key draft: reuse with another payload is an error). */
function replayOf(prior: SaleView, pointId: string, input: SaleInput): SaleView {
  const lines = (ls: { productId: string; qty: number }[]) => JSON.stringify([...ls].map((l) => [l.productId, l.qty]).sort());
  const cash = input.payment === 'cash' ? (input.cashReceivedVnd ?? prior.totalVnd) : null;
  const same = prior.pickupPointId === pointId && prior.payment === input.payment && prior.cashReceivedVnd === cash && lines(prior.lines) === lines(input.lines);
  if (!same) throw new AppError('IDEMPOTENCY_KEY_REUSED', { receipt: prior.receiptNo }, 'Idempotency-Key');
  return prior;
}

/**
 * Sells the basket. With `clientKey` (the request's Idempotency-Key) a repeat of the same request,
 * a form sent again on a weak signal or a retry after a lost answer, answers the sale already made
 * (`replayed`) instead of taking the goods and the money twice; checked before the shelf, so the
 * repeat is answered even once the shelf is empty. Two copies racing meet at the unique
 * (clerk, key) index: the second inserts nothing and answers the first's sale.
 */
export async function sellAtCounter(db: Db, p: Principal, input: SaleInput, clientKey: string | null = null): Promise<{ sale: SaleView; replayed: boolean }> {
  authorizeAction(p, 'counter_sale', 'create');
  const point = await pointFor(db, p, 'counter_sale', input.pickupPointId);
  if (clientKey) {
    const prior = await saleByKey(db, p.id, clientKey);
    if (prior) return { sale: replayOf(prior, point.id, input), replayed: true };
  }
  const ids = [...new Set(input.lines.map((l) => l.productId))];
  if (ids.length !== input.lines.length) throw invalid('lines', { vi: 'mỗi sản phẩm chỉ một dòng', en: 'one line per product' });
  const found = await db
    .select({ id: products.id, name: products.name, priceVnd: products.priceVnd, sellerId: products.sellerId, sellerName: sellers.name })
    .from(products)
    .innerJoin(sellers, eq(sellers.id, products.sellerId))
    .where(inArray(products.id, ids));
  if (found.length !== ids.length) throw notFound('product');
  const byId = new Map(found.map((r) => [r.id, r]));
  const settings = await outletSettings(db, point.id);
  if (input.payment === 'bank_transfer' && (!settings.bankBin || !settings.bankAccount)) throw new AppError('OUTLET_NO_BANK_ACCOUNT', {}, 'payment');
  if (input.payment === 'bank_transfer' && input.cashReceivedVnd !== undefined) {
    throw invalid('cashReceivedVnd', { vi: 'chỉ dùng khi thu tiền mặt', en: 'only for cash payments' });
  }
  const rates = new Map<string, number>();
  for (const r of found) if (!rates.has(r.sellerId)) rates.set(r.sellerId, await rateInForce(db, { id: r.sellerId, name: r.sellerName }));
  const priced = input.lines.map((l) => {
    const prod = byId.get(l.productId)!;
    const amountVnd = prod.priceVnd * l.qty;
    const commissionBp = rates.get(prod.sellerId)!;
    return { ...l, prod, amountVnd, commissionBp, commissionVnd: commissionOf(amountVnd, commissionBp) };
  });
  const totalVnd = priced.reduce((s, l) => s + l.amountVnd, 0);
  if (input.cashReceivedVnd !== undefined && input.cashReceivedVnd < totalVnd) {
    throw invalid('cashReceivedVnd', { vi: `ít hơn tổng tiền ${totalVnd} đ`, en: `less than the total of ${totalVnd} VND` });
  }
  const id = newId();
  const made = await db.transaction(async (tx) => {
    const [sale] = await tx
      .insert(counterSales)
      .values({ id, pickupPointId: point.id, clerkUserId: p.id, vnDay: vnToday(), payment: input.payment, totalVnd, cashReceivedVnd: input.payment === 'cash' ? (input.cashReceivedVnd ?? totalVnd) : null, clientKey })
      .onConflictDoNothing({ target: [counterSales.clerkUserId, counterSales.clientKey], where: sql`${counterSales.clientKey} IS NOT NULL` })
      .returning({ receiptNo: counterSales.receiptNo });
    if (!sale) return false;
    const receipt = receiptLabel(sale.receiptNo);
    await takeAtLocation(tx, p.id, point.id, 'counter_sale', `counter sale ${receipt}`, priced.map((l) => ({ productId: l.productId, qty: l.qty, name: l.prod.name })));
    for (const l of [...priced].sort((a, b) => (a.productId < b.productId ? -1 : 1))) {
      const lots = await takeFromLots(tx, point.id, l.productId, l.qty);
      await tx.insert(counterSaleLines).values({ saleId: id, productId: l.productId, sellerId: l.prod.sellerId, qty: l.qty, unitPriceVnd: l.prod.priceVnd, amountVnd: l.amountVnd, commissionBp: l.commissionBp, commissionVnd: l.commissionVnd, lots });
    }
    if (input.payment === 'bank_transfer') {
      const payload = vietQrPayload({ bankBin: settings.bankBin!, accountNumber: settings.bankAccount!, amountVnd: totalVnd, purpose: receipt });
      await tx.update(counterSales).set({ vietqrPayload: payload }).where(eq(counterSales.id, id));
    }
    return true;
  });
  if (!made) return { sale: replayOf((await saleByKey(db, p.id, clientKey!))!, point.id, input), replayed: true };
  return { sale: (await view(db, id))!, replayed: false };
}

/** Voids a sale: the clerk who sold it, on the same Vietnam day, with a reason. The goods go back on the shelf and their lots. */
export async function voidSale(db: Db, p: Principal, id: string, reason: string): Promise<SaleView> {
  await db.transaction(async (tx) => {
    const [s] = await tx.select().from(counterSales).where(eq(counterSales.id, id)).for('update');
    authorize(p, 'counter_sale', 'operate', s ?? null);
    const sale = s!;
    if (sale.state === 'voided') throw new AppError('SALE_VOID_REFUSED', { why: { vi: 'hóa đơn đã bị hủy', en: 'it is already voided' } });
    if (sale.clerkUserId !== p.id) throw new AppError('SALE_VOID_REFUSED', { why: { vi: 'chỉ nhân viên đã bán mới được hủy', en: 'only the clerk who sold it may void it' } });
    if (sale.vnDay !== vnToday()) throw new AppError('SALE_VOID_REFUSED', { why: { vi: `chỉ hủy được trong ngày bán (${sale.vnDay})`, en: `sales can be voided only on the day they were made (${sale.vnDay})` } });
    const lines = await tx.select().from(counterSaleLines).where(eq(counterSaleLines.saleId, id)).orderBy(asc(counterSaleLines.productId));
    const receipt = receiptLabel(sale.receiptNo);
    for (const l of lines) {
      await addAtLocation(tx, p.id, { pickupPointId: sale.pickupPointId, sellerId: l.sellerId }, 'counter_void', `void of ${receipt}: ${reason.trim()}`, { productId: l.productId, qty: l.qty });
      for (const lot of l.lots) await tx.update(consignmentLines).set({ remaining: sql`${consignmentLines.remaining} + ${lot.qty}` }).where(eq(consignmentLines.id, lot.lineId));
    }
    await tx.update(counterSales).set({ state: 'voided', voidedAt: new Date(), voidReason: reason.trim() }).where(eq(counterSales.id, id));
  });
  return (await view(db, id))!;
}

/** The printable receipt of a sale (a voided one is marked as such). */
export async function saleReceipt(db: Db, p: Principal, id: string): Promise<string> {
  const sale = await getSale(db, p, id);
  const [point] = await db.select({ name: pickupPoints.name, address: pickupPoints.address }).from(pickupPoints).where(eq(pickupPoints.id, sale.pickupPointId));
  const [clerk] = await db.select({ name: users.name }).from(users).where(eq(users.id, sale.clerkUserId));
  return receiptHtml({ ...sale, pointName: point!.name, pointAddress: point!.address, clerkName: clerk?.name ?? '' });
}
