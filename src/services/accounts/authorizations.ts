import { and, desc, eq, gt, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { authorizations } from '../../../db/schema/counter.ts';
import { pickupPoints } from '../../../db/schema/pickup-points.ts';
import { sellers } from '../../../db/schema/sellers.ts';
import type { Db } from '../../db.ts';
import { AppError, invalid, notFound } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { toVnIso } from '../../lib/time.ts';
import type { AuthorizationCreateInput } from '../../schemas/counter.ts';
import { authorize, authorizeAction, type Principal } from './access.ts';
import { diff, recordAudit, type Actor } from './audit.ts';

type Row = typeof authorizations.$inferSelect;

const isLive = (a: Row, now: Date) => a.revokedAt === null && a.validFrom <= now && a.validUntil > now;

function view(a: Row, sellerName: string, pickupPointCode: string, now: Date) {
  return {
    id: a.id,
    sellerId: a.sellerId,
    sellerName,
    pickupPointId: a.pickupPointId,
    pickupPointCode,
    scopes: a.scopes,
    validFrom: toVnIso(a.validFrom),
    validUntil: toVnIso(a.validUntil),
    documentNumber: a.documentNumber,
    farmerPresent: a.farmerPresent,
    createdBy: a.createdBy,
    createdAt: toVnIso(a.createdAt),
    revokedAt: a.revokedAt ? toVnIso(a.revokedAt) : null,
    revokedBy: a.revokedBy,
    revokeReason: a.revokeReason,
    live: isLive(a, now),
    // Not a /media URL: the paper is fetched with a token by whoever may read the authorization.
    scanUrl: a.scanHash ? `/v1/authorizations/${a.id}/scan` : null,
    scanUploadedAt: a.scanUploadedAt ? toVnIso(a.scanUploadedAt) : null,
  };
}

const selectWithNames = (db: Db) =>
  db
    .select({ a: authorizations, sellerName: sellers.name, code: pickupPoints.code })
    .from(authorizations)
    .innerJoin(sellers, eq(sellers.id, authorizations.sellerId))
    .innerJoin(pickupPoints, eq(pickupPoints.id, authorizations.pickupPointId));

/**
 * POST /v1/authorizations: records a seller's authorization (ủy quyền) of a post office. An admin
 * records any; a clerk only for their own office and for a household farmer who is at the counter
 * (farmerPresent: true, kept with it).
 */
export async function createAuthorization(db: Db, p: Principal, actor: Actor, input: AuthorizationCreateInput, now = new Date()) {
  authorizeAction(p, 'authorization', 'create');
  // The object as it will be: a clerk of another office cannot see it, so it answers 404 (the point).
  authorize(p, 'authorization', 'create', { sellerId: input.sellerId, pickupPointId: input.pickupPointId });
  const from = new Date(input.validFrom);
  const until = new Date(input.validUntil);
  if (!(until > from)) throw invalid('validUntil', { vi: 'phải sau validFrom', en: 'must be after validFrom' });
  if (until <= now) throw invalid('validUntil', { vi: 'đã qua', en: 'is in the past' });
  const [seller] = await db.select().from(sellers).where(eq(sellers.id, input.sellerId));
  if (!seller) throw new AppError('NOT_FOUND', { what: { vi: 'người bán', en: 'Seller' } }, 'sellerId');
  const [point] = await db.select().from(pickupPoints).where(eq(pickupPoints.id, input.pickupPointId));
  if (!point) throw new AppError('NOT_FOUND', { what: { vi: 'điểm giao nhận', en: 'Pickup point' } }, 'pickupPointId');
  if (p.role === 'post_office_clerk') {
    if (seller.kind !== 'household') throw invalid('sellerId', { vi: 'nhân viên bưu điện chỉ ghi nhận ủy quyền của hộ nông dân', en: 'a clerk records authorizations of household farmers only' });
    if (input.farmerPresent !== true) throw invalid('farmerPresent', { vi: 'người ủy quyền phải có mặt tại quầy (farmerPresent: true)', en: 'the farmer must be at the counter (farmerPresent: true)' });
  }
  const row = await db.transaction(async (tx) => {
    const [a] = await tx
      .insert(authorizations)
      .values({ id: newId(), sellerId: seller.id, pickupPointId: point.id, scopes: [...new Set(input.scopes)], validFrom: from, validUntil: until, documentNumber: input.documentNumber.trim(), farmerPresent: input.farmerPresent ?? false, createdBy: p.id })
      .returning();
    await recordAudit(tx, actor, 'authorization.create', { type: 'authorization', id: a!.id }, diff(null, a!));
    return a!;
  });
  return view(row, seller.name, point.code, now);
}

export async function getAuthorization(db: Db, p: Principal, id: string, now = new Date()) {
  const [row] = await selectWithNames(db).where(eq(authorizations.id, id));
  authorize(p, 'authorization', 'read', row?.a ?? null);
  return view(row!.a, row!.sellerName, row!.code, now);
}

/** Newest first: an admin or staff sees all, a manager their seller's, a clerk their office's. */
export async function listAuthorizations(db: Db, p: Principal, q: { sellerId?: string | undefined; pickupPointId?: string | undefined; live?: boolean | undefined }, now = new Date()) {
  authorizeAction(p, 'authorization', 'list');
  const where: (SQL | undefined)[] = [];
  if (p.role === 'seller_manager') where.push(eq(authorizations.sellerId, p.sellerId ?? ''));
  if (p.role === 'post_office_clerk') where.push(eq(authorizations.pickupPointId, p.pickupPointId ?? ''));
  if (q.sellerId) where.push(eq(authorizations.sellerId, q.sellerId));
  if (q.pickupPointId) where.push(eq(authorizations.pickupPointId, q.pickupPointId));
  const live = and(isNull(authorizations.revokedAt), lte(authorizations.validFrom, now), gt(authorizations.validUntil, now));
  if (q.live === true) where.push(live);
  if (q.live === false) where.push(or(isNotNull(authorizations.revokedAt), sql`${authorizations.validFrom} > ${now}`, lte(authorizations.validUntil, now)));
  const rows = await selectWithNames(db).where(and(...where)).orderBy(desc(authorizations.id)).limit(500);
  return { items: rows.map((r) => view(r.a, r.sellerName, r.code, now)) };
}

/**
 * POST /v1/authorizations/:id/revoke {reason}: by an admin, a clerk of the office, or the seller's
 * own manager. It stops counting on the next request of every clerk, on every replica (the live
 * authorizations are read per request, src/plugins/auth.ts).
 */
export async function revokeAuthorization(db: Db, p: Principal, actor: Actor, id: string, reason: string, now = new Date()) {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(authorizations).where(eq(authorizations.id, id)).for('update');
    authorize(p, 'authorization', 'update', row ?? null);
    if (row!.revokedAt) throw new AppError('CONFLICT', { detail: { vi: 'giấy ủy quyền đã bị thu hồi', en: 'the authorization is already revoked' } }, 'id');
    const [after] = await tx.update(authorizations).set({ revokedAt: now, revokedBy: p.id, revokeReason: reason.trim() }).where(eq(authorizations.id, id)).returning();
    await recordAudit(tx, actor, 'authorization.revoke', { type: 'authorization', id }, diff(row!, after!));
    const [names] = await tx.select({ sellerName: sellers.name, code: pickupPoints.code }).from(sellers).innerJoin(pickupPoints, eq(pickupPoints.id, after!.pickupPointId)).where(eq(sellers.id, after!.sellerId));
    if (!names) throw notFound('authorization');
    return view(after!, names.sellerName, names.code, now);
  });
}
