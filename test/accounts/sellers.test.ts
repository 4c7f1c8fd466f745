import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema/audit-log.ts';
import { sellers } from '../../db/schema/sellers.ts';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeUser, uniquePhone, uniqueTaxCode, type TestUser } from '../support/fixtures.ts';

/** Registering and editing cooperatives, households and enterprises. */
describe('sellers', () => {
  let app: FastifyInstance;
  let admin: TestUser;

  beforeAll(async () => {
    app = await buildTestApp();
    admin = await makeUser(app, 'admin');
  });
  afterAll(async () => {
    await app.close();
  });

  const body = (over: Record<string, unknown> = {}) => ({
    kind: 'cooperative',
    name: 'HTX Xoài Mỹ Xương',
    taxCode: uniqueTaxCode(),
    phone: uniquePhone(),
    wardCode: '30226',
    address: 'Ấp Mỹ Phước',
    ...over,
  });
  const create = (b: Record<string, unknown>) => app.inject({ method: 'POST', url: '/v1/sellers', headers: bearer(admin), payload: b });
  const patch = (id: string, b: Record<string, unknown>) => app.inject({ method: 'PATCH', url: `/v1/sellers/${id}`, headers: bearer(admin), payload: b });

  it('registers a seller: phone normalized, name and address trimmed, times in Vietnam time, and an audit entry', async () => {
    const phone = uniquePhone();
    const res = await create(body({ phone: `+84 ${phone.slice(1)}`, name: '  HTX Sen Tháp Mười  ', address: ' Ấp 3 ' }));
    expect(res.statusCode).toBe(201);
    const seller = res.json();
    expect(seller).toMatchObject({ kind: 'cooperative', name: 'HTX Sen Tháp Mười', phone, address: 'Ấp 3', wardCode: '30226' });
    expect(seller.createdAt).toMatch(/\+07:00$/);
    const read = await app.inject({ method: 'GET', url: `/v1/sellers/${seller.id}`, headers: bearer(admin) });
    expect(read.json()).toEqual(seller);
    const audit = await app.db.select().from(auditLog).where(eq(auditLog.entityId, seller.id));
    expect(audit).toEqual([expect.objectContaining({ action: 'seller.create', actorUserId: admin.id })]);
  });

  it('registers a household without a tax code, and a branch with the 10-3 tax code form', async () => {
    const household = await create(body({ kind: 'household', taxCode: undefined }));
    expect(household.statusCode).toBe(201);
    expect(household.json().taxCode).toBeNull();
    const branch = await create(body({ kind: 'enterprise', taxCode: `${uniqueTaxCode()}-001` }));
    expect(branch.statusCode).toBe(201);
  });

  it('answers 409 naming taxCode for a tax code another seller has, and stores nothing', async () => {
    const first = await create(body());
    const taxCode = first.json().taxCode;
    const name = `HTX trùng mã ${taxCode}`;
    const res = await create(body({ taxCode, name }));
    expect(res.statusCode).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'CONFLICT', field: 'taxCode' });
    expect(await app.db.select().from(sellers).where(eq(sellers.name, name))).toEqual([]);
  });

  it('lets two households share a missing tax code', async () => {
    expect((await create(body({ kind: 'household', taxCode: null }))).statusCode).toBe(201);
    expect((await create(body({ kind: 'household', taxCode: null }))).statusCode).toBe(201);
  });

  it('changes a seller’s details and records what changed', async () => {
    const seller = (await create(body())).json();
    const res = await patch(seller.id, { name: 'HTX Xoài Cát Chu', wardCode: '30112' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'HTX Xoài Cát Chu', wardCode: '30112', phone: seller.phone });
    const [entry] = await app.db.select().from(auditLog).where(eq(auditLog.entityId, seller.id)).orderBy(auditLog.id).offset(1);
    expect(entry).toMatchObject({ action: 'seller.update' });
    expect(entry?.changes).toMatchObject({ name: { from: seller.name, to: 'HTX Xoài Cát Chu' }, wardCode: { from: '30226', to: '30112' } });
  });

  it('answers 409 naming taxCode when a change takes another seller’s tax code, and keeps the old one', async () => {
    const [a, b] = [(await create(body())).json(), (await create(body())).json()];
    const res = await patch(b.id, { taxCode: a.taxCode });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).field).toBe('taxCode');
    const read = await app.inject({ method: 'GET', url: `/v1/sellers/${b.id}`, headers: bearer(admin) });
    expect(read.json().taxCode).toBe(b.taxCode);
  });

  it('answers 404 for a seller that does not exist', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/sellers/01890000-0000-7000-8000-000000000002', headers: bearer(admin) });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res)).toEqual({ code: 'NOT_FOUND', message: 'Không tìm thấy người bán' });
    expect((await patch('01890000-0000-7000-8000-000000000002', { name: 'Không có' })).statusCode).toBe(404);
  });
});
