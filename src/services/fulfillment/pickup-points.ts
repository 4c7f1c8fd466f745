import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { pickupPoints } from '../../../db/schema/pickup-points.ts';
import type { Db } from '../../db.ts';
import { AppError, invalid } from '../../errors.ts';
import { pageOf } from '../../lib/cursor.ts';
import { newId } from '../../lib/ids.ts';
import { completeHours, openingHoursProblems } from '../../lib/opening-hours.ts';
import { toVnIso } from '../../lib/time.ts';
import type { PickupPointCreateInput, PickupPointPatchInput } from '../../schemas/pickup-points.ts';
import { authorize, authorizeAction, type Principal } from '../accounts/access.ts';
import { diff, recordAudit, type Actor } from '../accounts/audit.ts';
import { requireCommune } from '../reference/communes.ts';
import { cursorId } from '../../lib/paging.ts';
import { isUniqueViolation } from '../../lib/pg-errors.ts';

export type PickupPointRow = typeof pickupPoints.$inferSelect;

export function pickupPointView(r: PickupPointRow) {
  const { lastSyncedAt: _synced, ...rest } = r;
  return { ...rest, vanishedAt: r.vanishedAt ? toVnIso(r.vanishedAt) : null, createdAt: toVnIso(r.createdAt), updatedAt: toVnIso(r.updatedAt) };
}

export const codeTaken = (code: string) =>
  new AppError('CONFLICT', { detail: { vi: `mã bưu cục ${code} đã có trong danh sách`, en: `post office code ${code} is already registered` } }, 'code');

/** Checks a timetable from the API and fills in the missing (closed) days. */
export function checkedHours(h: PickupPointCreateInput['openingHours']) {
  if (h === undefined || h === null) return h;
  const problems = openingHoursProblems(h);
  if (problems.length > 0) {
    const [field, detail] = problems[0]!;
    throw invalid(field, { vi: detail === 'intervals overlap' ? 'các khoảng giờ chồng lên nhau' : 'giờ không hợp lệ (HH:MM, giờ mở khác giờ đóng)', en: detail });
  }
  return completeHours(h);
}

export async function getPickupPoint(db: Db, p: Principal, id: string): Promise<PickupPointRow> {
  const [row] = await db.select().from(pickupPoints).where(eq(pickupPoints.id, id));
  authorize(p, 'pickup_point', 'read', row ?? null);
  return row!;
}

/** The registry, newest first; a clerk sees only their own point. */
export async function listPickupPoints(db: Db, p: Principal, q: { active?: boolean | undefined; limit: number; cursor?: string | undefined }) {
  authorizeAction(p, 'pickup_point', 'list');
  const where: SQL[] = [];
  if (p.role === 'post_office_clerk') where.push(eq(pickupPoints.id, p.pickupPointId!));
  if (q.active !== undefined) where.push(eq(pickupPoints.active, q.active));
  if (q.cursor) where.push(lt(pickupPoints.id, cursorId(q.cursor)));
  const rows = await db.select().from(pickupPoints).where(and(...where)).orderBy(desc(pickupPoints.id)).limit(q.limit + 1);
  return pageOf(rows, q.limit);
}

/** A point Postmart does not list (source local); Postmart's own arrive by the sync. */
export async function createPickupPoint(db: Db, p: Principal, actor: Actor, input: PickupPointCreateInput, id: string = newId()): Promise<PickupPointRow> {
  authorizeAction(p, 'pickup_point', 'create');
  await requireCommune(db, input.wardCode, 'wardCode');
  const openingHours = checkedHours(input.openingHours) ?? null;
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(pickupPoints)
        .values({ ...input, id, name: input.name.trim(), address: input.address.trim(), openingHours, source: 'local' })
        .returning();
      await recordAudit(tx, actor, 'pickup_point.create', { type: 'pickup_point', id: row!.id }, diff(null, row!));
      return row!;
    });
  } catch (err) {
    if (isUniqueViolation(err, 'pickup_points_code_unique')) throw codeTaken(input.code);
    throw err;
  }
}

/**
 * Local fields (capacity, cold storage, hold days, active) can be changed on any point; a Postmart
 * point's other fields would be overwritten by the next sync, so they are refused there.
 */
export async function updatePickupPoint(db: Db, p: Principal, actor: Actor, id: string, patch: PickupPointPatchInput): Promise<PickupPointRow> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(pickupPoints).where(eq(pickupPoints.id, id)).for('update');
    authorize(p, 'pickup_point', 'update', current ?? null);
    if (current!.source === 'postmart') {
      const remoteField = (['name', 'kind', 'wardCode', 'address', 'lat', 'lng', 'openingHours', 'acceptsDropoff', 'buyerPickup'] as const).find((k) => patch[k] !== undefined);
      if (remoteField) {
        throw invalid(remoteField, {
          vi: 'điểm này đồng bộ từ Postmart; chỉ sửa được sức chứa, kho lạnh, số ngày giữ hàng và trạng thái hoạt động',
          en: 'this point is kept in step with Postmart; only capacity, cold storage, hold days and active can be changed',
        });
      }
    }
    if (patch.wardCode) await requireCommune(db, patch.wardCode, 'wardCode');
    const openingHours = checkedHours(patch.openingHours);
    const [row] = await tx
      .update(pickupPoints)
      .set({
        ...patch,
        openingHours: openingHours,
        ...(patch.name ? { name: patch.name.trim() } : {}),
        ...(patch.address ? { address: patch.address.trim() } : {}),
        updatedAt: new Date(),
      })
      .where(eq(pickupPoints.id, id))
      .returning();
    await recordAudit(tx, actor, 'pickup_point.update', { type: 'pickup_point', id }, diff(current!, row!));
    return row!;
  });
}
