import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import { restoreCell } from '../../lib/csv-safe.ts';
import { and, eq } from 'drizzle-orm';
import { products } from '../../../db/schema/products.ts';
import type { Db } from '../../db.ts';
import { AppError, invalid } from '../../errors.ts';
import type { Lang } from '../../i18n/language.ts';
import { describeValidationError } from '../../i18n/validation.ts';
import { deepNfc } from '../../lib/text.ts';
import { CSV_COLUMNS, CSV_REQUIRED, ProductCreate, type ProductCreateInput } from '../../schemas/products.ts';
import { authorize, authorizeAction, type Principal } from '../accounts/access.ts';
import type { Actor } from '../accounts/audit.ts';
import { isUniqueViolation } from '../../lib/pg-errors.ts';
import { checkProductRules } from './product-rules.ts';
import { applyProductPatch, insertProduct, setStockLocked } from './products.ts';
import { getSeller } from '../accounts/sellers.ts';

// ajv-formats is CommonJS with a default export; under NodeNext its callable sits on .default.
const addFormats = addFormatsModule.default;

/** The same product schema as POST /v1/products, with CSV's strings coerced to numbers. */
const ajv = new Ajv({ coerceTypes: true, allErrors: false, removeAdditional: false, useDefaults: true, strict: false });
addFormats(ajv);
const validateRow = ajv.compile<ProductCreateInput>(ProductCreate);

export type ImportRejection = { line: number; sku: string | null; code: string; field?: string; message: string };
export type ImportReport = {
  sellerId: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: ImportRejection[];
};

export const MAX_IMPORT_ROWS = 10_000;

function parseCsv(text: string): { header: string[]; records: { line: number; values: Record<string, string> }[] } {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    // csv-parse's info.lines is the line a record ends on, and it counts a CRLF inside a quoted cell
    // as two lines. Parsing LF-only text and subtracting the record's own line breaks (below) gives
    // the line a row starts on, which is what a rejected row reports.
    const lf = text.replace(/\r\n?/g, '\n');
    rows = parse(lf, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false, info: true }) as unknown as typeof rows;
  } catch (err) {
    throw new AppError('INVALID_BODY', { detail: (err as Error).message });
  }
  // A cell our own CSV neutralized against formula injection ("'=x") reads back as written ("=x").
  for (const r of rows) r.record = r.record.map(restoreCell);
  const [head, ...data] = rows;
  if (!head) throw invalid('csv', { vi: 'tệp CSV trống', en: 'the CSV file is empty' });
  const header = head.record.map((h) => h.trim());
  for (const name of header) {
    if (!(CSV_COLUMNS as readonly string[]).includes(name)) {
      throw invalid(`csv.${name}`, {
        vi: `cột không được hỗ trợ; các cột hợp lệ: ${CSV_COLUMNS.join(', ')}`,
        en: `unsupported column; allowed columns: ${CSV_COLUMNS.join(', ')}`,
      });
    }
  }
  for (const name of CSV_REQUIRED) {
    if (!header.includes(name)) throw invalid(`csv.${name}`, { vi: 'thiếu cột bắt buộc', en: 'required column is missing' });
  }
  if (data.length > MAX_IMPORT_ROWS) {
    throw invalid('csv', { vi: `tối đa ${MAX_IMPORT_ROWS} dòng mỗi lần nhập`, en: `at most ${MAX_IMPORT_ROWS} rows per import` });
  }
  const records = data.map(({ record, info }) => {
    const values: Record<string, string> = {};
    header.forEach((name, i) => {
      const v = record[i] ?? '';
      if (v !== '') values[name] = v;
    });
    const innerBreaks = record.reduce((n, cell) => n + cell.split('\n').length - 1, 0);
    return { line: info.lines - innerBreaks, values };
  });
  return { header, records };
}

/**
 * Upserts a seller's products by SKU from a CSV whose headers are product field names.
 * Each row is validated by the same schema and rules as the API and written in its own
 * transaction, so one bad row is reported without blocking the others. Re-importing the same
 * file finds every row unchanged and writes nothing.
 */
export async function importProducts(db: Db, p: Principal, actor: Actor, sellerIdParam: string | undefined, csv: string, lang: Lang): Promise<ImportReport> {
  authorizeAction(p, 'product', 'create');
  const sellerId = sellerIdParam ?? p.sellerId;
  if (!sellerId) throw invalid('sellerId', { vi: 'bắt buộc: nhập cho người bán nào?', en: 'is required: import for which seller?' });
  await getSeller(db, p, sellerId);
  // Seeing the seller is not enough: a clerk may import for them only under an authorization with the catalog scope.
  authorize(p, 'product', 'create', { sellerId });
  const { records } = parseCsv(csv.normalize('NFC'));
  const report: ImportReport = { sellerId, rows: records.length, created: 0, updated: 0, unchanged: 0, rejected: [] };
  const seen = new Map<string, number>();

  for (const { line, values } of records) {
    const sku = values.sku ?? null;
    const reject = (err: AppError) =>
      report.rejected.push({ line, sku, code: err.code, ...(err.field ? { field: err.field } : {}), message: err.messageIn(lang) });
    try {
      if (sku && seen.has(sku)) {
        throw invalid('sku', { vi: `trùng với dòng ${seen.get(sku)}`, en: `duplicates line ${seen.get(sku)}` });
      }
      if (sku) seen.set(sku, line);
      const row: Record<string, unknown> = deepNfc({ ...values });
      if (!validateRow(row)) {
        const { field, detail } = describeValidationError(validateRow.errors![0]!, 'row');
        throw invalid(field, detail);
      }
      const input = row;
      await checkProductRules(db, input, input);
      const outcome = await upsertRow(db, actor, sellerId, input);
      report[outcome] += 1;
    } catch (err) {
      if (err instanceof AppError) reject(err);
      else if (isUniqueViolation(err, 'products_seller_sku_uq')) reject(new AppError('CONFLICT', { detail: { vi: 'mã SKU vừa được tạo đồng thời', en: 'SKU was created concurrently' } }, 'sku'));
      else throw err;
    }
  }
  return report;
}

async function upsertRow(db: Db, actor: Actor, sellerId: string, input: ProductCreateInput): Promise<'created' | 'updated' | 'unchanged'> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(products)
      .where(and(eq(products.sellerId, sellerId), eq(products.sku, input.sku)))
      .for('update');
    if (!current) {
      await insertProduct(tx, actor, sellerId, input, 'import');
      return 'created';
    }
    const { stock, sellerId: _s, ...fields } = input;
    const patched = await applyProductPatch(tx, actor, current, fields, 'product.import');
    const stocked = stock === undefined ? patched : await setStockLocked(tx, actor, patched, { set: stock, reason: 'CSV import' }, 'import');
    return stocked === current ? 'unchanged' : 'updated';
  });
}
