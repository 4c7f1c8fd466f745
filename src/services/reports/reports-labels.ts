import { sql, type SQL } from 'drizzle-orm';
import { addDays } from '../../lib/time.ts';

/** Vietnamese names of the keys the reports group by. */
export const CATEGORY_LABELS: Record<string, string> = {
  fruit: 'Trái cây',
  vegetable: 'Rau củ',
  rice: 'Gạo',
  seafood: 'Thủy sản',
  processed: 'Sản phẩm chế biến',
  flower: 'Hoa kiểng',
  herbal: 'Dược liệu',
  other: 'Khác',
  unknown: 'Sản phẩm chưa xác định',
};

export const CERTIFICATION_LABELS: Record<string, string> = {
  OCOP_3_STAR: 'OCOP 3 sao',
  OCOP_4_STAR: 'OCOP 4 sao',
  OCOP_5_STAR: 'OCOP 5 sao',
  VIETGAP: 'VietGAP',
  GLOBALGAP: 'GlobalGAP',
  ORGANIC: 'Hữu cơ',
  none: 'Không có chứng nhận',
};

/** Orders that name no post office (home delivery without a drop-off office yet). */
export const NO_POST_OFFICE = 'none';

/**
 * The pickup point of an order, as a report key and label: the post office code the order carries,
 * labelled with the registry's name for that office (src/services/pickup-points.ts) when it is there.
 */
export function pickupPointKeySql(postOfficeColumn: SQL): { key: SQL; label: SQL } {
  const key = sql`coalesce(nullif(${postOfficeColumn}, ''), ${NO_POST_OFFICE})`;
  return {
    key,
    label: sql`CASE WHEN ${key} = ${NO_POST_OFFICE} THEN 'Không qua bưu cục'
      ELSE coalesce((SELECT pp.name || ' (' || pp.code || ')' FROM pickup_points pp WHERE pp.code = ${key}), ${key}) END`,
  };
}

const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** ISO week-numbering year and week of a Monday. */
function isoWeek(monday: string): { year: number; week: number } {
  const thursday = new Date(Date.parse(`${addDays(monday, 3)}T00:00:00Z`));
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return { year, week };
}

/** Key and label of a calendar period, from its first day (YYYY-MM-DD). */
export function periodOf(kind: 'day' | 'week' | 'month', start: string): { key: string; label: string } {
  if (kind === 'day') return { key: start, label: dmy(start) };
  if (kind === 'month') return { key: start.slice(0, 7), label: `Tháng ${start.slice(5, 7)}/${start.slice(0, 4)}` };
  const { year, week } = isoWeek(start);
  return { key: `${year}-W${String(week).padStart(2, '0')}`, label: `Tuần ${week}/${year} (${dmy(start)} – ${dmy(addDays(start, 6))})` };
}

const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

/**
 * The first day of every period of this kind overlapping [from, to], in order. Days are compared
 * as numbers, not strings (past year 9999 an ISO string gains a sign and sorts first), and the
 * loop cannot run more times than there are days in the range.
 */
export function periodStarts(kind: 'day' | 'week' | 'month', from: string, to: string): string[] {
  const end = dayNumber(to);
  const span = end - dayNumber(from);
  if (!Number.isFinite(span) || span < 0) return [];
  let d = from;
  if (kind === 'week') d = addDays(from, -((new Date(`${from}T00:00:00Z`).getUTCDay() + 6) % 7));
  if (kind === 'month') d = `${from.slice(0, 7)}-01`;
  const out: string[] = [];
  while (dayNumber(d) <= end && out.length <= span + 1) {
    out.push(d);
    if (kind === 'day') d = addDays(d, 1);
    else if (kind === 'week') d = addDays(d, 7);
    else {
      const [y, m] = [Number(d.slice(0, 4)), Number(d.slice(5, 7))];
      d = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
    }
  }
  return out;
}

