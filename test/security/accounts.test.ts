import { readFile } from 'node:fs/promises';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sellers } from '../../db/schema/sellers.ts';
import { users } from '../../db/schema/users.ts';
import { displayPhone, maskPhone, normalizePhone } from '../../src/lib/phone.ts';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeUser, uniquePhone, uniqueTaxCode, type TestUser } from '../support/fixtures.ts';

// Findings 10 (weak passwords) and 12 (real phone numbers refused, unreal ones accepted).
let app: FastifyInstance;
let admin: TestUser;
beforeAll(async () => {
  app = await buildTestApp();
  admin = await makeUser(app, 'admin');
});
afterAll(() => app?.close());

const createUser = (password: string, over: Record<string, unknown> = {}) =>
  app.inject({ method: 'POST', url: '/v1/users', headers: bearer(admin), payload: { phone: uniquePhone(), name: 'Cán bộ thử', password, role: 'provincial_staff', ...over } });

describe('finding 10: weak passwords', () => {
  it('refuses short, common, keyboard and repeated passwords with a Vietnamese message naming the field', async () => {
    for (const weak of ['12345678', 'password', '        ', 'password1234', '1234567890', 'qwertyuiop', 'aaaaaaaaaaaa', 'matkhau123']) {
      const res = await createUser(weak);
      expect(res.statusCode, weak).toBe(400);
      const err = errorOf(res);
      expect(err.field).toBe('password');
      expect(err.message).toMatch(/mật khẩu|Trường «password»/);
    }
    const easy = await createUser('matkhau123');
    expect(errorOf(easy).message).toContain('quá dễ đoán');
  });

  it('refuses a password made of the account’s own phone number', async () => {
    const phone = uniquePhone();
    const res = await createUser(`${phone}`, { phone });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).field).toBe('password');
  });

  it('accepts a long passphrase, and applies the same rule to a password change', async () => {
    const res = await createUser('xoai cat hoa loc chin vang');
    expect(res.statusCode).toBe(201);
    const change = await app.inject({ method: 'PATCH', url: `/v1/users/${res.json().id}`, headers: bearer(admin), payload: { password: 'iloveyou12' } });
    expect(change.statusCode).toBe(400);
    expect(errorOf(change).field).toBe('password');
  });
});

describe('finding 12: phone numbers', () => {
  const sellerBody = (phone: string) => ({ kind: 'cooperative', name: 'HTX Sen Tháp Mười', taxCode: uniqueTaxCode(), phone, wardCode: '30226', address: 'Ấp 1' });

  it('registers a cooperative with a real 11-digit Đồng Tháp landline, stored in E.164 and shown in national form', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/sellers', headers: bearer(admin), payload: sellerBody('0277 3851 234') });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().phone).toBe('02773851234');
    const [row] = await app.db.select({ phone: sellers.phone }).from(sellers).where(eq(sellers.id, res.json().id));
    expect(row!.phone).toBe('+842773851234');
  });

  it('refuses numbers in ranges that do not exist, naming phone', async () => {
    for (const phone of ['0500000000', '0200000000', '0992345678', '091234567', '+1 202 555 0100']) {
      const res = await app.inject({ method: 'POST', url: '/v1/sellers', headers: bearer(admin), payload: sellerBody(phone) });
      expect(res.statusCode, phone).toBe(400);
      expect(errorOf(res).field).toBe('phone');
    }
  });

  it('logs in with the number in any written form, and masks in the national form', async () => {
    const u = await makeUser(app, 'provincial_staff');
    for (const phone of [`+84 ${u.phone.slice(1)}`, `84${u.phone.slice(1)}`, `${u.phone.slice(0, 4)} ${u.phone.slice(4, 7)} ${u.phone.slice(7)}`]) {
      const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { phone, password: u.password } });
      expect(res.statusCode, phone).toBe(200);
      expect(res.json().user.phone).toBe(u.phone);
    }
    expect(maskPhone(normalizePhone(u.phone)!)).toBe(`${u.phone.slice(0, 4)}***${u.phone.slice(-3)}`);
    expect(displayPhone(normalizePhone('0277 3851 234')!)).toBe('02773851234');
  });

  it('migration 0013 moves stored national numbers to E.164 and leaves anything else alone', async () => {
    const migration = await readFile(new URL('../../db/migrations/0013_hardening.sql', import.meta.url), 'utf8');
    const updates = migration.split('--> statement-breakpoint').map((s) => s.trim()).filter((s) => /^(--[^\n]*\n)*UPDATE "users"/.test(s));
    expect(updates).toHaveLength(1);
    const legacy = `09${uniquePhone().slice(2)}`;
    // Inside a transaction that is rolled back: the migration's own statement on rows in the old form.
    const client = await app.pool.connect();
    await client.query('BEGIN');
    try {
      const a = (await client.query(`INSERT INTO users (id, phone, name, role, password_hash) VALUES (gen_random_uuid(), $1, 'Cũ', 'admin', 'x') RETURNING id`, [legacy])).rows[0].id;
      const b = (await client.query(`INSERT INTO users (id, phone, name, role, password_hash) VALUES (gen_random_uuid(), '+84912000111', 'Mới', 'admin', 'x') RETURNING id`)).rows[0].id;
      await client.query(updates[0]!);
      const rows = (await client.query('SELECT id, phone FROM users WHERE id = ANY($1)', [[a, b]])).rows as { id: string; phone: string }[];
      expect(rows.find((r) => r.id === a)!.phone).toBe(`+84${legacy.slice(1)}`);
      expect(rows.find((r) => r.id === b)!.phone).toBe('+84912000111');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect((await app.db.select({ n: sql<number>`count(*)::int` }).from(users).where(eq(users.phone, legacy)))[0]!.n).toBe(0);
  });
});
