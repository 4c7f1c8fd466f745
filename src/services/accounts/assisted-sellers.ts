import { toPublicSeller } from './sellers.ts';
import { eq } from 'drizzle-orm';
import { authorizations } from '../../../db/schema/counter.ts';
import { pickupPoints } from '../../../db/schema/pickup-points.ts';
import { sellers } from '../../../db/schema/sellers.ts';
import type { Db } from '../../db.ts';
import { invalid } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { toVnIso, withVnTimes } from '../../lib/time.ts';
import type { AuthorizationScope } from '../../../db/schema/counter.ts';
import { requireCommune } from '../reference/communes.ts';
import { authorize, authorizeAction, type Principal } from './access.ts';
import { diff, recordAudit, type Actor } from './audit.ts';
import { requirePhone } from './users.ts';

export type OnboardInput = {
  pickupPointId?: string | undefined;
  name: string;
  phone: string;
  wardCode: string;
  address: string;
  authorization: { scopes: AuthorizationScope[]; validFrom?: string | undefined; validUntil: string; documentNumber: string };
};

/**
 * POST /v1/counter/farmers: "công dân không viết": the clerk registers a household farmer who is at
 * the counter (name, phone, commune, address) and records their authorization of the office, in
 * one transaction, so there is never a farmer the office cannot act for nor an authorization
 * without its farmer. The first products follow through POST /v1/products under that authorization.
 */
export async function onboardFarmer(db: Db, p: Principal, actor: Actor, input: OnboardInput, now = new Date()) {
  authorizeAction(p, 'assisted_seller', 'create');
  const pickupPointId = input.pickupPointId ?? p.pickupPointId;
  if (!pickupPointId) throw invalid('pickupPointId', { vi: 'bắt buộc: điểm giao nhận nào được ủy quyền?', en: 'is required: which post office is authorized?' });
  authorize(p, 'assisted_seller', 'create', { pickupPointId });
  const [point] = await db.select().from(pickupPoints).where(eq(pickupPoints.id, pickupPointId));
  if (!point) throw invalid('pickupPointId', { vi: 'không phải điểm giao nhận đã đăng ký', en: 'is not a registered pickup point' });
  const phone = requirePhone(input.phone);
  await requireCommune(db, input.wardCode, 'wardCode');
  const from = input.authorization.validFrom ? new Date(input.authorization.validFrom) : now;
  const until = new Date(input.authorization.validUntil);
  if (!(until > from) || until <= now) throw invalid('authorization.validUntil', { vi: 'phải sau validFrom và trong tương lai', en: 'must be after validFrom and in the future' });
  return db.transaction(async (tx) => {
    const [seller] = await tx
      .insert(sellers)
      .values({ id: newId(), kind: 'household', name: input.name.trim(), taxCode: null, phone, wardCode: input.wardCode, address: input.address.trim() })
      .returning();
    await recordAudit(tx, actor, 'seller.create', { type: 'seller', id: seller!.id }, diff(null, seller!));
    const [a] = await tx
      .insert(authorizations)
      .values({ id: newId(), sellerId: seller!.id, pickupPointId, scopes: [...new Set(input.authorization.scopes)], validFrom: from, validUntil: until, documentNumber: input.authorization.documentNumber.trim(), farmerPresent: true, createdBy: p.id })
      .returning();
    await recordAudit(tx, actor, 'authorization.create', { type: 'authorization', id: a!.id }, diff(null, a!));
    return {
      seller: withVnTimes(toPublicSeller(seller!)),
      authorization: { id: a!.id, sellerId: seller!.id, pickupPointId, pickupPointCode: point.code, scopes: a!.scopes, validFrom: toVnIso(from), validUntil: toVnIso(until), documentNumber: a!.documentNumber, farmerPresent: true as const },
    };
  });
}
