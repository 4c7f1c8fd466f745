/** Opaque cursors: base64url JSON, so clients cannot depend on what is inside. */
export function encodeCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Returns null for anything that is not a cursor we issued with the expected string keys. */
export function decodeCursor<K extends string>(cursor: string, keys: readonly K[]): Record<K, string> | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed === null || typeof parsed !== 'object') return null;
    const out = {} as Record<K, string>;
    for (const k of keys) {
      const v = (parsed as Record<string, unknown>)[k];
      if (typeof v !== 'string' || v.length === 0 || v.length > 200) return null;
      out[k] = v;
    }
    return out;
  } catch {
    return null;
  }
}

/** Splits `limit + 1` fetched rows into a page and the cursor of the next one (keyset on id). */
export function pageOf<T extends { id: string }>(rows: T[], limit: number): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor({ id: last.id }) : null };
}
