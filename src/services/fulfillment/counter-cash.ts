import { and, asc, eq } from 'drizzle-orm';
import { cashDayClosings, counterCash } from '../../../db/schema/counter.ts';
import { orders } from '../../../db/schema/orders.ts';
import { pickupPoints, shipments } from '../../../db/schema/pickup-points.ts';
import { users } from '../../../db/schema/users.ts';
import type { Db } from '../../db.ts';
import { AppError, invalid } from '../../errors.ts';
import { isCalendarDate, toVnIso, vnToday } from '../../lib/time.ts';
import { authorize, type Principal } from '../accounts/access.ts';
import { cashDayClosed, lockCashDay } from './counter-collect.ts';

type Amounts = { parcels: number; expectedVnd: number; takenVnd: number; differenceVnd: number };
const zero = (): Amounts => ({ parcels: 0, expectedVnd: 0, takenVnd: 0, differenceVnd: 0 });
const add = (a: Amounts, expected: number, taken: number) => {
  a.parcels += 1;
  a.expectedVnd += expected;
  a.takenVnd += taken;
  a.differenceVnd += taken - expected;
};

function checkDay(day: string, field: string, now: Date): void {
  if (!isCalendarDate(day)) throw invalid(field, { vi: 'không phải ngày hợp lệ (YYYY-MM-DD)', en: 'is not a valid date (YYYY-MM-DD)' });
  if (day > vnToday(now)) throw invalid(field, { vi: 'là ngày trong tương lai', en: 'is in the future' });
}

/**
 * GET /v1/pickup-points/:id/cash?date=&clerkId=: the point's cash-on-delivery sheet of a Vietnam day:
 * every collection with the cash taken against the COD amount and who took it, subtotals per clerk
 * and totals, and whether the day is closed. Integer VND, summed in JavaScript numbers (exact far
 * beyond any day's takings).
 */
export async function cashSheet(db: Db, p: Principal, pointId: string, date: string | undefined, clerkId: string | undefined, now = new Date()) {
  const [point] = await db.select().from(pickupPoints).where(eq(pickupPoints.id, pointId));
  authorize(p, 'pickup_parcels', 'read', point ?? null);
  const day = date ?? vnToday(now);
  checkDay(day, 'date', now);
  const rows = await db
    .select({ c: counterCash, orderSn: orders.orderSn, packageNumber: shipments.packageNumber, clerkName: users.name })
    .from(counterCash)
    .innerJoin(orders, eq(orders.id, counterCash.orderId))
    .innerJoin(users, eq(users.id, counterCash.clerkId))
    .leftJoin(shipments, eq(shipments.orderId, counterCash.orderId))
    .where(and(eq(counterCash.pickupPointId, pointId), eq(counterCash.day, day), clerkId ? eq(counterCash.clerkId, clerkId) : undefined))
    .orderBy(asc(counterCash.at), asc(counterCash.orderId));
  const [closing] = await db
    .select({ k: cashDayClosings, name: users.name })
    .from(cashDayClosings)
    .innerJoin(users, eq(users.id, cashDayClosings.closedBy))
    .where(and(eq(cashDayClosings.pickupPointId, pointId), eq(cashDayClosings.day, day)));
  const totals = zero();
  const perClerk = new Map<string, { clerkId: string; clerkName: string } & Amounts>();
  for (const { c, clerkName } of rows) {
    add(totals, c.expectedVnd, c.takenVnd);
    let sub = perClerk.get(c.clerkId);
    if (!sub) perClerk.set(c.clerkId, (sub = { clerkId: c.clerkId, clerkName, ...zero() }));
    add(sub, c.expectedVnd, c.takenVnd);
  }
  return {
    pickupPointId: pointId,
    pickupPointCode: point!.code,
    date: day,
    closed: closing ? { closedAt: toVnIso(closing.k.closedAt), closedBy: closing.k.closedBy, closedByName: closing.name, parcels: closing.k.parcels, totalVnd: closing.k.totalVnd } : null,
    items: rows.map(({ c, orderSn, packageNumber, clerkName }) => ({
      orderId: c.orderId,
      orderSn,
      packageNumber,
      clerkId: c.clerkId,
      clerkName,
      at: toVnIso(c.at),
      expectedVnd: c.expectedVnd,
      takenVnd: c.takenVnd,
      differenceVnd: c.takenVnd - c.expectedVnd,
      reason: c.reason,
    })),
    clerks: [...perClerk.values()],
    totals,
  };
}

/**
 * POST /v1/pickup-points/:id/cash/close {date}: closes the point's cash day with its totals. From
 * then on the day is immutable: a COD collection that day answers 409 CASH_DAY_CLOSED, and so does
 * closing it again. The day lock makes a collection either land before the closing (and count in
 * its totals) or be refused.
 */
export async function closeCashDay(db: Db, p: Principal, pointId: string, day: string, now = new Date()) {
  const [point] = await db.select().from(pickupPoints).where(eq(pickupPoints.id, pointId));
  authorize(p, 'pickup_point', 'operate', point ?? null);
  checkDay(day, 'date', now);
  await db.transaction(async (tx) => {
    await lockCashDay(tx, pointId, day);
    if (await cashDayClosed(tx, pointId, day)) throw new AppError('CASH_DAY_CLOSED', { day }, 'date');
    const rows = await tx.select({ taken: counterCash.takenVnd }).from(counterCash).where(and(eq(counterCash.pickupPointId, pointId), eq(counterCash.day, day)));
    await tx.insert(cashDayClosings).values({ pickupPointId: pointId, day, closedBy: p.id, closedAt: now, parcels: rows.length, totalVnd: rows.reduce((s, r) => s + r.taken, 0) });
  });
  return cashSheet(db, p, pointId, day, undefined, now);
}
