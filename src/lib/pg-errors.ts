/** PostgreSQL error codes we translate into domain errors (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
type PgError = { code?: string; constraint?: string; cause?: unknown };

function pgError(err: unknown): PgError | null {
  // Drizzle wraps driver errors; the pg error is the cause.
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as PgError).cause) {
    if (typeof (e as PgError).code === 'string' && /^[0-9A-Z]{5}$/.test((e as PgError).code!)) return e;
  }
  return null;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = pgError(err);
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}
