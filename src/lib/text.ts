/** Vietnamese text arrives in NFC or NFD depending on the keyboard and OS; we store NFC only. */
export function nfc(value: string): string {
  return value.normalize('NFC');
}

/** Returns a copy of a JSON-like value with every string NFC-normalized. */
export function deepNfc<T>(value: T): T {
  if (typeof value === 'string') return nfc(value) as T;
  if (Array.isArray(value)) return value.map((v) => deepNfc(v)) as T;
  // Plain objects, including the null-prototype objects Fastify's query parser makes.
  const proto = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as object)) out[k] = deepNfc(v);
    return out as T;
  }
  return value;
}

/**
 * Folds text the way the database's f_search_text() does (lower case, no diacritics, đ → d),
 * for matching in memory and for building search terms.
 */
export function foldForSearch(value: string): string {
  return value.normalize('NFD').replace(/\p{Mn}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

/** Splits a search query into terms; each must match (AND), in any order. */
export function searchTerms(q: string): string[] {
  return q
    .split(/\s+/)
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
    .slice(0, 8);
}

/** Escapes LIKE wildcards so a user's % or _ is matched literally. */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** How deep a request's JSON may nest; our deepest schema (certifications in a product) needs 4. */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether a JSON-like value nests deeper than `max` arrays/objects. Iterative, so a hostile
 * `[[[…10,000 levels…]]]` is measured without recursion; the recursive walkers below (deepNfc,
 * findNulPath) only ever see values that passed this check.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** Path of the first string containing a NUL character (PostgreSQL text cannot store it), or null. */
export function findNulPath(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNulPath(value[i], `${path}[${i}]`);
      if (hit !== null) return hit;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const hit = findNulPath(v, path ? `${path}.${k}` : k);
      if (hit !== null) return hit;
    }
  }
  return null;
}
