/**
 * CSV formula injection (OWASP "CSV Injection"): a cell a spreadsheet would read as a formula
 * (starting with =, +, -, @, tab or carriage return) is written with a leading apostrophe, so
 * Excel and LibreOffice show it as text. Only text cells are touched: numbers (negative amounts
 * included) stay numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The inverse, for a file we wrote coming back in an import: "'=x" is read as "=x". */
export function restoreCell(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

/** csv-stringify options that neutralize every text cell of every CSV the service writes. */
export const SAFE_CELLS = { cast: { string: neutralizeCell } } as const;
