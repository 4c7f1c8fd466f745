/**
 * Numbers and dates the Vietnamese way, in Vietnam's time zone whatever the server's:
 * `1.250.000 ₫`, `30/11/2026`, `30/11/2026 14:05`. One formatter of each kind per process.
 */
const ZONE = 'Asia/Ho_Chi_Minh';
const money = new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND', maximumFractionDigits: 0 });
const number = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
const day = new Intl.DateTimeFormat('vi-VN', { timeZone: ZONE, day: '2-digit', month: '2-digit', year: 'numeric' });
const time = new Intl.DateTimeFormat('vi-VN', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hour12: false });

/** 1250000 → "1.250.000 ₫" (Intl puts a no-break space before the sign, so it never wraps alone). */
export const vnd = (amount: number): string => money.format(amount);
export const num = (value: number): string => number.format(value);

const asDate = (value: string | Date): Date =>
  value instanceof Date ? value : /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00+07:00`) : new Date(value);

/** "2026-11-30" or an instant → "30/11/2026" (dd/MM/yyyy, Vietnam date). */
export const vnDate = (value: string | Date): string => day.format(asDate(value));
/** An instant → "30/11/2026 14:05" (Vietnam time). */
export const vnDateTime = (value: string | Date): string => `${day.format(asDate(value))} ${time.format(asDate(value))}`;

/** Grams → "1,5 kg" or "800 g". */
export const weight = (grams: number): string => (grams >= 1000 ? `${number.format(grams / 1000)} kg` : `${grams} g`);

/**
 * What a person types for money or a count: "1.250.000", "1 250 000 ₫" or "1250000" → 1250000.
 * Anything else is passed through unchanged so the API's validation names the field.
 */
export function parseWhole(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  const compact = text.replace(/[\s.\u00a0₫đ]/gi, '');
  if (compact === '') return undefined;
  return /^-?\d+$/.test(compact) ? Number(compact) : text;
}
