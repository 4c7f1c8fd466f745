import { Ajv } from 'ajv';
import { parse } from 'csv-parse/sync';
import { restoreCell } from '../../lib/csv-safe.ts';
import { eq } from 'drizzle-orm';
import { pickupPoints } from '../../../db/schema/pickup-points.ts';
import type { Db } from '../../db.ts';
import { AppError, invalid } from '../../errors.ts';
import type { Lang } from '../../i18n/language.ts';
import { describeValidationError } from '../../i18n/validation.ts';
import { newId } from '../../lib/ids.ts';
import { parseOpeningHours } from '../../lib/opening-hours.ts';
import { PickupPointCreate, type PickupPointCreateInput } from '../../schemas/pickup-points.ts';
import { authorizeAction, type Principal } from '../accounts/access.ts';
import { diff, recordAudit, type Actor } from '../accounts/audit.ts';
import { requireCommune } from '../reference/communes.ts';
import { checkedHours } from './pickup-points.ts';

const ajv = new Ajv({ coerceTypes: true, allErrors: false, strict: false });
const validateRow = ajv.compile<PickupPointCreateInput>(PickupPointCreate);

export const PICKUP_CSV_COLUMNS = ['code', 'name', 'kind', 'wardCode', 'address', 'lat', 'lng', 'openingHours', 'dailyCapacity', 'coldStorage', 'acceptsDropoff', 'buyerPickup', 'active', 'holdDays', 'perishableHoldDays'] as const;
const REQUIRED = ['code', 'name', 'kind', 'wardCode', 'address', 'lat', 'lng'] as const;
export const MAX_PICKUP_IMPORT_ROWS = 5000;

export type PickupImportReport = { rows: number; created: number; updated: number; unchanged: number; rejected: { line: number; code: string | null; errorCode: string; field?: string; message: string }[] };

function readCsv(text: string) {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text.replace(/\r\n?/g, '\n'), { bom: true, skip_empty_lines: true, trim: true, info: true }) as unknown as typeof rows;
  } catch (err) {
    throw new AppError('INVALID_BODY', { detail: (err as Error).message });
  }
  // A cell our own CSV neutralized against formula injection ("'=x") reads back as written ("=x").
  for (const r of rows) r.record = r.record.map(restoreCell);
  const [head, ...data] = rows;
  if (!head) throw invalid('csv', { vi: 'tệp CSV trống', en: 'the CSV file is empty' });
  const header = head.record;
  for (const name of header) {
    if (!(PICKUP_CSV_COLUMNS as readonly string[]).includes(name)) throw invalid(`csv.${name}`, { vi: `cột không được hỗ trợ; các cột hợp lệ: ${PICKUP_CSV_COLUMNS.join(', ')}`, en: `unsupported column; allowed columns: ${PICKUP_CSV_COLUMNS.join(', ')}` });
  }
  for (const name of REQUIRED) if (!header.includes(name)) throw invalid(`csv.${name}`, { vi: 'thiếu cột bắt buộc', en: 'required column is missing' });
  if (data.length > MAX_PICKUP_IMPORT_ROWS) throw invalid('csv', { vi: `tối đa ${MAX_PICKUP_IMPORT_ROWS} dòng mỗi lần nhập`, en: `at most ${MAX_PICKUP_IMPORT_ROWS} rows per import` });
  return data.map(({ record, info }) => {
    const values: Record<string, string> = {};
    header.forEach((name, i) => {
      if ((record[i] ?? '') !== '') values[name] = record[i]!;
    });
    const innerBreaks = record.reduce((n, cell) => n + cell.split('\n').length - 1, 0);
    return { line: info.lines - innerBreaks, values };
  });
}

/**
 * Post offices Postmart does not list, upserted by code as local points (the header is line 1;
 * each rejected row is reported with its line, field and reason, the others are written).
 * `openingHours` is Postmart's wording ("Thứ 2–Thứ 7: 07:00–17:00; Chủ nhật: 07:00–11:00") or our
 * JSON form. A code Postmart lists is refused: the sync owns it. Re-importing a file changes nothing.
 */
export async function importPickupPoints(db: Db, p: Principal, actor: Actor, csv: string, lang: Lang): Promise<PickupImportReport> {
  authorizeAction(p, 'pickup_point', 'create');
  const records = readCsv(csv.normalize('NFC'));
  const report: PickupImportReport = { rows: records.length, created: 0, updated: 0, unchanged: 0, rejected: [] };
  const seen = new Map<string, number>();
  for (const { line, values } of records) {
    const code = values.code ?? null;
    try {
      if (code && seen.has(code)) throw invalid('code', { vi: `trùng với dòng ${seen.get(code)}`, en: `duplicates line ${seen.get(code)}` });
      if (code) seen.set(code, line);
      const row: Record<string, unknown> = { ...values };
      if (values.openingHours !== undefined) {
        const raw = values.openingHours.trim().startsWith('{') ? safeJson(values.openingHours) : values.openingHours;
        const hours = parseOpeningHours(raw);
        if (!hours) throw invalid('openingHours', { vi: 'không đọc được giờ mở cửa (ví dụ: "Thứ 2–Thứ 7: 07:00–17:00")', en: 'cannot read the opening hours (e.g. "Thứ 2–Thứ 7: 07:00–17:00")' });
        row.openingHours = hours;
      }
      if (!validateRow(row)) {
        const { field, detail } = describeValidationError(validateRow.errors![0]!, 'row');
        throw invalid(field, detail);
      }
      report[await upsertLocal(db, actor, row)]++;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      report.rejected.push({ line, code, errorCode: err.code, ...(err.field ? { field: err.field } : {}), message: err.messageIn(lang) });
    }
  }
  return report;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

async function upsertLocal(db: Db, actor: Actor, input: PickupPointCreateInput): Promise<'created' | 'updated' | 'unchanged'> {
  await requireCommune(db, input.wardCode, 'wardCode');
  const fields = { ...input, name: input.name.trim(), address: input.address.trim(), openingHours: checkedHours(input.openingHours) ?? null };
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(pickupPoints).where(eq(pickupPoints.code, input.code)).for('update');
    if (!current) {
      const [row] = await tx.insert(pickupPoints).values({ id: newId(), ...fields, source: 'local' }).returning();
      await recordAudit(tx, actor, 'pickup_point.import', { type: 'pickup_point', id: row!.id }, diff(null, row!));
      return 'created';
    }
    if (current.source === 'postmart') throw invalid('code', { vi: 'điểm này do Postmart quản lý; sửa sức chứa bằng PATCH', en: 'this point is listed by Postmart; change its capacity with PATCH' });
    const changes = diff(current, { ...current, ...fields });
    // jsonb stores object keys in its own order; compare the timetable by content.
    if (canonical(current.openingHours) === canonical(fields.openingHours)) delete changes.openingHours;
    if (Object.keys(changes).length === 0) return 'unchanged';
    await tx.update(pickupPoints).set({ ...fields, updatedAt: new Date() }).where(eq(pickupPoints.id, current.id));
    await recordAudit(tx, actor, 'pickup_point.import', { type: 'pickup_point', id: current.id }, changes);
    return 'updated';
  });
}

const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
