import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { products } from '../../db/schema/products.ts';
import { neutralizeCell, restoreCell } from '../../src/lib/csv-safe.ts';
import { bearer } from '../support/http.ts';
import { buildTestApp } from '../support/app.ts';
import { makeSeller, makeUser } from '../support/fixtures.ts';
import { order, product } from '../support/reports.ts';

// Finding 8: CSV formula injection in every CSV the service writes, and re-import of neutralized cells.
let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app?.close());

/** Rows of a CSV without BOM, split on CRLF and on commas outside quotes. */
function cells(csv: string): string[][] {
  return csv.replace(/^\uFEFF/, '').trim().split('\r\n').map((line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.filter((c) => c !== '').map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"')));
}

describe('finding 8: CSV formula injection', () => {
  it('neutralizes text cells a spreadsheet would run, and leaves numbers and plain text alone', () => {
    for (const evil of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      expect(neutralizeCell(evil)).toBe(`'${evil}`);
      expect(restoreCell(neutralizeCell(evil))).toBe(evil);
    }
    expect(neutralizeCell('HTX Xoài')).toBe('HTX Xoài');
    expect(restoreCell("'bình thường")).toBe("'bình thường");
  });

  it('writes a seller named =HYPERLINK(…) as text in the sales and overview CSVs; amounts stay numbers', async () => {
    const evil = '=HYPERLINK("http://x","y")';
    const seller = await makeSeller(app, { name: evil });
    const manager = await makeUser(app, 'seller_manager', { sellerId: seller.id });
    const p = await product(app.db, seller.id, { name: '-Xoài cát', category: 'fruit', priceVnd: 60_000 });
    await order(app.db, { sellerId: seller.id, placedAt: new Date(), status: 'delivered', lines: [{ productId: p.id, qty: 2, unitPriceVnd: 60_000 }] });
    const sales = await app.inject({ url: '/v1/reports/sales?groupBy=seller&format=csv', headers: bearer(manager) });
    expect(sales.statusCode).toBe(200);
    const row = cells(sales.body).find((r) => r[0] === seller.id)!;
    expect(row[1]).toBe(`'${evil}`);
    expect(row.slice(2)).toEqual(['1', '2', '120000', '120000', '0']);
    const overview = await app.inject({ url: '/v1/reports/overview?format=csv', headers: bearer(manager) });
    expect(overview.statusCode).toBe(200);
    const texts = cells(overview.body).flat();
    expect(texts.some((c) => /^[=+\-@\t\r]/.test(c))).toBe(false);
    expect(texts).toContain(`'-Xoài cát – ${evil}`);
  });

  it('reads a neutralized cell back as written when the file is imported again', async () => {
    const seller = await makeSeller(app);
    const manager = await makeUser(app, 'seller_manager', { sellerId: seller.id });
    const csv = `sku,name,category,unit,priceVnd,weightGrams,originWardCode\nCSV-1,"'=Xoài ""đặc biệt""",fruit,kg,50000,1000,30112\n`;
    const res = await app.inject({ method: 'POST', url: '/v1/products/import', headers: { ...bearer(manager), 'content-type': 'text/csv' }, payload: csv });
    expect(res.statusCode, res.body).toBe(200);
    const [row] = await app.db.select({ name: products.name }).from(products).where(eq(products.sellerId, seller.id));
    expect(row!.name).toBe('=Xoài "đặc biệt"');
  });
});
