import { and, eq } from 'drizzle-orm';
import type { Db } from '../../src/db.ts';
import { newId } from '../../src/lib/ids.ts';
import { normalizePhone } from '../../src/lib/phone.ts';
import type { ProductCreateInput } from '../../src/schemas/products.ts';
import { insertProduct } from '../../src/services/catalog/products.ts';
import { hashPassword } from '../../src/services/accounts/passwords.ts';
import { parseOpeningHours } from '../../src/lib/opening-hours.ts';
import { communes } from '../schema/communes.ts';
import { pickupPoints } from '../schema/pickup-points.ts';
import { products } from '../schema/products.ts';
import { sellers } from '../schema/sellers.ts';
import { users, type Role } from '../schema/users.ts';

/** Demo data for a new user's first look. Fixed ids and natural keys make a second run a no-op. */
export const DEMO_SELLERS = [
  { id: '01930000-0000-7000-8000-000000000001', kind: 'cooperative', name: 'HTX Xoài Mỹ Hiệp', taxCode: '1401234567', phone: '02773850001', wardCode: '30112', address: 'Ấp Mỹ Thạnh' },
  { id: '01930000-0000-7000-8000-000000000002', kind: 'cooperative', name: 'HTX Quýt hồng Lai Vung', taxCode: '1401234568', phone: '02773850002', wardCode: '30226', address: 'Ấp Hòa Bình' },
  { id: '01930000-0000-7000-8000-000000000003', kind: 'household', name: 'Hộ Nguyễn Văn Sen', taxCode: null, phone: '0912345003', wardCode: '30037', address: 'Ấp 3' },
  { id: '01930000-0000-7000-8000-000000000004', kind: 'enterprise', name: 'Công ty TNHH Gạo Tràm Chim', taxCode: '1401234570', phone: '02773850004', wardCode: '30001', address: 'Khóm 2' },
  { id: '01930000-0000-7000-8000-000000000005', kind: 'household', name: 'Vườn hoa Tân Quy Đông', taxCode: null, phone: '0912345005', wardCode: '29905', address: 'Đường Nguyễn Tất Thành' },
] as const;

/** The demo clerk's pickup point: the post office of the first demo seller's commune. */
export const DEMO_PICKUP_POINT_ID = '01930000-0000-7000-8000-0000000000b1';

/**
 * One pickup point per demo seller, in the seller's own commune, under the code the Postmart
 * sandbox gives that commune's office (src/postmart/sandbox/services/post-offices.ts), so a demo
 * ship reaches the sandbox and the sync later adopts the point (keeping its id and capacity).
 */
export const DEMO_PICKUP_POINTS = DEMO_SELLERS.map((s, i) => ({
  id: `01930000-0000-7000-8000-0000000000b${i + 1}`,
  code: `PO${s.wardCode}`,
  wardCode: s.wardCode,
  dailyCapacity: 40,
  // The lotus grower's seeds keep five days: their office has a cold room.
  coldStorage: s.id === '01930000-0000-7000-8000-000000000003',
}));

export const DEMO_ACCOUNTS: { phone: string; password: string; name: string; role: Role; sellerId?: string; pickupPointId?: string }[] = [
  { phone: '0900000001', password: 'demo-admin-2026', name: 'Quản trị viên (demo)', role: 'admin' },
  { phone: '0900000002', password: 'demo-staff-2026', name: 'Cán bộ Sở NN&MT (demo)', role: 'provincial_staff' },
  { phone: '0900000003', password: 'demo-seller-2026', name: 'Chủ nhiệm HTX Xoài Mỹ Hiệp (demo)', role: 'seller_manager', sellerId: DEMO_SELLERS[0].id },
  { phone: '0900000004', password: 'demo-clerk-2026', name: 'Giao dịch viên Bưu điện (demo)', role: 'post_office_clerk', pickupPointId: DEMO_PICKUP_POINT_ID },
];

const ocop = (stars: 3 | 4 | 5, number: string) => ({ type: `OCOP_${stars}_STAR` as const, number, issuedAt: '2025-03-01', expiresAt: '2028-03-01' });
const vietgap = (number: string) => ({ type: 'VIETGAP' as const, number, issuedAt: '2025-06-01', expiresAt: '2028-06-01' });

const [xoai, quyt, sen, gao, hoa] = DEMO_SELLERS.map((s) => s.id) as [string, string, string, string, string];
export const DEMO_PRODUCTS: (ProductCreateInput & { sellerId: string })[] = [
  { sellerId: xoai, sku: 'XOAI-CAT-HL-1KG', name: 'Xoài cát Hòa Lộc loại 1', category: 'fruit', unit: 'kg', priceVnd: 65000, stock: 400, weightGrams: 1100, originWardCode: '30112', shelfLifeDays: 7, harvestFrom: '2026-03-01', harvestTo: '2026-12-31', certifications: [vietgap('VG-DT-0112'), ocop(4, 'OCOP-DT-2025-041')], status: 'active', description: 'Xoài cát Hòa Lộc trồng tại Mỹ Hiệp, Cao Lãnh; trái 400-600 g.' },
  { sellerId: xoai, sku: 'XOAI-CAT-CHU-5KG', name: 'Xoài cát Chu Cao Lãnh thùng 5 kg', category: 'fruit', unit: 'thung', priceVnd: 180000, stock: 120, weightGrams: 5600, originWardCode: '30112', shelfLifeDays: 7, certifications: [vietgap('VG-DT-0113')], status: 'active' },
  { sellerId: xoai, sku: 'XOAI-SAY-DEO', name: 'Xoài sấy dẻo', category: 'processed', unit: 'goi', priceVnd: 45000, stock: 300, weightGrams: 250, originWardCode: '30112', shelfLifeDays: 180, certifications: [ocop(3, 'OCOP-DT-2025-042')], status: 'active' },
  { sellerId: quyt, sku: 'QUYT-HONG-LV-1KG', name: 'Quýt hồng Lai Vung', category: 'fruit', unit: 'kg', priceVnd: 55000, stock: 500, weightGrams: 1050, originWardCode: '30226', shelfLifeDays: 14, harvestFrom: '2026-10-15', harvestTo: '2027-02-15', certifications: [vietgap('VG-DT-0226')], status: 'active' },
  { sellerId: quyt, sku: 'QUYT-HONG-HOP-TET', name: 'Hộp quà quýt hồng Tết', category: 'fruit', unit: 'hop', priceVnd: 350000, stock: 80, weightGrams: 5200, originWardCode: '30226', shelfLifeDays: 14, certifications: [ocop(4, 'OCOP-DT-2025-077')], status: 'draft' },
  { sellerId: sen, sku: 'HAT-SEN-TM-500G', name: 'Hạt sen tươi Tháp Mười', category: 'vegetable', unit: 'goi', priceVnd: 90000, stock: 150, weightGrams: 520, originWardCode: '30037', shelfLifeDays: 5, status: 'active' },
  { sellerId: sen, sku: 'TRA-TIM-SEN', name: 'Trà tim sen Tháp Mười', category: 'herbal', unit: 'hop', priceVnd: 75000, stock: 200, weightGrams: 150, originWardCode: '30037', shelfLifeDays: 365, certifications: [ocop(3, 'OCOP-DT-2024-015')], status: 'active' },
  { sellerId: sen, sku: 'CU-SEN-1KG', name: 'Củ sen (ngó sen) tươi', category: 'vegetable', unit: 'kg', priceVnd: 40000, stock: 0, weightGrams: 1050, originWardCode: '30037', shelfLifeDays: 4, status: 'active' },
  { sellerId: gao, sku: 'GAO-ST25-5KG', name: 'Gạo ST25 Tràm Chim túi 5 kg', category: 'rice', unit: 'tui', priceVnd: 175000, stock: 1000, weightGrams: 5050, originWardCode: '30001', shelfLifeDays: 365, certifications: [ocop(4, 'OCOP-DT-2025-101'), { type: 'GLOBALGAP', number: 'GGN-4063061', issuedAt: '2025-01-10', expiresAt: '2027-01-10' }], status: 'active' },
  { sellerId: gao, sku: 'GAO-SEN-HUONG-10KG', name: 'Gạo thơm Sen Hương bao 10 kg', category: 'rice', unit: 'tui', priceVnd: 240000, stock: 600, weightGrams: 10100, originWardCode: '30010', shelfLifeDays: 365, status: 'active' },
  { sellerId: hoa, sku: 'HOA-CUC-MAM-XOI', name: 'Cúc mâm xôi Sa Đéc chậu lớn', category: 'flower', unit: 'bo', priceVnd: 250000, stock: 60, weightGrams: 4000, originWardCode: '29905', shelfLifeDays: 20, status: 'active' },
  { sellerId: hoa, sku: 'HOA-HONG-SA-DEC', name: 'Hoa hồng Sa Đéc bó 10 cành', category: 'flower', unit: 'bo', priceVnd: 120000, stock: 40, weightGrams: 800, originWardCode: '29905', shelfLifeDays: 5, status: 'archived' },
];

// Postmart requires at least one image per listing: db/seed/demo-photos.ts gives each demo product a
// real photo, served by this API, which Postmart's review can download.

export type SeedAccount = { phone: string; password: string; role: Role; created: boolean };

/** Creates an account once; an existing account with that phone is never overwritten. */
export async function ensureAccount(db: Db, a: (typeof DEMO_ACCOUNTS)[number]): Promise<boolean> {
  const phone = normalizePhone(a.phone);
  if (!phone) throw new Error(`seed account phone ${a.phone} is not a valid Vietnamese phone number`);
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.phone, phone));
  if (existing) return false;
  const inserted = await db
    .insert(users)
    .values({ id: newId(), phone, name: a.name, role: a.role, sellerId: a.sellerId ?? null, pickupPointId: a.pickupPointId ?? null, passwordHash: await hashPassword(a.password) })
    .onConflictDoNothing({ target: users.phone })
    .returning({ id: users.id });
  return inserted.length > 0;
}

async function seedPickupPoints(db: Db): Promise<number> {
  let added = 0;
  for (const pt of DEMO_PICKUP_POINTS) {
    const [c] = await db.select().from(communes).where(eq(communes.code, pt.wardCode));
    if (!c) continue;
    const xa = c.type === 'xa';
    const hoursText = xa ? 'Thứ 2–Thứ 7: 07:00–11:30, 13:30–17:00' : 'Thứ 2–Thứ 7: 07:00–18:00; Chủ nhật: 07:00–11:00';
    const inserted = await db
      .insert(pickupPoints)
      .values({
        ...pt,
        name: xa ? `Bưu điện văn hóa xã ${c.name} (demo)` : `Bưu cục phường ${c.name} (demo)`,
        kind: xa ? 'BUU_DIEN_VAN_HOA_XA' : 'BUU_CUC',
        address: `Trung tâm ${xa ? 'xã' : 'phường'} ${c.name}, tỉnh Đồng Tháp (địa chỉ minh họa)`,
        lat: c.lat,
        lng: c.lng,
        openingHours: parseOpeningHours(hoursText),
        openingHoursText: hoursText,
        source: 'postmart',
      })
      .onConflictDoNothing()
      .returning({ id: pickupPoints.id });
    added += inserted.length;
  }
  return added;
}

export async function seedDemo(db: Db): Promise<{ sellers: number; products: number; accounts: number; pickupPoints: number }> {
  const s = await db.insert(sellers).values([...DEMO_SELLERS]).onConflictDoNothing().returning({ id: sellers.id });
  const points = await seedPickupPoints(db);
  let productCount = 0;
  for (const p of DEMO_PRODUCTS) {
    const created = await db.transaction(async (tx) => {
      const [existing] = await tx.select({ id: products.id }).from(products).where(and(eq(products.sellerId, p.sellerId), eq(products.sku, p.sku)));
      if (existing) return false;
      await insertProduct(tx, { userId: null }, p.sellerId, p, 'initial');
      return true;
    });
    if (created) productCount += 1;
  }
  let accounts = 0;
  for (const a of DEMO_ACCOUNTS) if (await ensureAccount(db, a)) accounts += 1;
  return { sellers: s.length, products: productCount, accounts, pickupPoints: points };
}
