import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { communeMappings, communes } from '../../../db/schema/communes.ts';
import type { Db } from '../../db.ts';
import { invalid } from '../../errors.ts';
import { escapeLike, foldForSearch, searchTerms } from '../../lib/text.ts';

export type Commune = typeof communes.$inferSelect;

// Reference data changes only with a new administrative reform, i.e. with a migration and a
// restart, so the set of codes is read once per process.
const codeCache = new WeakMap<Db, Promise<Set<string>>>();

function communeCodes(db: Db): Promise<Set<string>> {
  let cached = codeCache.get(db);
  if (!cached) {
    cached = db
      .select({ code: communes.code })
      .from(communes)
      .then((rows) => new Set(rows.map((r) => r.code)));
    cached.catch(() => codeCache.delete(db));
    codeCache.set(db, cached);
  }
  return cached;
}

/** Whether `code` is one of our communes (from the per-process set; no query after the first). */
export async function isCommuneCode(db: Db, code: string): Promise<boolean> {
  return (await communeCodes(db)).has(code);
}

/** Throws a 400 naming `field` unless `code` is one of the 102 communes of Đồng Tháp. */
export async function requireCommune(db: Db, code: string, field: string): Promise<void> {
  if (!(await communeCodes(db)).has(code)) {
    throw invalid(field, {
      vi: `mã xã/phường ${code} không thuộc tỉnh Đồng Tháp (xem GET /v1/communes)`,
      en: `commune code ${code} is not a commune of Đồng Tháp (see GET /v1/communes)`,
    });
  }
}

/** Search ignoring case and diacritics: "hoa loc" finds "Hòa Lộc" and "Hoà Lộc" alike. */
export async function searchCommunes(db: Db, q: string | undefined, type: 'phuong' | 'xa' | undefined, limit: number): Promise<Commune[]> {
  const where: SQL[] = [];
  for (const term of searchTerms(foldForSearch(q ?? ''))) {
    where.push(sql`f_search_text(${communes.fullName} || ' ' || ${communes.altSpelling}) LIKE ${`%${escapeLike(term)}%`}`);
  }
  if (type) where.push(eq(communes.type, type));
  return db
    .select()
    .from(communes)
    .where(and(...where))
    .orderBy(asc(communes.name), asc(communes.code))
    .limit(limit);
}

export async function getCommune(db: Db, code: string): Promise<Commune | undefined> {
  const [row] = await db.select().from(communes).where(eq(communes.code, code));
  return row;
}

/** Resolves a pre-2025 commune code (an address written the old way) to the commune it became. */
export async function resolveLegacyCommune(db: Db, oldCode: string) {
  const rows = await db
    .select({ mapping: communeMappings, commune: communes })
    .from(communeMappings)
    .innerJoin(communes, eq(communes.code, communeMappings.newCode))
    .where(eq(communeMappings.oldCode, oldCode))
    .orderBy(asc(communes.code));
  return rows.map(({ mapping, commune }) => ({
    oldCode: mapping.oldCode,
    oldName: mapping.oldName,
    oldProvinceCode: mapping.oldProvinceCode,
    mergeType: mapping.mergeType,
    commune,
  }));
}
