import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Vietnamese phone numbers arrive as 0912 345 678, +84 912.345.678, 84912345678, 0277 3851 234…
 * Validity comes from libphonenumber-js's maintained numbering plan ("max" metadata: real number
 * ranges, not only lengths), so real landlines such as an 11-digit Đồng Tháp number pass and
 * ranges that do not exist (0500000000, 0200000000) do not. Numbers are stored in E.164
 * (+84…) and compared only in that form; people see the national form (displayPhone).
 */
export function normalizePhone(input: string): string | null {
  if (input.length > 40) return null;
  const known = seen.get(input);
  if (known !== undefined) return known;
  const result = parse(input);
  // Parsing with the full numbering plan costs about a quarter of a millisecond, on every imported
  // order; the same buyers order again, so answers are remembered (a bounded table, emptied when full).
  if (seen.size >= SEEN_MAX) seen.clear();
  seen.set(input, result);
  return result;
}

const SEEN_MAX = 10_000;
const seen = new Map<string, string | null>();

function parse(input: string): string | null {
  // "84912345678" is the country-code form without its plus; a national number starts with 0.
  const compact = input.replace(/[\s.\-()]/g, '');
  const text = /^84\d{9,10}$/.test(compact) ? `+${compact}` : input;
  const parsed = parsePhoneNumberFromString(text, 'VN');
  if (!parsed || parsed.country !== 'VN' || !parsed.isValid()) return null;
  return parsed.number;
}

/** +84912345678 → 0912345678: the national form Vietnamese users type and read. Other text unchanged. */
export function displayPhone(stored: string): string {
  return /^\+84\d{9,10}$/.test(stored) ? `0${stored.slice(3)}` : stored;
}

/** 0912345678 → 0912***678, for people who need to recognise a number, not call it. */
export function maskPhone(phone: string): string {
  const shown = displayPhone(phone);
  return shown.length < 7 ? '***' : `${shown.slice(0, 4)}***${shown.slice(-3)}`;
}
