import { and, asc, eq, isNotNull, notInArray, sql } from 'drizzle-orm';
import { communes } from '../../../db/schema/communes.ts';
import { pickupPoints, PICKUP_POINT_KINDS } from '../../../db/schema/pickup-points.ts';
import { postmartShops } from '../../../db/schema/postmart.ts';
import type { Db } from '../../db.ts';
import { newId } from '../../lib/ids.ts';
import { parseOpeningHours } from '../../lib/opening-hours.ts';
import type { PostOfficeT } from '../../postmart/client/contract.ts';
import type { Postmart } from '../../postmart/index.ts';

export type PickupSyncDeps = { db: Db; postmart: () => Promise<Postmart> };
export type PickupSyncResult = { listed: number; added: number; updated: number; deactivated: number; skipped: number };

const KINDS: readonly string[] = PICKUP_POINT_KINDS;

/**
 * Keeps the registry in step with Postmart's post-office list (postmart-api.md#post-offices-fulfillment-locations):
 * new offices are added, known ones take Postmart's name, place, hours and services, offices that
 * vanished from the list are deactivated (and reactivated if they come back). What only we know —
 * capacity, cold storage, hold days, and an admin's own deactivation — is never touched.
 * Offices in communes we do not know, or of an unknown kind, are skipped. The list is read through
 * any connected shop (the call is signed per shop); with none connected there is nothing to do.
 */
export async function syncPickupPoints(deps: PickupSyncDeps, now = new Date()): Promise<PickupSyncResult & { shopId: string | null }> {
  const result = { listed: 0, added: 0, updated: 0, deactivated: 0, skipped: 0 };
  const [shop] = await deps.db
    .select({ shopId: postmartShops.shopId })
    .from(postmartShops)
    .where(and(eq(postmartShops.status, 'connected'), isNotNull(postmartShops.shopId)))
    .orderBy(asc(postmartShops.connectedAt))
    .limit(1);
  if (!shop?.shopId) return { ...result, shopId: null };
  const pm = await deps.postmart();
  const offices = await pm.client.postOffices(shop.shopId);
  result.listed = offices.length;
  const known = new Set((await deps.db.select({ code: communes.code }).from(communes)).map((c) => c.code));
  const usable = offices.filter((o) => known.has(o.ward_code) && KINDS.includes(o.kind));
  result.skipped = offices.length - usable.length;

  await deps.db.transaction(async (tx) => {
    for (const o of usable) {
      const remote = remoteFields(o);
      const [row] = await tx
        .insert(pickupPoints)
        .values({ id: newId(), code: o.post_office_code, source: 'postmart', active: true, lastSyncedAt: now, ...remote })
        .onConflictDoUpdate({
          target: pickupPoints.code,
          set: {
            ...remote,
            source: 'postmart',
            // Back on the list: active again, unless an admin had switched it off themselves.
            active: sql`CASE WHEN ${pickupPoints.vanishedAt} IS NOT NULL THEN true ELSE ${pickupPoints.active} END`,
            vanishedAt: null,
            lastSyncedAt: now,
            updatedAt: now,
          },
        })
        .returning({ inserted: sql<boolean>`xmax = 0` });
      if (row?.inserted) result.added++;
      else result.updated++;
    }
    // An empty list is more likely Postmart's hiccup than every office closing at once.
    if (usable.length === 0) return;
    const gone = await tx
      .update(pickupPoints)
      .set({ active: false, vanishedAt: now, updatedAt: now })
      .where(and(eq(pickupPoints.source, 'postmart'), sql`${pickupPoints.vanishedAt} IS NULL`, notInArray(pickupPoints.code, usable.map((o) => o.post_office_code))))
      .returning({ id: pickupPoints.id });
    result.deactivated = gone.length;
  });
  return { ...result, shopId: shop.shopId };
}

function remoteFields(o: PostOfficeT) {
  const hours = parseOpeningHours(o.opening_hours);
  return {
    name: o.name.normalize('NFC'),
    kind: o.kind as (typeof PICKUP_POINT_KINDS)[number],
    wardCode: o.ward_code,
    address: o.address.normalize('NFC'),
    lat: o.lat,
    lng: o.lng,
    openingHours: hours,
    openingHoursText: typeof o.opening_hours === 'string' ? o.opening_hours.normalize('NFC') : null,
    acceptsDropoff: o.accepts_dropoff,
    buyerPickup: o.buyer_pickup,
  };
}
