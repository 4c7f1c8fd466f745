import { asc, eq, gt, sql } from 'drizzle-orm';
import { pickupPoints } from '../../../db/schema/pickup-points.ts';
import { sellers } from '../../../db/schema/sellers.ts';
import { users, type Role } from '../../../db/schema/users.ts';
import type { Db } from '../../db.ts';
import { AppError, invalid, notFound } from '../../errors.ts';
import { pageOf } from '../../lib/cursor.ts';
import { newId } from '../../lib/ids.ts';
import { cursorId } from '../../lib/paging.ts';
import { displayPhone, normalizePhone } from '../../lib/phone.ts';
import { authorize, authorizeAction, type Principal } from './access.ts';
import { diff, recordAudit, type Actor } from './audit.ts';
import { requireStrongPassword } from './password-policy.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.ts';

export type UserRow = typeof users.$inferSelect;
export type PublicUser = Omit<UserRow, 'passwordHash' | 'tokenVersion'>;

export function toPublicUser({ passwordHash: _omit, tokenVersion: _internal, ...rest }: UserRow): PublicUser {
  return { ...rest, phone: displayPhone(rest.phone) };
}

export function toPrincipal(u: UserRow | PublicUser): Principal {
  return { id: u.id, role: u.role, name: u.name, sellerId: u.sellerId, pickupPointId: u.pickupPointId };
}

export function requirePhone(raw: string, field = 'phone'): string {
  const phone = normalizePhone(raw);
  if (!phone) {
    throw invalid(field, {
      vi: 'phải là số điện thoại Việt Nam có thật (di động hoặc cố định, ví dụ 0912345678 hoặc 0277 3851 234)',
      en: 'must be a real Vietnamese phone number (mobile or landline, e.g. 0912345678 or 0277 3851 234)',
    });
  }
  return phone;
}

export async function login(db: Db, phoneRaw: string, password: string): Promise<UserRow> {
  const phone = normalizePhone(phoneRaw);
  const [user] = phone ? await db.select().from(users).where(eq(users.phone, phone)) : [];
  // Verify against a dummy hash when the phone is unknown, so timing does not reveal which phones have accounts.
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok) throw new AppError('INVALID_CREDENTIALS');
  if (user.disabled) throw new AppError('ACCOUNT_DISABLED');
  return user;
}

export async function findUser(db: Db, id: string): Promise<UserRow | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user;
}

type Scope = { role: Role; sellerId?: string | null | undefined; pickupPointId?: string | null | undefined };

/** A seller_manager needs a seller, a clerk needs a pickup point, other roles need neither. */
async function checkScope(db: Db, s: Scope): Promise<{ sellerId: string | null; pickupPointId: string | null }> {
  const sellerId = s.role === 'seller_manager' ? (s.sellerId ?? null) : null;
  const pickupPointId = s.role === 'post_office_clerk' ? (s.pickupPointId ?? null) : null;
  if (s.role === 'seller_manager' && !sellerId) {
    throw invalid('sellerId', { vi: 'bắt buộc với vai trò seller_manager', en: 'is required for role seller_manager' });
  }
  if (s.role === 'post_office_clerk' && !pickupPointId) {
    throw invalid('pickupPointId', { vi: 'bắt buộc với vai trò post_office_clerk', en: 'is required for role post_office_clerk' });
  }
  if (s.role !== 'seller_manager' && s.sellerId) {
    throw invalid('sellerId', { vi: 'chỉ dùng cho vai trò seller_manager', en: 'only applies to role seller_manager' });
  }
  if (s.role !== 'post_office_clerk' && s.pickupPointId) {
    throw invalid('pickupPointId', { vi: 'chỉ dùng cho vai trò post_office_clerk', en: 'only applies to role post_office_clerk' });
  }
  if (sellerId) {
    const [seller] = await db.select({ id: sellers.id }).from(sellers).where(eq(sellers.id, sellerId));
    if (!seller) throw invalid('sellerId', { vi: 'không tồn tại người bán này', en: 'no such seller' });
  }
  if (pickupPointId) {
    const [point] = await db.select({ id: pickupPoints.id }).from(pickupPoints).where(eq(pickupPoints.id, pickupPointId));
    if (!point) throw invalid('pickupPointId', { vi: 'không tồn tại điểm giao nhận này (xem GET /v1/pickup-points)', en: 'no such pickup point (see GET /v1/pickup-points)' });
  }
  return { sellerId, pickupPointId };
}

export type NewUser = { phone: string; name: string; password: string; role: Role; sellerId?: string; pickupPointId?: string };

export async function createUser(db: Db, p: Principal | null, actor: Actor, input: NewUser): Promise<PublicUser> {
  if (p) authorizeAction(p, 'user', 'create');
  const phone = requirePhone(input.phone);
  requireStrongPassword(input.password, [input.phone, input.name]);
  const scope = await checkScope(db, input);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ id: newId(), phone, name: input.name.trim(), role: input.role, ...scope, passwordHash })
      .onConflictDoNothing({ target: users.phone })
      .returning();
    if (!row) throw new AppError('CONFLICT', { detail: { vi: 'số điện thoại đã có tài khoản', en: 'phone number already has an account' } }, 'phone');
    await recordAudit(tx, actor, 'user.create', { type: 'user', id: row.id }, diff(null, toPublicUser(row)));
    return toPublicUser(row);
  });
}

export async function listUsers(db: Db, p: Principal, opts: { limit: number; cursor?: string | undefined }): Promise<{ page: PublicUser[]; nextCursor: string | null }> {
  authorizeAction(p, 'user', 'list');
  const rows = await db
    .select()
    .from(users)
    .where(opts.cursor ? gt(users.id, cursorId(opts.cursor)) : undefined)
    .orderBy(asc(users.id))
    .limit(opts.limit + 1);
  const { page, nextCursor } = pageOf(rows, opts.limit);
  return { page: page.map(toPublicUser), nextCursor };
}

export type UserPatch = {
  name?: string;
  role?: Role;
  sellerId?: string | null;
  pickupPointId?: string | null;
  disabled?: boolean;
  password?: string;
};

export async function updateUser(db: Db, p: Principal, actor: Actor, id: string, patch: UserPatch): Promise<PublicUser> {
  const current = await findUser(db, id);
  authorize(p, 'user', 'update', current ?? null);
  if (!current) throw notFound('user');
  if (current.id === p.id && (patch.disabled === true || (patch.role && patch.role !== 'admin'))) {
    throw invalid(patch.disabled ? 'disabled' : 'role', {
      vi: 'không thể tự khóa hoặc tự hạ quyền tài khoản của chính mình',
      en: 'you cannot disable or demote your own account',
    });
  }
  if (patch.password !== undefined) requireStrongPassword(patch.password, [displayPhone(current.phone), current.name]);
  const role = patch.role ?? current.role;
  const scope = await checkScope(db, {
    role,
    sellerId: patch.sellerId !== undefined ? patch.sellerId : role === current.role ? current.sellerId : null,
    pickupPointId: patch.pickupPointId !== undefined ? patch.pickupPointId : role === current.role ? current.pickupPointId : null,
  });
  // Tokens issued before a change of password, role, scope or enabled state stop working (src/plugins/auth.ts).
  const revokesTokens =
    patch.password !== undefined ||
    role !== current.role ||
    scope.sellerId !== current.sellerId ||
    scope.pickupPointId !== current.pickupPointId ||
    (patch.disabled !== undefined && patch.disabled !== current.disabled);
  const values = {
    ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
    ...(revokesTokens ? { tokenVersion: sql`${users.tokenVersion} + 1` } : {}),
    ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
    ...(patch.password !== undefined ? { passwordHash: await hashPassword(patch.password) } : {}),
    role,
    ...scope,
    updatedAt: new Date(),
  };
  return db.transaction(async (tx) => {
    const [row] = await tx.update(users).set(values).where(eq(users.id, id)).returning();
    if (!row) throw notFound('user');
    const changes = diff(toPublicUser(current), toPublicUser(row));
    if (patch.password !== undefined) changes.password = { from: '***', to: '***' };
    await recordAudit(tx, actor, 'user.update', { type: 'user', id }, changes);
    return toPublicUser(row);
  });
}
