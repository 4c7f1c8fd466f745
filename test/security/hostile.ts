import fc from 'fast-check';
import type { JsonSchema } from './route-table.ts';

/** Strings that have broken services before: NUL, SQL and HTML fragments, NFD and zero-width text, extreme numbers and dates. */
export const HOSTILE_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', "' OR 1=1 --", "'; DROP TABLE users; --", '<script>alert(1)</script>', '<img src=x onerror=alert(1)>',
  'Xoa\u0300i ca\u0301t', '\u200b\u200d\ufeff', 'x'.repeat(5000), '../../etc/passwd', '%00', '${jndi:ldap://x/a}', '=HYPERLINK("http://x","y")',
  'NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '9999-12-31', '+010000-01-01', '0000-00-00', '2026-02-30', '1969-12-31T23:59:59Z',
  '-1', '0', '99999999999999999999', '0x10', 'true', 'null', '[]', '{}', '\ud800', '🥭'.repeat(100), 'ĐỒNG THÁP', '\r\n\r\nX-Injected: 1',
];

/** A value of any JSON type, hostile strings and extreme numbers included, a few levels deep. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...HOSTILE_STRINGS),
    fc.string({ maxLength: 40 }),
    fc.constantFrom(0, -1, 1.5, -0, 2 ** 31, 2 ** 53, -(2 ** 63), Number.MAX_VALUE, 1e-300),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('v'), { maxKeys: 3 }),
  ),
})).v;

const types = (s: JsonSchema): string[] => (s.type === undefined ? [] : [s.type].flat());

/** A value the schema accepts, roughly: enough for validation to pass and the handler to run. */
export function fromSchema(s: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if ('const' in s) return fc.constant(s.const);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = s[key] as JsonSchema[] | undefined;
    if (options?.length) return fc.oneof(...options.map((o) => fromSchema(o, depth)));
  }
  const t = types(s);
  if (t.includes('null') && t.length > 1) return fc.oneof(fc.constant(null), fromSchema({ ...s, type: t.filter((x) => x !== 'null') }, depth));
  switch (t[0]) {
    case 'integer':
      return fc.integer({ min: Math.max(Number(s.minimum ?? -1e6), -1e12), max: Math.min(Number(s.maximum ?? 1e6), 1e12) });
    case 'number':
      return fc.double({ min: Number(s.minimum ?? -1e6), max: Number(s.maximum ?? 1e6), noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(fromSchema((s.items as JsonSchema) ?? {}, depth + 1), { maxLength: 3 });
    case 'object': {
      if (depth > 3 || !s.properties) return fc.constant({});
      const required = new Set(s.required ?? []);
      const entries = Object.entries(s.properties);
      return fc.record(Object.fromEntries(entries.map(([k, v]) => [k, fromSchema(v, depth + 1)])), { requiredKeys: entries.map(([k]) => k).filter((k) => required.has(k)) });
    }
    case 'string':
    default:
      return stringFor(s);
  }
}

function stringFor(s: JsonSchema): fc.Arbitrary<string> {
  const pattern = String(s.pattern ?? '');
  if (/[0-9a-f]\{8\}-/i.test(pattern)) return fc.uuid();
  if (s.format === 'date' || /\\d\{2\}-\\d\{2\}\$/.test(pattern)) return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  if (s.format === 'date-time') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
  if (pattern === '^\\d{5}$') return fc.constantFrom('30226', '30112', '29905', '00000');
  const min = Number(s.minLength ?? 0);
  const max = Math.max(min, Math.min(Number(s.maxLength ?? 40), 60));
  return fc.string({ minLength: min, maxLength: max }).map((x) => (x.trim().length >= 2 ? x : `Giá trị ${x}`.slice(0, max)));
}

/** A schema-shaped object with one part made hostile: a wrong value, an unknown property, or a missing one. */
export function mutatedObject(s: JsonSchema): fc.Arbitrary<unknown> {
  const props = Object.keys(s.properties ?? {});
  return fc.oneof(
    fromSchema(s),
    hostileValue,
    fc.tuple(fromSchema(s), props.length ? fc.constantFrom(...props) : fc.constant('x'), hostileValue).map(([o, k, v]) => ({ ...(o as object), [k]: v })),
    fc.tuple(fromSchema(s), fc.constantFrom('__proto__', 'constructor', 'isAdmin', 'role', 'sellerId', 'id', 'x'), hostileValue).map(([o, k, v]) => JSON.parse(JSON.stringify({ ...(o as object) }).replace(/^\{/, `{${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'},`).replace(/,\}$/, '}'))),
    fc.tuple(fromSchema(s), props.length ? fc.constantFrom(...props) : fc.constant('x')).map(([o, k]) => {
      const copy = { ...(o as Record<string, unknown>) };
      delete copy[k];
      return copy;
    }),
  );
}

/** Query-string values: schema-shaped (as text) or hostile text. */
export function queryFor(s: JsonSchema | undefined): fc.Arbitrary<Record<string, string>> {
  const props = Object.entries(s?.properties ?? {});
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');
  const one = (p: JsonSchema) => fc.oneof(fromSchema(p).map(text), fc.constantFrom(...HOSTILE_STRINGS), hostileValue.map(text));
  return fc.record(Object.fromEntries([...props.map(([k, v]) => [k, one(v)]), ['unknownParam', fc.constantFrom(...HOSTILE_STRINGS)]]), { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>>;
}
