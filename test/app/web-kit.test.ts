import { describe, expect, it } from 'vitest';
import { csrfTokenFor } from '../../src/plugins/web/session.ts';
import { errorOnForm, productBodyFromForm } from '../../src/routes/app/product-body.ts';
import { textField } from '../../src/web/components.ts';
import { parseWhole, vnd, vnDate, vnDateTime, weight } from '../../src/web/format.ts';
import { html, raw } from '../../src/web/html.ts';

const plain = (s: string) => s.replace(/\s/g, ' ');

describe('typed templates', () => {
  it('escapes every interpolated value, so a product name cannot become markup', () => {
    const name = `<img src=x onerror="alert(1)"> & 'co'`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;co&#39;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;co&#39;</p>',
    );
  });
  it('nests templates and arrays without escaping them twice, and renders nothing for null, undefined and false', () => {
    const items = ['a<b', 'c'];
    expect(html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>${null}${undefined}${false}${raw('<hr>')}`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul><hr>');
  });
  it('puts the API error under the field it names, linked for screen readers', () => {
    const error = { code: 'VALIDATION_FAILED', message: 'Trường «priceVnd»: phải ≥ 1', field: 'priceVnd' };
    const out = textField({ name: 'priceVnd', label: 'Giá bán (₫)', value: '0', error }).value;
    expect(out).toContain('aria-invalid="true"');
    expect(out).toContain('aria-describedby="f-priceVnd-err"');
    expect(out).toContain('<small id="f-priceVnd-err" class="error">Trường «priceVnd»: phải ≥ 1</small>');
    expect(textField({ name: 'name', label: 'Tên', error }).value).not.toContain('error');
  });
});

describe('Vietnamese formats', () => {
  it('writes money as 1.250.000 ₫, dates as dd/MM/yyyy in Vietnam time', () => {
    expect(plain(vnd(1_250_000))).toBe('1.250.000 ₫');
    expect(vnDate('2026-03-09')).toBe('09/03/2026');
    // 23:30 UTC on 31 Dec is already 1 January in Vietnam.
    expect(vnDateTime('2026-12-31T23:30:00Z')).toBe('01/01/2027 06:30');
    expect(weight(1500)).toBe('1,5 kg');
    expect(weight(800)).toBe('800 g');
  });
  it('reads money typed the Vietnamese way, and passes anything else on for the API to name', () => {
    expect(parseWhole('1.250.000')).toBe(1_250_000);
    expect(parseWhole('1 250 000 ₫')).toBe(1_250_000);
    expect(parseWhole('45000')).toBe(45_000);
    expect(parseWhole('')).toBeUndefined();
    expect(parseWhole('12,5')).toBe('12,5');
  });
});

describe('product form → API body', () => {
  const form = {
    name: ' Xoài ',
    sku: 'X-1',
    category: 'fruit',
    unit: 'kg',
    priceVnd: '45.000',
    stock: '50',
    weightGrams: '1000',
    originWardCode: '30226',
    description: '',
    shelfLifeDays: '',
    harvestFrom: '',
    harvestTo: '2026-12-31',
    status: 'active',
    'certifications[0].type': '',
    'certifications[1].type': 'VIETGAP',
    'certifications[1].number': 'VG-1',
    'certifications[1].issuedAt': '2026-01-01',
    'certifications[1].expiresAt': '2027-01-01',
  };
  it('creates with numbers, skipping blanks and empty certificate rows', () => {
    const { body, certRow } = productBodyFromForm(form, false);
    expect(body).toEqual({
      name: 'Xoài',
      sku: 'X-1',
      category: 'fruit',
      unit: 'kg',
      priceVnd: 45_000,
      stock: 50,
      weightGrams: 1000,
      originWardCode: '30226',
      harvestTo: '2026-12-31',
      status: 'active',
      certifications: [{ type: 'VIETGAP', number: 'VG-1', issuedAt: '2026-01-01', expiresAt: '2027-01-01' }],
    });
    expect(certRow).toEqual([1]);
    // The API's first certificate is the form's second row.
    expect(errorOnForm({ code: 'VALIDATION_FAILED', message: 'm', field: 'certifications[0].number' }, certRow).field).toBe('certifications[1].number');
  });
  it('edits by clearing what was emptied (null) and never sends stock (the ledger changes it)', () => {
    const { body } = productBodyFromForm({ ...form, 'certifications[1].type': '', 'certifications[1].number': '', 'certifications[1].issuedAt': '', 'certifications[1].expiresAt': '' }, true);
    expect(body).toMatchObject({ shelfLifeDays: null, harvestFrom: null, description: '', certifications: [] });
    expect(body).not.toHaveProperty('stock');
  });
});

describe('CSRF token', () => {
  it('is bound to the session: another session or another secret gives another token', () => {
    const a = csrfTokenFor('secret-a'.repeat(4), 'session-1');
    expect(a).toBe(csrfTokenFor('secret-a'.repeat(4), 'session-1'));
    expect(a).not.toBe(csrfTokenFor('secret-a'.repeat(4), 'session-2'));
    expect(a).not.toBe(csrfTokenFor('secret-b'.repeat(4), 'session-1'));
  });
});
