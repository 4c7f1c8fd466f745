/**
 * Typed HTML templates without a template engine: `html` is a tagged template that escapes every
 * interpolated value unless it is already `Html` (another template's output or `raw()`), so a
 * product name typed by a farmer can never become markup. Arrays are joined; null, undefined and
 * false render nothing, so `${cond && html`…`}` reads naturally.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Child = Html | string | number | null | undefined | false | readonly Child[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(child: Child): string {
  if (child === null || child === undefined || child === false) return '';
  if (child instanceof Html) return child.value;
  if (Array.isArray(child)) return child.map(render).join('');
  return escapeHtml(String(child));
}

export function html(strings: TemplateStringsArray, ...values: Child[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Markup the caller vouches for (a constant, or JSON already escaped for an attribute). */
export const raw = (markup: string): Html => new Html(markup);

/** `attrs({ selected: true, disabled: false })` → ` selected`: boolean attributes without string juggling. */
export function flags(values: Record<string, boolean | undefined>): Html {
  return new Html(Object.entries(values).filter(([, on]) => on).map(([name]) => ` ${name}`).join(''));
}
