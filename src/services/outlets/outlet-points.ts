import { eq } from 'drizzle-orm';
import { outlets } from '../../../db/schema/outlets.ts';
import { pickupPoints } from '../../../db/schema/pickup-points.ts';
import type { Db, DbOrTx } from '../../db.ts';
import { invalid, notFound } from '../../errors.ts';
import { authorize, canSee, type Principal, type Resource } from '../accounts/access.ts';

export type OutletPoint = { id: string; code: string; name: string; address: string; wardCode: string; lat: number; lng: number; active: boolean };
export type OutletSettings = Omit<typeof outlets.$inferSelect, 'updatedAt'>;

export async function loadPoint(db: DbOrTx, id: string): Promise<OutletPoint | null> {
  const [r] = await db
    .select({ id: pickupPoints.id, code: pickupPoints.code, name: pickupPoints.name, address: pickupPoints.address, wardCode: pickupPoints.wardCode, lat: pickupPoints.lat, lng: pickupPoints.lng, active: pickupPoints.active })
    .from(pickupPoints)
    .where(eq(pickupPoints.id, id));
  return r ?? null;
}

/**
 * The office a clerk works at, or the one an admin names: a clerk's own point is always theirs
 * (a different one answers 404, as the access rules say), an admin or staff member must name one.
 */
export async function pointFor(db: DbOrTx, p: Principal, resource: Resource, requested: string | undefined): Promise<OutletPoint> {
  const id = requested ?? p.pickupPointId;
  const point = id ? await loadPoint(db, id) : null;
  if (!point || !canSee(p, resource, { pickupPointId: point.id, sellerId: p.sellerId })) throw notFound('pickup_point');
  return point;
}

export const DEFAULT_OUTLET = { bankBin: null, bankAccount: null, bankAccountName: null, acceptsFarmPickup: false, farmPickupRadiusKm: 15, farmPickupCapacity: 4 } as const;

export async function outletSettings(db: DbOrTx, pickupPointId: string): Promise<OutletSettings> {
  const [r] = await db.select().from(outlets).where(eq(outlets.pickupPointId, pickupPointId));
  if (!r) return { pickupPointId, ...DEFAULT_OUTLET };
  const { updatedAt: _u, ...rest } = r;
  return rest;
}

export async function getOutletSettings(db: Db, p: Principal, pickupPointId: string): Promise<OutletSettings> {
  authorize(p, 'pickup_point', 'read', await loadPoint(db, pickupPointId));
  return outletSettings(db, pickupPointId);
}

export type OutletSettingsInput = Partial<Omit<OutletSettings, 'pickupPointId'>>;

/** An admin sets what the office does as an outlet: its bank account for transfers, farm pickups, radius, capacity. */
export async function updateOutletSettings(db: Db, p: Principal, pickupPointId: string, input: OutletSettingsInput): Promise<OutletSettings> {
  const point = await loadPoint(db, pickupPointId);
  authorize(p, 'pickup_point', 'update', point);
  const current = await outletSettings(db, pickupPointId);
  const next = { ...current, ...input, pickupPointId };
  if ((next.bankBin === null) !== (next.bankAccount === null)) {
    throw invalid(next.bankBin === null ? 'bankBin' : 'bankAccount', { vi: 'cần cả mã ngân hàng (BIN) lẫn số tài khoản', en: 'give both the bank BIN and the account number' });
  }
  await db.insert(outlets).values(next).onConflictDoUpdate({ target: outlets.pickupPointId, set: { ...input, updatedAt: new Date() } });
  return next;
}
