/**
 * Vietnamese phone numbers arrive as 0912 345 678, +84 912.345.678, 84912345678…
 * We store the national form 0xxxxxxxxx (10 digits) and compare only normalized forms.
 */
export function normalizePhone(input: string): string | null {
  const digits = input.replace(/[\s.\-()]/g, '');
  let national: string;
  if (/^\+84\d+$/.test(digits)) national = `0${digits.slice(3)}`;
  else if (/^84\d{9}$/.test(digits)) national = `0${digits.slice(2)}`;
  else if (/^0\d+$/.test(digits)) national = digits;
  else return null;
  // Mobile (03/05/07/08/09) and the 02x landline area codes are all 10 digits since 2018.
  return /^0[235789]\d{8}$/.test(national) ? national : null;
}

/** 0912345678 → 0912***678, for people who need to recognise a number, not call it. */
export function maskPhone(phone: string): string {
  return phone.length < 7 ? '***' : `${phone.slice(0, 4)}***${phone.slice(-3)}`;
}
