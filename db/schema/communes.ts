import { doublePrecision, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/** The 102 commune-level units of Đồng Tháp after the 1 July 2025 reform (db/seed/README.md). */
export const communes = pgTable('communes', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  type: text('type', { enum: ['phuong', 'xa'] }).notNull(),
  provinceCode: text('province_code').notNull(),
  fullName: text('full_name').notNull(),
  nameEn: text('name_en').notNull(),
  /** The 2025 spelling where tone-mark placement changed later ("Hoà" vs "Hòa"). */
  altSpelling: text('alt_spelling').notNull(),
  lat: doublePrecision('lat').notNull(),
  lng: doublePrecision('lng').notNull(),
  bboxMinLng: doublePrecision('bbox_min_lng').notNull(),
  bboxMinLat: doublePrecision('bbox_min_lat').notNull(),
  bboxMaxLng: doublePrecision('bbox_max_lng').notNull(),
  bboxMaxLat: doublePrecision('bbox_max_lat').notNull(),
  areaKm2: doublePrecision('area_km2').notNull(),
});

/** Pre-2025 communes (old Đồng Tháp 87 and old Tiền Giang 82) → the new commune they merged into. */
export const communeMappings = pgTable(
  'commune_mappings',
  {
    oldCode: text('old_code').notNull(),
    oldName: text('old_name').notNull(),
    oldProvinceCode: text('old_province_code').notNull(),
    newCode: text('new_code')
      .notNull()
      .references(() => communes.code),
    mergeType: text('merge_type', { enum: ['full', 'partial'] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.oldCode, t.newCode] }), index('commune_mappings_new_code_idx').on(t.newCode)],
);
