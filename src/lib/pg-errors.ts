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

/** 40P01: PostgreSQL broke a lock cycle by aborting this transaction; run again, it goes through. */
export function isDeadlock(err: unknown): boolean {
  return pgError(err)?.code === '40P01';
}

/**
 * Runs a transaction again when PostgreSQL aborted it to break a deadlock (at most `attempts` times):
 * the other side has its locks by then, so a second run simply waits for them.
 */
export async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isDeadlock(err) || attempt >= attempts) throw err;
    }
  }
}
