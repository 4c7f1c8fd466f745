import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { users } from '../../db/schema/users.ts';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makePickupPoint, makeUser, uniquePhone, type TestUser } from '../support/fixtures.ts';

/** Account management is an admin's job; a change to an account reaches its existing tokens. */
describe('user management', () => {
  let app: FastifyInstance;
  let admin: TestUser;
  let staff: TestUser;
  let manager: TestUser;
  let clerk: TestUser;
  let sellerId: string;

  beforeAll(async () => {
    app = await buildTestApp();
    sellerId = (await makeSeller(app)).id;
    [admin, staff, manager, clerk] = await Promise.all([
      makeUser(app, 'admin'),
      makeUser(app, 'provincial_staff'),
      makeUser(app, 'seller_manager', { sellerId }),
      makeUser(app, 'post_office_clerk', { pickupPointId: await makePickupPoint(app) }),
    ]);
  });
  afterAll(async () => {
    await app.close();
  });

  const createUser = (by: TestUser, body: Record<string, unknown>) => app.inject({ method: 'POST', url: '/v1/users', headers: bearer(by), payload: body });
  const patchUser = (by: TestUser, id: string, body: Record<string, unknown>) =>
    app.inject({ method: 'PATCH', url: `/v1/users/${id}`, headers: bearer(by), payload: body });
  const login = (phone: string, password: string) => app.inject({ method: 'POST', url: '/v1/auth/login', payload: { phone, password } });
  const me = (target: FastifyInstance, token: string) => target.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });

  /** A fresh provincial_staff account created through the API and logged in. */
  async function newAccount(role = 'provincial_staff', scope: Record<string, unknown> = {}) {
    const phone = uniquePhone();
    const password = 'mat-khau-123';
    const res = await createUser(admin, { phone, name: 'Cán bộ mới', password, role, ...scope });
    expect(res.statusCode, res.body).toBe(201);
    const token = (await login(phone, password)).json().token as string;
    return { id: res.json().id as string, phone, password, token };
  }

  it('lets an admin create an account: phone normalized, name trimmed, no password hash in the reply, and it can log in', async () => {
    const phone = uniquePhone();
    const spaced = `+84 ${phone.slice(1, 4)}.${phone.slice(4, 7)}.${phone.slice(7)}`;
    const res = await createUser(admin, { phone: spaced, name: '  Trần Văn Bảy  ', password: 'mat-khau-123', role: 'provincial_staff' });
    expect(res.statusCode).toBe(201);
    const user = res.json();
    expect(user).toMatchObject({ phone, name: 'Trần Văn Bảy', role: 'provincial_staff', sellerId: null, pickupPointId: null, disabled: false });
    expect(user).not.toHaveProperty('passwordHash');
    expect((await login(phone, 'mat-khau-123')).statusCode).toBe(200);
  });

  it('creates a seller manager scoped to a seller and a clerk scoped to a pickup point', async () => {
    const m = await createUser(admin, { phone: uniquePhone(), name: 'Quản lý HTX', password: 'mat-khau-123', role: 'seller_manager', sellerId });
    expect(m.statusCode).toBe(201);
    expect(m.json().sellerId).toBe(sellerId);
    const pickupPointId = await makePickupPoint(app);
    const c = await createUser(admin, { phone: uniquePhone(), name: 'Nhân viên bưu cục', password: 'mat-khau-123', role: 'post_office_clerk', pickupPointId });
    expect(c.statusCode).toBe(201);
    expect(c.json().pickupPointId).toBe(pickupPointId);
  });

  it('refuses a clerk scoped to a pickup point that does not exist, naming pickupPointId, and creates nothing', async () => {
    const phone = uniquePhone();
    const res = await createUser(admin, { phone, name: 'Nhân viên bưu cục', password: 'mat-khau-123', role: 'post_office_clerk', pickupPointId: randomUUID() });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'pickupPointId' });
    expect((await login(phone, 'mat-khau-123')).statusCode).toBe(401);
  });

  it('answers 409 naming phone for a phone that already has an account, in any written form', async () => {
    const res = await createUser(admin, { phone: `+84${staff.phone.slice(1)}`, name: 'Trùng số', password: 'mat-khau-123', role: 'admin' });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'CONFLICT', field: 'phone' });
    const [row] = await app.db.select({ name: users.name, role: users.role }).from(users).where(eq(users.phone, staff.phone));
    expect(row).toEqual({ name: 'Người dùng provincial_staff', role: 'provincial_staff' });
  });

  it('lets only an admin create accounts: every other role gets 403 and nothing is stored', async () => {
    for (const by of [staff, manager, clerk]) {
      const phone = uniquePhone();
      const res = await createUser(by, { phone, name: 'Tự cấp quyền', password: 'mat-khau-123', role: 'admin' });
      expect(res.statusCode, by.role).toBe(403);
      expect(errorOf(res).code).toBe('FORBIDDEN');
      expect(await app.db.select().from(users).where(eq(users.phone, phone))).toEqual([]);
    }
  });

  it('lists accounts for admins and provincial staff, without password hashes, paging without duplicates', async () => {
    const fresh = await newAccount();
    for (const by of [admin, staff]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: LightMyRequestResponse = await app.inject({ method: 'GET', url: `/v1/users?limit=25${cursor ? `&cursor=${cursor}` : ''}`, headers: bearer(by) });
        expect(res.statusCode).toBe(200);
        for (const u of res.json().items) {
          expect(u).not.toHaveProperty('passwordHash');
          seen.push(u.id);
        }
        cursor = res.json().nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of [admin.id, staff.id, manager.id, clerk.id, fresh.id]) expect(seen).toContain(id);
    }
  });

  it('refuses the account list to seller managers and clerks with 403', async () => {
    for (const by of [manager, clerk]) {
      const res = await app.inject({ method: 'GET', url: '/v1/users', headers: bearer(by) });
      expect(res.statusCode, by.role).toBe(403);
    }
  });

  it('lets an admin rename an account', async () => {
    const u = await newAccount();
    const res = await patchUser(admin, u.id, { name: 'Tên đã sửa' });
    expect(res.statusCode).toBe(200);
    expect(res.json().name).toBe('Tên đã sửa');
    expect((await me(app, u.token)).json().name).toBe('Tên đã sửa');
  });

  it('refuses account changes by non-admins: 403 for provincial staff, 404 for a seller manager who cannot see the account', async () => {
    const u = await newAccount();
    expect((await patchUser(staff, u.id, { name: 'Không được' })).statusCode).toBe(403);
    expect((await patchUser(manager, u.id, { name: 'Không được' })).statusCode).toBe(404);
    expect((await patchUser(admin, randomUUID(), { name: 'Không có ai' })).statusCode).toBe(404);
    const [row] = await app.db.select({ name: users.name }).from(users).where(eq(users.id, u.id));
    expect(row?.name).toBe('Cán bộ mới');
  });

  it('disabling an account stops its token at once on this instance, refuses its login, and enabling restores both', async () => {
    const u = await newAccount();
    expect((await me(app, u.token)).statusCode).toBe(200); // the principal is now cached
    const disabled = await patchUser(admin, u.id, { disabled: true });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json().disabled).toBe(true);

    const rejected = await me(app, u.token);
    expect(rejected.statusCode).toBe(401);
    expect(errorOf(rejected).code).toBe('UNAUTHENTICATED');
    const refused = await login(u.phone, u.password);
    expect(refused.statusCode).toBe(401);
    expect(errorOf(refused)).toMatchObject({ code: 'ACCOUNT_DISABLED', message: 'Tài khoản đã bị khóa' });

    expect((await patchUser(admin, u.id, { disabled: false })).statusCode).toBe(200);
    expect((await me(app, u.token)).statusCode).toBe(200);
    expect((await login(u.phone, u.password)).statusCode).toBe(200);
  });

  describe('on another instance (a second API replica)', () => {
    let replica: FastifyInstance;
    beforeAll(async () => {
      replica = await buildTestApp();
    });
    afterEach(() => {
      vi.useRealTimers();
    });
    afterAll(async () => {
      await replica.close();
    });

    it('refuses a disabled account’s token at once when the replica has not cached it', async () => {
      const u = await newAccount();
      expect((await patchUser(admin, u.id, { disabled: true })).statusCode).toBe(200);
      expect((await me(replica, u.token)).statusCode).toBe(401);
    });

    it('refuses a disabled account’s token once the 5 s principal cache has expired on a replica that had cached it', async () => {
      const u = await newAccount();
      expect((await me(replica, u.token)).statusCode).toBe(200); // cached on the replica
      expect((await patchUser(admin, u.id, { disabled: true })).statusCode).toBe(200); // forgotten only on `app`
      // Move only the clock (timers stay real, so the database and Redis clients are unaffected).
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 5_001);
      expect((await me(replica, u.token)).statusCode).toBe(401);
    });
  });

  it('a role change takes effect on the existing token: a demoted manager can no longer write products', async () => {
    const u = await newAccount('seller_manager', { sellerId });
    const product = { sku: `ROLE-${randomUUID().slice(0, 8)}`, name: 'Mít Thái', category: 'fruit', unit: 'kg', priceVnd: 20000, weightGrams: 5000, originWardCode: '30112' };
    expect((await app.inject({ method: 'POST', url: '/v1/products', headers: { authorization: `Bearer ${u.token}` }, payload: product })).statusCode).toBe(201);

    const res = await patchUser(admin, u.id, { role: 'provincial_staff' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ role: 'provincial_staff', sellerId: null });
    const write = await app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: { authorization: `Bearer ${u.token}` },
      payload: { ...product, sku: `${product.sku}-2`, sellerId },
    });
    expect(write.statusCode).toBe(403);
    expect((await me(app, u.token)).json().role).toBe('provincial_staff');
  });

  it('a password change makes the old password fail and the new one work', async () => {
    const u = await newAccount();
    expect((await patchUser(admin, u.id, { password: 'mat-khau-moi-456' })).statusCode).toBe(200);
    expect((await login(u.phone, u.password)).statusCode).toBe(401);
    expect((await login(u.phone, 'mat-khau-moi-456')).statusCode).toBe(200);
  });

  it('refuses an admin demoting their own account (400 naming role)', async () => {
    const res = await patchUser(admin, admin.id, { role: 'provincial_staff' });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).field).toBe('role');
    expect((await me(app, admin.token)).json().role).toBe('admin');
  });
});
