import { WEEKDAYS, type OpeningHours, type OpeningInterval, type Weekday } from '../../db/schema/pickup-points.ts';
import { VN_OFFSET_MS } from './time.ts';

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export const minutesOf = (hhmm: string): number => {
  if (hhmm === '24:00') return 1440;
  const m = TIME.exec(hhmm);
  if (!m) return Number.NaN;
  return Number(m[1]) * 60 + Number(m[2]);
};

/**
 * Problems with a weekly timetable, as [field, English detail] pairs (empty when valid).
 * An interval whose close is at or before its open runs past midnight into the next day
 * (a 22:00–02:00 evening counter); "24:00" closes at midnight. Intervals of a day must not overlap.
 */
export function openingHoursProblems(h: Record<string, OpeningInterval[] | undefined>): [string, string][] {
  const problems: [string, string][] = [];
  for (const day of WEEKDAYS) {
    const list = h[day] ?? [];
    const spans: [number, number][] = [];
    list.forEach((iv, i) => {
      const at = `openingHours.${day}[${i}]`;
      const open = minutesOf(iv.open);
      const close = minutesOf(iv.close);
      if (Number.isNaN(open) || open === 1440) problems.push([`${at}.open`, 'must be HH:MM between 00:00 and 23:59']);
      else if (Number.isNaN(close)) problems.push([`${at}.close`, 'must be HH:MM between 00:00 and 24:00']);
      else if (open === close) problems.push([`${at}.close`, 'must differ from open']);
      else spans.push([open, close > open ? close : close + 1440]);
    });
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) if (spans[i]![0] < spans[i - 1]![1]) problems.push([`openingHours.${day}`, 'intervals overlap']);
  }
  return problems;
}

/** A timetable with every weekday present (missing days closed). */
export function completeHours(h: Partial<Record<Weekday, OpeningInterval[]>>): OpeningHours {
  return Object.fromEntries(WEEKDAYS.map((d) => [d, h[d] ?? []])) as OpeningHours;
}

/** The Vietnam-local weekday (0 = Monday) and minute of the day of an instant. */
export function vnClock(now: Date): { weekday: number; minute: number } {
  const local = new Date(now.getTime() + VN_OFFSET_MS);
  return { weekday: (local.getUTCDay() + 6) % 7, minute: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

/**
 * Whether the point is open at `now` in Asia/Ho_Chi_Minh: inside one of today's intervals, or in
 * the after-midnight tail of one of yesterday's intervals that runs past midnight. Unknown hours
 * (null) are never open. `now` is a parameter so tests can stand at any instant.
 */
export function isOpenAt(hours: OpeningHours | null, now: Date): boolean {
  if (!hours) return false;
  const { weekday, minute } = vnClock(now);
  const today = hours[WEEKDAYS[weekday]!] ?? [];
  const yesterday = hours[WEEKDAYS[(weekday + 6) % 7]!] ?? [];
  for (const iv of today) {
    const open = minutesOf(iv.open);
    const close = minutesOf(iv.close);
    if (close > open ? minute >= open && minute < close : minute >= open) return true;
  }
  for (const iv of yesterday) {
    const open = minutesOf(iv.open);
    const close = minutesOf(iv.close);
    if (close <= open && minute < close) return true;
  }
  return false;
}

const DAY_NAMES: Record<string, number> = { 'chủ nhật': 6, cn: 6 };
function dayIndex(token: string): number | null {
  const t = token.trim().toLowerCase();
  if (t in DAY_NAMES) return DAY_NAMES[t]!;
  const m = /^(?:thứ|t)\s*([2-7])$/.exec(t);
  return m ? Number(m[1]) - 2 : null;
}

/**
 * Postmart sends opening_hours as free Vietnamese text ("Thứ 2–Thứ 7: 07:00–11:30, 13:30–17:00;
 * Chủ nhật: 07:00–11:00", "Hằng ngày: 07:00–19:00") or, some day, as our structured form.
 * Returns null when it cannot be read: the text is kept for people, the point is not reported open.
 */
export function parseOpeningHours(raw: unknown): OpeningHours | null {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const h = raw as Record<string, OpeningInterval[]>;
    const ok = Object.keys(h).every((k) => (WEEKDAYS as readonly string[]).includes(k) && Array.isArray(h[k]) && h[k].every((iv) => typeof iv?.open === 'string' && typeof iv?.close === 'string'));
    return ok && openingHoursProblems(h).length === 0 ? completeHours(h) : null;
  }
  if (typeof raw !== 'string') return null;
  const out: Partial<Record<Weekday, OpeningInterval[]>> = {};
  for (const part of raw.normalize('NFC').split(';')) {
    const colon = part.indexOf(':');
    if (colon < 0) return null;
    const daysText = part.slice(0, colon).trim().toLowerCase();
    let days: number[];
    if (daysText === 'hằng ngày' || daysText === 'hàng ngày') days = [0, 1, 2, 3, 4, 5, 6];
    else {
      const ends = daysText.split(/\s*[–-]\s*/).map(dayIndex);
      if (ends.some((d) => d === null) || ends.length > 2) return null;
      const [from, to = from] = ends as number[];
      if (to! < from!) return null;
      days = Array.from({ length: to! - from! + 1 }, (_, i) => from! + i);
    }
    const intervals: OpeningInterval[] = [];
    for (const range of part.slice(colon + 1).split(',')) {
      const m = /^\s*(\d{2}:\d{2})\s*[–-]\s*(\d{2}:\d{2})\s*$/.exec(range);
      if (!m) return null;
      intervals.push({ open: m[1]!, close: m[2]! });
    }
    for (const d of days) out[WEEKDAYS[d]!] = [...(out[WEEKDAYS[d]!] ?? []), ...intervals];
  }
  const hours = completeHours(out);
  return openingHoursProblems(hours).length === 0 ? hours : null;
}
