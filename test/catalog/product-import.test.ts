import { randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema/audit-log.ts';
import { bearer, errorOf } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser, type TestUser } from '../support/fixtures.ts';

type Product = { id: string; sku: string; name: string; stock: number; version: number; priceVnd: number; updatedAt: string; description: string };
type Report = {
  sellerId: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: { line: number; sku: string | null; code: string; field?: string; message: string }[];
};

const HEADER = 'sku,name,category,unit,priceVnd,stock,weightGrams,originWardCode';
const BOM = '\uFEFF';

/** POST /v1/products/import: upsert by SKU, report rejected rows by line, re-import is a no-op. */
describe('CSV product import', () => {
  let app: FastifyInstance;
  let manager: TestUser;
  let admin: TestUser;
  let sellerId: string;

  beforeAll(async () => {
    app = await buildTestApp();
    sellerId = (await makeSeller(app)).id;
    [manager, admin] = await Promise.all([makeUser(app, 'seller_manager', { sellerId }), makeUser(app, 'admin')]);
  });
  afterAll(async () => {
    await app.close();
  });

  /** A prefix no other test uses, so SKUs stay unique across tests and files. */
  const prefix = () => `T${randomInt(1e9)}`;

  const importCsv = (csv: string, opts: { user?: TestUser; query?: string; headers?: Record<string, string> } = {}) =>
    app.inject({
      method: 'POST',
      url: `/v1/products/import${opts.query ?? ''}`,
      headers: { ...bearer(opts.user ?? manager), 'content-type': 'text/csv', ...opts.headers },
      payload: csv,
    });

  async function bySku(sku: string): Promise<Product | undefined> {
    const res = await app.inject({ method: 'GET', url: `/v1/products?sellerId=${sellerId}&limit=100`, headers: bearer(admin) });
    let page = res.json();
    const all: Product[] = [...page.items];
    while (page.nextCursor) {
      page = (await app.inject({ method: 'GET', url: `/v1/products?sellerId=${sellerId}&limit=100&cursor=${page.nextCursor}`, headers: bearer(admin) })).json();
      all.push(...page.items);
    }
    return all.find((p) => p.sku === sku);
  }

  it('creates products from good rows, with their stock, and reports the counts', async () => {
    const p = prefix();
    const csv = [HEADER, `${p}-1,Xoài cát Hòa Lộc,fruit,kg,65000,20,1000,30112`, `${p}-2,Sen Tháp Mười,flower,bo,30000,5,300,30226`].join('\n');
    const res = await importCsv(csv);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ sellerId, rows: 2, created: 2, updated: 0, unchanged: 0, rejected: [] });
    expect(await bySku(`${p}-1`)).toMatchObject({ name: 'Xoài cát Hòa Lộc', priceVnd: 65000, stock: 20 });
    expect(await bySku(`${p}-2`)).toMatchObject({ name: 'Sen Tháp Mười', unit: 'bo', stock: 5 });
  });

  it('reads UTF-8 with a byte-order mark exactly like UTF-8 without one', async () => {
    const p = prefix();
    const res = await importCsv(`${BOM}${HEADER}\n${p}-1,Bưởi da xanh,fruit,kg,40000,8,1200,30112\n`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ rows: 1, created: 1, rejected: [] });
    expect((await bySku(`${p}-1`))?.name).toBe('Bưởi da xanh');
  });

  it('reports each rejected row with its line number, SKU, field and reason while applying the good rows', async () => {
    const p = prefix();
    const csv = [
      HEADER, // line 1
      `${p}-ok1,Gạo ST25,rice,kg,35000,100,1000,30112`, // 2
      `${p}-bad-price,Gạo nếp,rice,kg,không-biết,10,1000,30112`, // 3
      `${p}-bad-ward,Khô cá lóc,processed,goi,120000,5,500,99999`, // 4
      '', // 5: blank lines are skipped but still counted
      `${p}-bad-unit,Mật ong,processed,lit,90000,5,500,30112`, // 6
      `,Không mã,processed,goi,10000,1,100,30112`, // 7
      `${p}-ok2,Hạt sen sấy,processed,goi,80000,7,250,30226`, // 8
      `${p}-neg,Nấm rơm,vegetable,kg,50000,-2,1000,30112`, // 9
    ].join('\n');
    const res = await importCsv(csv);
    expect(res.statusCode).toBe(200);
    const report: Report = res.json();
    expect(report).toMatchObject({ rows: 7, created: 2, updated: 0, unchanged: 0 });
    expect(report.rejected.map(({ line, sku, code, field }) => ({ line, sku, code, field }))).toEqual([
      { line: 3, sku: `${p}-bad-price`, code: 'VALIDATION_FAILED', field: 'priceVnd' },
      { line: 4, sku: `${p}-bad-ward`, code: 'VALIDATION_FAILED', field: 'originWardCode' },
      { line: 6, sku: `${p}-bad-unit`, code: 'VALIDATION_FAILED', field: 'unit' },
      { line: 7, sku: null, code: 'VALIDATION_FAILED', field: 'sku' },
      { line: 9, sku: `${p}-neg`, code: 'VALIDATION_FAILED', field: 'stock' },
    ]);
    expect(report.rejected[0]!.message).toBe('Trường «priceVnd»: phải là số nguyên');
    expect(report.rejected[1]!.message).toContain('99999');
    expect(await bySku(`${p}-ok1`)).toBeDefined();
    expect(await bySku(`${p}-ok2`)).toBeDefined();
    for (const bad of ['bad-price', 'bad-ward', 'bad-unit', 'neg']) expect(await bySku(`${p}-${bad}`)).toBeUndefined();
  });

  it('writes the rejection reasons in English for Accept-Language: en', async () => {
    const p = prefix();
    const res = await importCsv(`${HEADER}\n${p}-1,Gạo,rice,kg,abc,1,1000,30112\n`, { headers: { 'accept-language': 'en' } });
    expect(res.json().rejected[0].message).toBe("Field 'priceVnd': must be an integer");
  });

  it('rejects a SKU repeated within the file, naming the line it repeats, and applies the first occurrence', async () => {
    const p = prefix();
    const csv = [HEADER, `${p}-1,Chuối sứ,fruit,kg,15000,10,1000,30112`, `${p}-2,Ổi lê,fruit,kg,20000,4,1000,30112`, `${p}-1,Chuối già,fruit,kg,18000,99,1000,30112`].join(
      '\n',
    );
    const report: Report = (await importCsv(csv)).json();
    expect(report).toMatchObject({ rows: 3, created: 2 });
    expect(report.rejected).toEqual([
      { line: 4, sku: `${p}-1`, code: 'VALIDATION_FAILED', field: 'sku', message: 'Trường «sku»: trùng với dòng 2' },
    ]);
    expect(await bySku(`${p}-1`)).toMatchObject({ name: 'Chuối sứ', stock: 10 });
  });

  it('changes nothing when the same file is imported again: every row unchanged, same versions, no new ledger or audit rows', async () => {
    const p = prefix();
    // Every column the import accepts, so each field's comparison is exercised.
    const csv =
      `${BOM}sku,name,description,category,unit,priceVnd,stock,weightGrams,originWardCode,shelfLifeDays,harvestFrom,harvestTo,status\r\n` +
      `${p}-1,Cam sành,"Vỏ xanh, ngọt thanh",fruit,kg,30000,12,1000,30112,20,2026-09-01,2026-12-31,active\r\n` +
      `${p}-2,Quýt hồng Lai Vung,,fruit,kg,45000,0,1000,30226,,,,\r\n`;
    expect((await importCsv(csv)).json()).toMatchObject({ created: 2, rejected: [] });
    const first = [(await bySku(`${p}-1`))!, (await bySku(`${p}-2`))!];
    const ledgerBefore = await ledger(first[0]!.id);
    const auditBefore = await audits(first.map((x) => x.id));

    const again = await importCsv(csv);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ sellerId, rows: 2, created: 0, updated: 0, unchanged: 2, rejected: [] });
    // The same rows without the BOM are the same file.
    expect((await importCsv(csv.slice(1))).json()).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    const second = [(await bySku(`${p}-1`))!, (await bySku(`${p}-2`))!];
    expect(second).toEqual(first);
    expect(await ledger(first[0]!.id)).toEqual(ledgerBefore);
    expect(await audits(first.map((x) => x.id))).toBe(auditBefore);
  });

  it('updates an existing SKU in place: new price and stock, version bumped, stock change in the ledger as an import', async () => {
    const p = prefix();
    await importCsv(`${HEADER}\n${p}-1,Dừa xiêm,fruit,trai,12000,30,1500,30112\n`);
    const before = (await bySku(`${p}-1`))!;
    const res = await importCsv(`${HEADER}\n${p}-1,Dừa xiêm,fruit,trai,13000,45,1500,30112\n`);
    expect(res.json()).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    const after = (await bySku(`${p}-1`))!;
    expect(after.id).toBe(before.id);
    expect(after).toMatchObject({ priceVnd: 13000, stock: 45 });
    expect(after.version).toBeGreaterThan(before.version);
    expect((await ledger(after.id))[0]).toMatchObject({ kind: 'import', delta: 15, stockAfter: 45 });
  });

  it('leaves stock alone when the file has no stock column', async () => {
    const p = prefix();
    await importCsv(`${HEADER}\n${p}-1,Mãng cầu,fruit,kg,50000,9,1000,30112\n`);
    const res = await importCsv(`sku,name,category,unit,priceVnd,weightGrams,originWardCode\n${p}-1,Mãng cầu xiêm,fruit,kg,50000,1000,30112\n`);
    expect(res.json()).toMatchObject({ updated: 1 });
    expect(await bySku(`${p}-1`)).toMatchObject({ name: 'Mãng cầu xiêm', stock: 9 });
  });

  it('numbers lines from where a row starts when a quoted cell spans several lines, with LF or CRLF line ends', async () => {
    for (const eol of ['\n', '\r\n']) {
      const p = prefix();
      const csv = [
        'sku,name,description,category,unit,priceVnd,weightGrams,originWardCode', // 1
        `${p}-1,Bánh pía,"Nhân sầu riêng${eol}trứng muối${eol}đóng hộp 4 cái",processed,hop,abc,500,30112`, // 2-4
        `${p}-2,Lạp xưởng,,processed,goi,xyz,500,30112`, // 5
      ].join(eol);
      const report: Report = (await importCsv(csv)).json();
      expect(report.rejected.map((r) => [r.sku, r.line]), JSON.stringify(eol)).toEqual([
        [`${p}-1`, 2],
        [`${p}-2`, 5],
      ]);
    }
  });

  it('lets an admin import for a seller named with ?sellerId=, and requires it', async () => {
    const p = prefix();
    const csv = `${HEADER}\n${p}-1,Sầu riêng,fruit,kg,90000,3,2000,30112\n`;
    const missing = await importCsv(csv, { user: admin });
    expect(missing.statusCode).toBe(400);
    expect(errorOf(missing).field).toBe('sellerId');
    const ok = await importCsv(csv, { user: admin, query: `?sellerId=${sellerId}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ sellerId, created: 1 });
  });

  it('accepts text/csv with a charset parameter', async () => {
    const p = prefix();
    const res = await importCsv(`${HEADER}\n${p}-1,Chôm chôm,fruit,kg,25000,1,1000,30112\n`, { headers: { 'content-type': 'text/csv; charset=utf-8' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().created).toBe(1);
  });

  it.each([
    ['an unsupported column', `sku,name,category,unit,priceVnd,weightGrams,originWardCode,color\nX-1,A b,fruit,kg,1,1,30112,red`, 'csv.color'],
    ['a missing required column', `sku,name,category,unit,priceVnd,weightGrams\nX-1,A b,fruit,kg,1,1`, 'csv.originWardCode'],
    ['an empty file', '', 'csv'],
  ])('refuses %s with 400 naming it, and stores nothing', async (_what, csv, field) => {
    const res = await importCsv(csv);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_FAILED', field });
    expect(await bySku('X-1')).toBeUndefined();
  });

  it('refuses a file with a row of the wrong number of cells as an invalid body naming that line', async () => {
    const res = await importCsv(`${HEADER}\nX-2,A b,fruit,kg,1,1,1,30112\nX-3,A b,fruit,kg,1\n`);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('INVALID_BODY');
    expect(errorOf(res).message).toMatch(/line 3\b/);
    expect(await bySku('X-2')).toBeUndefined();
  });

  it('refuses a body that is not CSV with 415', async () => {
    const res = await importCsv('sku\nX', { headers: { 'content-type': 'application/xml' } });
    expect(res.statusCode).toBe(415);
    expect(errorOf(res).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  async function ledger(id: string) {
    return (await app.inject({ method: 'GET', url: `/v1/products/${id}/stock-movements`, headers: bearer(admin) })).json().items;
  }
  async function audits(ids: string[]): Promise<number> {
    let n = 0;
    for (const id of ids) n += (await app.db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.entityId, id))).length;
    return n;
  }
});
