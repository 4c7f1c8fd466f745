import { invalidParam } from './errors.ts';

/** Opaque keyset cursors: base64url JSON of the last row's (update_time, id). */
export type Keyset = { t: number; id: string };

export function encodeCursor(k: Keyset): string {
  return Buffer.from(JSON.stringify(k), 'utf8').toString('base64url');
}

/** 400 INVALID_PARAM naming `cursor` for anything that is not a cursor this sandbox issued. */
export function decodeCursor(cursor: string): Keyset {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Keyset>;
    if (Number.isSafeInteger(v.t) && typeof v.id === 'string' && v.id.length > 0 && v.id.length <= 100) return { t: v.t!, id: v.id };
  } catch {
    // fall through
  }
  throw invalidParam('cursor', 'not a cursor returned by this endpoint');
}
