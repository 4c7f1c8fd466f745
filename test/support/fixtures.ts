import { randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { pickupPoints } from '../../db/schema/pickup-points.ts';
import type { Role } from '../../db/schema/users.ts';
import type { Principal } from '../../src/services/accounts/access.ts';
import { createSeller, type Seller } from '../../src/services/accounts/sellers.ts';
import { createUser } from '../../src/services/accounts/users.ts';
import { newId } from '../../src/lib/ids.ts';

// Builders of the rows a test needs, each with keys no other test uses, so tests never share state.

/** A phone number no other test uses (the 09x range, random). */
export function uniquePhone(): string {
  return `09${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
}

export function uniqueTaxCode(): string {
  return String(randomInt(1_000_000_000, 9_999_999_999));
}

const SYSTEM_ADMIN: Principal = { id: '00000000-0000-7000-8000-000000000000', role: 'admin', name: 'test', sellerId: null, pickupPointId: null };

export async function makeSeller(app: FastifyInstance, over: Partial<{ name: string; wardCode: string }> = {}): Promise<Seller> {
  return createSeller(app.db, SYSTEM_ADMIN, { userId: null }, {
    kind: 'cooperative',
    name: over.name ?? `HTX thử nghiệm ${randomInt(1e6)}`,
    taxCode: uniqueTaxCode(),
    phone: uniquePhone(),
    wardCode: over.wardCode ?? '30226',
    address: 'Ấp 1',
  });
}

export type TestUser = { id: string; phone: string; password: string; token: string; role: Role; sellerId: string | null };

/** Creates an account through the users service and logs it in through the API. */
export async function makeUser(app: FastifyInstance, role: Role, scope: { sellerId?: string; pickupPointId?: string } = {}): Promise<TestUser> {
  const phone = uniquePhone();
  const password = `pw-${randomInt(1e9)}`;
  const user = await createUser(app.db, null, { userId: null }, { phone, password, role, name: `Người dùng ${role}`, ...scope });
  const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { phone, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  return { id: user.id, phone, password, token: res.json().token, role, sellerId: user.sellerId };
}

/** A pickup point of our own (not from Postmart), for clerks to be scoped to. */
export async function makePickupPoint(app: FastifyInstance, over: Partial<typeof pickupPoints.$inferInsert> = {}): Promise<string> {
  const id = newId();
  await app.db.insert(pickupPoints).values({ id, code: `LOCAL-${randomInt(1e9)}`, name: 'Điểm giao nhận thử', kind: 'DIEM_GIAO_DICH', wardCode: '30226', address: 'Lai Vung', lat: 10.29, lng: 105.65, source: 'local', ...over });
  return id;
}

/** A valid product body; tests override what they are about. */
export function productBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sku: `SKU-${randomInt(1e9)}`,
    name: 'Xoài cát Hòa Lộc',
    category: 'fruit',
    unit: 'kg',
    priceVnd: 65000,
    stock: 10,
    weightGrams: 1000,
    originWardCode: '30112',
    ...over,
  };
}
