import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';

export type CommuneRow = { code: string; name: string; type: 'xa' | 'phuong'; province_code: string; lat: number; lng: number };

type CommuneCsv = Record<keyof CommuneRow, string>;

const FILE = new URL('./communes.csv', import.meta.url);

let cached: Promise<readonly CommuneRow[]> | undefined;

/**
 * The province's communes, from the sandbox's own copy of the reference data (communes.csv, see
 * README.md here for its source and licence). The sandbox stands in for Postmart, which knows
 * the communes itself: it never reads the connector's tables. Read once per process.
 */
export function readCommunes(): Promise<readonly CommuneRow[]> {
  cached ??= readFile(FILE, 'utf8').then((text) =>
    parse<CommuneCsv>(text, { columns: true, bom: true, skip_empty_lines: true, trim: true }).map((r) => ({
      code: r.code,
      name: r.name.normalize('NFC'),
      type: r.type === 'xa' ? 'xa' : 'phuong',
      province_code: r.province_code,
      lat: Number(r.lat),
      lng: Number(r.lng),
    })),
  );
  return cached;
}
