import { parseWhole } from '../../web/format.ts';
import type { ApiError } from '../../plugins/web/api.ts';
import { CERT_ROWS } from '../../web/seller/product-form.ts';

/**
 * The product form's strings → the API's JSON body. Numbers typed the Vietnamese way
 * ("1.250.000") become integers; anything else is sent as typed, so the API's validation names the
 * field. Certificate rows left blank are skipped; `certRow[k]` remembers which form row became the
 * API's k-th certificate, to put an error back on the row the person filled.
 */
export function productBodyFromForm(form: Record<string, string>, editing: boolean): { body: Record<string, unknown>; certRow: number[] } {
  const body: Record<string, unknown> = {};
  const text = (k: string) => {
    const v = form[k];
    if (v !== undefined && (v !== '' || editing)) body[k] = v;
  };
  const whole = (k: string, blank: 'omit' | 'null') => {
    const v = parseWhole(form[k]);
    if (v !== undefined) body[k] = v;
    else if (blank === 'null' && editing) body[k] = null;
  };
  const date = (k: string) => {
    const v = form[k]?.trim();
    if (v) body[k] = v;
    else if (editing) body[k] = null;
  };
  for (const k of ['sku', 'name', 'category', 'unit', 'originWardCode', 'status']) {
    const v = form[k]?.trim();
    if (v) body[k] = v;
  }
  text('description');
  whole('priceVnd', 'omit');
  whole('weightGrams', 'omit');
  whole('shelfLifeDays', 'null');
  if (!editing) whole('stock', 'omit');
  date('harvestFrom');
  date('harvestTo');

  const certs: Record<string, string>[] = [];
  const certRow: number[] = [];
  for (let i = 0; i < CERT_ROWS + 10; i++) {
    const get = (k: string) => form[`certifications[${i}].${k}`]?.trim() ?? '';
    const row = { type: get('type'), number: get('number'), issuedAt: get('issuedAt'), expiresAt: get('expiresAt') };
    if (!row.type && !row.number && !row.issuedAt && !row.expiresAt) continue;
    certs.push(row);
    certRow.push(i);
  }
  if (certs.length > 0 || editing) body.certifications = certs;
  return { body, certRow };
}

/** `certifications[1].number` from the API is the form's row certRow[1]. */
export function errorOnForm(error: ApiError, certRow: number[]): ApiError {
  const m = /^certifications\[(\d+)\](.*)$/.exec(error.field ?? '');
  if (!m) return error;
  const row = certRow[Number(m[1])];
  return row === undefined ? error : { ...error, field: `certifications[${row}]${m[2]}` };
}
