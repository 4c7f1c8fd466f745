import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { communeMappings, communes } from '../schema/communes.ts';
import type { Db } from '../../src/db.ts';

const file = (name: string) => new URL(`./${name}`, import.meta.url);

type CommuneCsv = {
  code: string;
  name: string;
  type: 'phuong' | 'xa';
  province_code: string;
  full_name: string;
  name_en: string;
  name_v3_0_2_2025_spelling: string;
  centroid_lat: string;
  centroid_lng: string;
  bbox_minlng_minlat_maxlng_maxlat: string;
  area_km2_gis: string;
};
type MappingCsv = { new_code: string; old_code: string; old_name: string; merge_type: 'full' | 'partial'; old_province_code: string };

async function readCsv<T>(name: string): Promise<T[]> {
  return parse<T>(await readFile(file(name), 'utf8'), { columns: true, bom: true, skip_empty_lines: true, trim: true });
}

/**
 * Loads the commune reference data shipped in db/seed (see db/seed/README.md for sources and licences).
 * Idempotent: existing rows are left alone, so a second run inserts nothing.
 */
export async function seedReference(db: Db): Promise<{ communes: number; mappings: number }> {
  const rows = await readCsv<CommuneCsv>('dong_thap_communes_2025.csv');
  const values = rows.map((r) => {
    const [minLng, minLat, maxLng, maxLat] = r.bbox_minlng_minlat_maxlng_maxlat.split(' ').map(Number);
    return {
      code: r.code,
      name: r.name.normalize('NFC'),
      type: r.type,
      provinceCode: r.province_code,
      fullName: r.full_name.normalize('NFC'),
      nameEn: r.name_en,
      altSpelling: r.name_v3_0_2_2025_spelling.normalize('NFC'),
      lat: Number(r.centroid_lat),
      lng: Number(r.centroid_lng),
      bboxMinLng: minLng!,
      bboxMinLat: minLat!,
      bboxMaxLng: maxLng!,
      bboxMaxLat: maxLat!,
      areaKm2: Number(r.area_km2_gis),
    };
  });
  const mappings = (await readCsv<MappingCsv>('dong_thap_old_to_new_mapping_2025.csv')).map((m) => ({
    oldCode: m.old_code,
    oldName: m.old_name.normalize('NFC'),
    oldProvinceCode: m.old_province_code,
    newCode: m.new_code,
    mergeType: m.merge_type,
  }));
  const inserted = await db.transaction(async (tx) => {
    const c = await tx.insert(communes).values(values).onConflictDoNothing().returning({ code: communes.code });
    const m = await tx.insert(communeMappings).values(mappings).onConflictDoNothing().returning({ code: communeMappings.oldCode });
    return { communes: c.length, mappings: m.length };
  });
  return inserted;
}
