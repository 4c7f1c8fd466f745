import { Type, type TSchema } from '@sinclair/typebox';
import { UUID_PATTERN } from '../lib/ids.ts';
import { MAX_YEAR, MIN_YEAR, SERVICE_YEAR_PATTERN } from '../lib/time.ts';

/** A string enum as a plain JSON Schema `enum`, which gives clearer validation errors and OpenAPI than anyOf/const. */
export const StringEnum = <T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

export const Uuid = (options: { description?: string } = {}) => Type.String({ pattern: UUID_PATTERN, ...options });
export const IdParams = Type.Object({ id: Uuid() });

/** Instants cross the API as ISO 8601 in Asia/Ho_Chi_Minh time (+07:00). */
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, Asia/Ho_Chi_Minh (+07:00)' });
/** A calendar day within the years the service handles (src/lib/time.ts MIN_YEAR..MAX_YEAR). */
export const CalendarDate = Type.String({ format: 'date', pattern: `${SERVICE_YEAR_PATTERN}\\d{2}-\\d{2}$`, description: `YYYY-MM-DD, years ${MIN_YEAR}–${MAX_YEAR}` });
/** A date-time a client filters by, within the same years. */
export const DateTimeFilter = (description: string) =>
  Type.String({ format: 'date-time', pattern: SERVICE_YEAR_PATTERN, description: `${description}; years ${MIN_YEAR}–${MAX_YEAR}` });

/**
 * Contains at least two non-space characters. Services trim names and addresses before storing,
 * so minLength alone would let "   " through and store an empty name.
 */
export const TWO_VISIBLE_CHARACTERS = '\\S[\\s\\S]*\\S';
/** A name or address a person types: 2..maxLength characters, not blank once trimmed. */
export const Label = (maxLength: number, options: { description?: string } = {}) =>
  Type.String({ minLength: 2, maxLength, pattern: TWO_VISIBLE_CHARACTERS, ...options });

export const WardCode = Type.String({ pattern: '^\\d{5}$', description: 'GSO code of a Đồng Tháp commune (GET /v1/communes)' });
export const Phone = Type.String({ minLength: 9, maxLength: 20, description: 'A real Vietnamese phone number, mobile or landline (0912345678, +84 912 345 678, 0277 3851 234); stored in E.164, shown as 0xxxxxxxxx' });
/** Integer VND: the đồng has no subunit in use, so money is never fractional. */
export const Vnd = (options: { description?: string; minimum?: number; exclusiveMinimum?: number } = {}) =>
  Type.Integer({ maximum: 1_000_000_000_000, ...options });

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      field: Type.Optional(Type.String()),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Detail a client may act on, for some codes (FARM_PICKUP_FULL: `next`, the next free window {day, window, office}, or null)' })),
    }),
  },
  { $id: 'ErrorBody', description: 'Every error answer. Messages are Vietnamese unless Accept-Language prefers English.' },
);

export const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 50 });
export const Cursor = Type.String({ minLength: 1, maxLength: 400, description: 'Opaque; the nextCursor of the previous page' });

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/** Error responses every authenticated route may give, by reference to the shared ErrorBody. */
export const errorResponses = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [c, Type.Ref('ErrorBody')]));

/**
 * A 200 that is JSON by default and CSV on request (`Accept: text/csv` or `?format=csv`): both
 * media types in the OpenAPI document. Fastify serializes only the JSON one; the CSV is sent as text.
 */
export const JsonOrCsv = <T extends TSchema>(json: T, csv: string) => ({
  content: {
    'application/json': { schema: json },
    'text/csv': { schema: Type.String({ description: csv }) },
  },
});
