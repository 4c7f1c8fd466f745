import { flags, html, type Child, type Html } from './html.ts';
import type { ApiError } from '../plugins/web/api.ts';

/**
 * Form pieces with Vietnamese labels and the API's error shown under the field it names. Inputs are
 * named with the API's own field paths (`priceVnd`, `certifications[0].number`), so an error body's
 * `field` finds its input without a mapping table.
 */
export type FieldError = ApiError | null | undefined;

const errorFor = (name: string, error: FieldError): string | null => (error && error.field === name ? error.message : null);
const idOf = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

type Common = { name: string; label: string; error?: FieldError; hint?: string; required?: boolean };

function wrap(c: Common, control: (attrs: Html) => Html): Html {
  const id = idOf(c.name);
  const message = errorFor(c.name, c.error);
  const described = [c.hint ? `${id}-hint` : '', message ? `${id}-err` : ''].filter(Boolean).join(' ');
  const attrs = html` id="${id}" name="${c.name}"${flags({ required: c.required })}${described ? html` aria-describedby="${described}"` : ''}${message ? html` aria-invalid="true"` : ''}`;
  return html`<div class="field${message ? ' has-error' : ''}">
  <label for="${id}">${c.label}${c.required ? html` <span class="req" aria-hidden="true">*</span>` : ''}</label>
  ${control(attrs)}
  ${c.hint ? html`<small id="${id}-hint" class="hint">${c.hint}</small>` : ''}
  ${message ? html`<small id="${id}-err" class="error">${message}</small>` : ''}
</div>`;
}

export function textField(c: Common & { value?: string | number | null; type?: string; inputmode?: string; autocomplete?: string; maxlength?: number; pattern?: string }): Html {
  return wrap(
    c,
    (a) =>
      html`<input${a} type="${c.type ?? 'text'}" value="${c.value ?? ''}"${c.inputmode ? html` inputmode="${c.inputmode}"` : ''}${c.autocomplete ? html` autocomplete="${c.autocomplete}"` : ''}${c.maxlength ? html` maxlength="${c.maxlength}"` : ''}>`,
  );
}

export function textArea(c: Common & { value?: string | null; rows?: number }): Html {
  return wrap(c, (a) => html`<textarea${a} rows="${c.rows ?? 4}">${c.value ?? ''}</textarea>`);
}

export function selectField(c: Common & { value?: string | null; options: Record<string, string>; blank?: string }): Html {
  return wrap(
    c,
    (a) => html`<select${a}>
  ${c.blank !== undefined ? html`<option value="">${c.blank}</option>` : ''}
  ${Object.entries(c.options).map(([v, label]) => html`<option value="${v}"${flags({ selected: v === c.value })}>${label}</option>`)}
</select>`,
  );
}

/** An error the form could not pin on a field (a conflict, a network refusal), above the form. */
export function formError(error: FieldError, fieldNames: readonly string[]): Html {
  if (!error) return html``;
  const pinned = error.field !== undefined && fieldNames.includes(error.field);
  return html`<div class="flash error" role="alert">${pinned ? 'Vui lòng sửa ô được đánh dấu bên dưới.' : error.message}</div>`;
}

export const hidden = (name: string, value: string) => html`<input type="hidden" name="${name}" value="${value}">`;
export const csrfField = (token: string) => hidden('_csrf', token);

export function badge(text: string, tone: 'ok' | 'warn' | 'bad' | 'muted' = 'muted'): Html {
  return html`<span class="badge ${tone}">${text}</span>`;
}

export function card(title: Child, body: Child, extra: { id?: string } = {}): Html {
  return html`<section class="card"${extra.id ? html` id="${extra.id}"` : ''}><h2>${title}</h2>${body}</section>`;
}

export function empty(text: string): Html {
  return html`<p class="empty">${text}</p>`;
}
