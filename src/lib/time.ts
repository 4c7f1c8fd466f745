export const VN_TZ = 'Asia/Ho_Chi_Minh';
export const VN_OFFSET_MS = 7 * 3600_000; // Vietnam has no daylight saving time.
const DAY_MS = 86_400_000;

/** An instant as ISO 8601 in Vietnam time, e.g. 2026-11-28T13:10:00.000+07:00 (stored in UTC, reported in VN time). */
export function toVnIso(date: Date): string {
  return `${new Date(date.getTime() + VN_OFFSET_MS).toISOString().slice(0, -1)}+07:00`;
}

/** Today's calendar date (YYYY-MM-DD) in Asia/Ho_Chi_Minh. */
export function vnToday(now: Date = new Date()): string {
  return new Date(now.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a Vietnam calendar day (YYYY-MM-DD) begins. */
export function vnDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - VN_OFFSET_MS);
}

/** A calendar date (YYYY-MM-DD) moved by n days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The years a date the API accepts may fall in. Every date range is bounded by them, so no loop
 * over days, weeks or months can run past year 9999 (where ISO strings grow a sign and stop sorting).
 */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;
/** The same bound as a JSON Schema pattern prefix, for dates and date-times crossing the API. */
export const SERVICE_YEAR_PATTERN = '^(20\\d{2}|2100)-';

/** True for a real calendar date in YYYY-MM-DD form within MIN_YEAR..MAX_YEAR. */
export function isServiceDate(value: string): boolean {
  if (!isCalendarDate(value)) return false;
  const year = Number(value.slice(0, 4));
  return year >= MIN_YEAR && year <= MAX_YEAR;
}

/** True for a real calendar date in YYYY-MM-DD form (rejects 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** A row with its createdAt/updatedAt rendered in Vietnam time for the API. */
export function withVnTimes<T extends { createdAt: Date; updatedAt: Date }>(row: T): Omit<T, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string } {
  return { ...row, createdAt: toVnIso(row.createdAt), updatedAt: toVnIso(row.updatedAt) };
}
