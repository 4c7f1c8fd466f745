import { invalid } from '../errors.ts';
import { decodeCursor } from './cursor.ts';

/** The id inside a cursor we issued; a 400 naming `cursor` for anything else. */
export function cursorId(cursor: string): string {
  const c = decodeCursor(cursor, ['id']);
  if (!c || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(c.id)) {
    throw invalid('cursor', { vi: 'con trỏ phân trang không hợp lệ', en: 'is not a cursor this API issued' });
  }
  return c.id;
}
