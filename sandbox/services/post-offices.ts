import { and, asc, eq, type SQL } from 'drizzle-orm';
import { readCommunes } from '../db/communes.ts';
import { postOffices } from '../db/schema.ts';
import type { DbOrTx, SandboxDb } from '../db.ts';

export const PROVINCE = { code: '82', name: 'Đồng Tháp' } as const;

/** Main post offices of the larger towns, at (near) the centre of the ward that holds them. */
const MAIN_OFFICES = [
  { ward: '28261', town: 'Mỹ Tho', lat: 10.35013, lng: 106.37477 },
  { ward: '29869', town: 'Cao Lãnh', lat: 10.43986, lng: 105.62367 },
  { ward: '29905', town: 'Sa Đéc', lat: 10.32903, lng: 105.73906 },
  { ward: '29955', town: 'Hồng Ngự', lat: 10.84115, lng: 105.37696 },
  { ward: '28306', town: 'Gò Công', lat: 10.35014, lng: 106.66964 },
  { ward: '28439', town: 'Cai Lậy', lat: 10.38045, lng: 106.12368 },
] as const;

/**
 * Demo fulfillment locations (postmart-api.md#post-offices-fulfillment-locations): one per commune
 * at its centroid (a Bưu điện văn hóa xã for a xã, a Bưu cục for a phường), plus the main Bưu cục
 * of the larger towns. Names say "(demo)": these are not VNPost's real offices or codes.
 * Idempotent; returns how many rows were added.
 */
export async function seedPostOffices(db: SandboxDb): Promise<number> {
  const communes = await readCommunes();
  const rows: (typeof postOffices.$inferInsert)[] = communes.map((c) =>
    c.type === 'xa'
      ? {
          code: `PO${c.code}`,
          name: `Bưu điện văn hóa xã ${c.name} (demo)`,
          kind: 'BUU_DIEN_VAN_HOA_XA' as const,
          address: `Trung tâm xã ${c.name}, tỉnh ${PROVINCE.name} (địa chỉ minh họa)`,
          wardCode: c.code,
          provinceCode: c.province_code,
          lat: c.lat,
          lng: c.lng,
          openingHours: 'Thứ 2–Thứ 7: 07:00–11:30, 13:30–17:00',
          acceptsDropoff: true,
          buyerPickup: true,
        }
      : {
          code: `PO${c.code}`,
          name: `Bưu cục phường ${c.name} (demo)`,
          kind: 'BUU_CUC' as const,
          address: `Trung tâm phường ${c.name}, tỉnh ${PROVINCE.name} (địa chỉ minh họa)`,
          wardCode: c.code,
          provinceCode: c.province_code,
          lat: c.lat,
          lng: c.lng,
          openingHours: 'Thứ 2–Thứ 7: 07:00–18:00; Chủ nhật: 07:00–11:00',
          acceptsDropoff: true,
          buyerPickup: true,
        },
  );
  for (const m of MAIN_OFFICES) {
    rows.push({
      code: `PO${m.ward}TT`,
      name: `Bưu cục trung tâm ${m.town} (demo)`,
      kind: 'BUU_CUC',
      address: `Trung tâm phường ${m.town}, tỉnh ${PROVINCE.name} (địa chỉ minh họa)`,
      wardCode: m.ward,
      provinceCode: PROVINCE.code,
      // A little off the commune office so the two do not sit on one point.
      lat: m.lat + 0.0021,
      lng: m.lng + 0.0017,
      openingHours: 'Hằng ngày: 07:00–19:00',
      acceptsDropoff: true,
      buyerPickup: true,
    });
  }
  const inserted = await db.insert(postOffices).values(rows).onConflictDoNothing().returning({ code: postOffices.code });
  return inserted.length;
}

export type PostOfficeRow = typeof postOffices.$inferSelect;

export const toContractPostOffice = (p: PostOfficeRow) => ({
  post_office_code: p.code,
  name: p.name,
  kind: p.kind,
  address: p.address,
  ward_code: p.wardCode,
  province_code: p.provinceCode,
  lat: p.lat,
  lng: p.lng,
  opening_hours: p.openingHours,
  accepts_dropoff: p.acceptsDropoff,
  buyer_pickup: p.buyerPickup,
});

/** GET /logistics/post-offices?province_code&ward_code */
export async function listPostOffices(db: DbOrTx, q: { province_code?: string | undefined; ward_code?: string | undefined }) {
  const conds: SQL[] = [];
  if (q.province_code) conds.push(eq(postOffices.provinceCode, q.province_code));
  if (q.ward_code) conds.push(eq(postOffices.wardCode, q.ward_code));
  const rows = await db.select().from(postOffices).where(and(...conds)).orderBy(asc(postOffices.code));
  return rows.map(toContractPostOffice);
}

export async function findPostOffice(db: DbOrTx, code: string): Promise<PostOfficeRow | null> {
  const [row] = await db.select().from(postOffices).where(eq(postOffices.code, code));
  return row ?? null;
}
