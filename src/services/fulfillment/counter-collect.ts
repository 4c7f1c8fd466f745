import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { cashDayClosings, counterCash, parcelPhoneChecks, type IdentityDocument } from '../../../db/schema/counter.ts';
import { orderEvents, orders } from '../../../db/schema/orders.ts';
import { pickupParcels, pickupPoints } from '../../../db/schema/pickup-points.ts';
import type { Db, DbOrTx } from '../../db.ts';
import { AppError, forbidden, invalid } from '../../errors.ts';
import { maskPhone, normalizePhone } from '../../lib/phone.ts';
import { toVnIso, vnToday } from '../../lib/time.ts';
import { authorize, type Principal } from '../accounts/access.ts';
import { orderForAccess } from './pickup-orders.ts';
import { arrivedAt, holdUntil } from './handover.ts';

/** Wrong recipient numbers after which a parcel is locked for collection. */
export const MAX_PHONE_FAILURES = 5;

const conflict = (vi: string, en: string, field = 'status') => new AppError('CONFLICT', { detail: { vi, en } }, field);

/**
 * Serializes everything that writes a point's cash day (collections, the closing), so a collection
 * cannot slip into a day while it is being closed.
 */
export async function lockCashDay(tx: DbOrTx, pickupPointId: string, day: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`cash:${pickupPointId}:${day}`}, 0))`);
}

export async function cashDayClosed(tx: DbOrTx, pickupPointId: string, day: string): Promise<boolean> {
  const [row] = await tx.select({ day: cashDayClosings.day }).from(cashDayClosings).where(and(eq(cashDayClosings.pickupPointId, pickupPointId), eq(cashDayClosings.day, day)));
  return Boolean(row);
}

export type CollectInput = { phone: string; cashVnd?: number | undefined; cashReason?: string | undefined };

type Outcome = { ok: { orderId: string; collectedAt: string; cashVnd: number | null } } | { refused: 'mismatch' | 'locked' };

/**
 * POST /v1/orders/:id/collect: the buyer collects a parcel waiting at the point, identified by the
 * recipient's phone as the clerk types it (both normalized). Every try is an order event (the
 * number masked). The clerk's list shows 0947***124, so only three digits are unknown: after
 * MAX_PHONE_FAILURES wrong numbers the parcel is locked (423) until an admin unlocks it or the
 * clerk records an identity check. The order row is locked for the whole check, so parallel
 * guesses are counted one after the other, never past the limit. A COD parcel needs the cash
 * taken: the COD amount, or another amount with a reason; it goes on the point's cash sheet of
 * the day, which must not be closed.
 */
export async function recordCollection(db: Db, p: Principal, orderId: string, input: CollectInput, now = new Date()) {
  const outcome: Outcome = await db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
    authorize(p, 'order', 'operate', await orderForAccess(tx, p, order));
    const o = order!;
    const [point] = o.postOfficeCode ? await tx.select().from(pickupPoints).where(eq(pickupPoints.code, o.postOfficeCode)) : [];
    if (!point || (p.role === 'post_office_clerk' && point.id !== p.pickupPointId)) throw conflict('bưu gửi không chờ nhận tại điểm này', 'the parcel does not wait at this point', 'pickupPointId');
    if (o.status !== 'ready_for_pickup') throw conflict(`bưu gửi chưa sẵn sàng để nhận (trạng thái ${o.status})`, `the parcel is not ready for pickup (status ${o.status})`);
    const [parcel] = await tx.select().from(pickupParcels).where(eq(pickupParcels.orderId, orderId));
    if (parcel?.collectedAt) throw conflict('bưu gửi đã được nhận', 'the parcel was already collected');

    const typed = normalizePhone(input.phone);
    const shown = maskPhone(typed ?? input.phone);
    const event = (note: string) => tx.insert(orderEvents).values({ orderId, source: 'user', actorUserId: p.id, fromStatus: o.status, toStatus: o.status, note });
    const [check] = await tx.select().from(parcelPhoneChecks).where(eq(parcelPhoneChecks.orderId, orderId));
    if (check?.lockedAt) {
      await event(`collection refused at ${point.code}: locked after ${MAX_PHONE_FAILURES} wrong phone numbers (tried ${shown})`);
      return { refused: 'locked' };
    }
    if (!typed || typed !== o.recipientPhone) {
      const [row] = await tx
        .insert(parcelPhoneChecks)
        .values({ orderId, failures: 1, updatedAt: now })
        .onConflictDoUpdate({ target: parcelPhoneChecks.orderId, set: { failures: sql`${parcelPhoneChecks.failures} + 1`, updatedAt: now } })
        .returning();
      const locks = row!.failures >= MAX_PHONE_FAILURES;
      if (locks) await tx.update(parcelPhoneChecks).set({ lockedAt: now }).where(eq(parcelPhoneChecks.orderId, orderId));
      await event(`collection refused at ${point.code}: phone ${shown} does not match the recipient (wrong number ${row!.failures} of ${MAX_PHONE_FAILURES})${locks ? '; collection locked' : ''}`);
      return { refused: locks ? 'locked' : 'mismatch' };
    }

    const cash = await takeCash(tx, p, o, point.id, input, now);
    const arrived = (await arrivedAt(tx, orderId)) ?? now;
    const until = await holdUntil(tx, point, orderId, arrived);
    const [row] = await tx
      .insert(pickupParcels)
      .values({ orderId, pickupPointId: point.id, arrivedAt: arrived, holdUntil: until, collectedAt: now, collectedBy: p.id })
      .onConflictDoUpdate({ target: pickupParcels.orderId, set: { collectedAt: now, collectedBy: p.id }, where: sql`${pickupParcels.collectedAt} IS NULL` })
      .returning();
    if (!row) throw conflict('bưu gửi đã được nhận', 'the parcel was already collected');
    const cashNote = cash === null ? '' : `; cash taken ${cash.taken} VND of COD ${cash.expected} VND${cash.reason ? ` (${cash.reason})` : ''}`;
    await event(`collected by the buyer at ${point.code} (recipient phone verified)${cashNote}`);
    return { ok: { orderId, collectedAt: toVnIso(now), cashVnd: cash?.taken ?? null } };
  });
  if ('refused' in outcome) throw outcome.refused === 'locked' ? new AppError('PARCEL_LOCKED', {}, 'phone') : new AppError('RECIPIENT_PHONE_MISMATCH', {}, 'phone');
  return outcome.ok;
}

/** The cash a COD collection brings in, written to the day's sheet; null for a prepaid parcel. */
async function takeCash(tx: DbOrTx, p: Principal, o: typeof orders.$inferSelect, pickupPointId: string, input: CollectInput, now: Date) {
  const cod = o.paymentMethod === 'COD' ? o.codAmountVnd : 0;
  if (cod === 0) {
    if (input.cashVnd) throw invalid('cashVnd', { vi: 'bưu gửi đã thanh toán trước, không thu tiền', en: 'the parcel is prepaid: take no cash' });
    return null;
  }
  if (input.cashVnd === undefined) throw invalid('cashVnd', { vi: `bắt buộc: bưu gửi thu hộ ${cod} đ (COD), nhập số tiền đã thu`, en: `is required: the parcel is cash on delivery (${cod} VND); enter the cash taken` });
  const reason = input.cashReason?.trim() || null;
  if (input.cashVnd !== cod && !reason) throw new AppError('COD_CASH_MISMATCH', { taken: input.cashVnd, expected: cod }, 'cashVnd');
  const day = vnToday(now);
  await lockCashDay(tx, pickupPointId, day);
  if (await cashDayClosed(tx, pickupPointId, day)) throw new AppError('CASH_DAY_CLOSED', { day }, 'cashVnd');
  await tx.insert(counterCash).values({ orderId: o.id, pickupPointId, day, clerkId: p.id, expectedVnd: cod, takenVnd: input.cashVnd, reason: input.cashVnd === cod ? null : reason, at: now });
  return { taken: input.cashVnd, expected: cod, reason: input.cashVnd === cod ? null : reason };
}

export type UnlockInput = { identityDocument?: IdentityDocument | undefined; identityLast4?: string | undefined };

/**
 * POST /v1/orders/:id/collection-unlock: an admin lifts the lock; a clerk only by recording the
 * identity document they checked (its type and last 4 digits). The count of wrong numbers starts
 * again. An order event records who unlocked it and how.
 */
export async function unlockCollection(db: Db, p: Principal, orderId: string, input: UnlockInput, now = new Date()) {
  return db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
    authorize(p, 'order', 'operate', await orderForAccess(tx, p, order));
    const byIdentity = input.identityDocument !== undefined || input.identityLast4 !== undefined;
    if (p.role !== 'admin' && !byIdentity) throw forbidden();
    if (byIdentity && (!input.identityDocument || !input.identityLast4)) {
      throw invalid(input.identityDocument ? 'identityLast4' : 'identityDocument', { vi: 'cần cả loại giấy tờ và 4 số cuối', en: 'needs both the document type and its last 4 digits' });
    }
    const [check] = await tx.select().from(parcelPhoneChecks).where(eq(parcelPhoneChecks.orderId, orderId));
    if (!check?.lockedAt) throw conflict('bưu gửi không bị khóa nhận hàng', 'collection of this parcel is not locked', 'orderId');
    const kind = byIdentity ? ('identity' as const) : ('admin' as const);
    await tx
      .update(parcelPhoneChecks)
      .set({ failures: 0, lockedAt: null, unlockedAt: now, unlockedBy: p.id, unlockKind: kind, identityDocument: input.identityDocument ?? null, identityLast4: input.identityLast4 ?? null, updatedAt: now })
      .where(eq(parcelPhoneChecks.orderId, orderId));
    const how = kind === 'admin' ? 'by an admin' : `after an identity check (${input.identityDocument} ending ${input.identityLast4})`;
    await tx.insert(orderEvents).values({ orderId, source: 'user', actorUserId: p.id, fromStatus: order!.status, toStatus: order!.status, note: `collection unlocked ${how}` });
    return { orderId, unlockedAt: toVnIso(now), unlockKind: kind };
  });
}

/** Whether collection of these parcels is locked (for the counter's lists and the lookup). */
export async function lockedOrders(db: DbOrTx, orderIds: string[]): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set();
  const rows = await db.select({ id: parcelPhoneChecks.orderId }).from(parcelPhoneChecks).where(and(inArray(parcelPhoneChecks.orderId, orderIds), isNotNull(parcelPhoneChecks.lockedAt)));
  return new Set(rows.map((r) => r.id));
}
