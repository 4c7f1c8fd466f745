import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureDatabase } from '../../db/migrate.ts';
import { readCommunes } from '../../sandbox/db/communes.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.ts';

// The sandbox plays Postmart: it must run in a database that holds none of the connector's tables,
// with the reference data it carries itself (sandbox/db/communes.csv). Self-contained on purpose
// (no shared helpers): a database of its own, migrated by the sandbox itself.
const url = new URL(inject('databaseUrl'));
url.pathname = `${url.pathname}_sandbox_only`;
const databaseUrl = url.toString();

async function query<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('the sandbox on its own', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    sandbox = await startSandbox({ databaseUrl, migrate: true, port: 0, log: false });
  });

  afterAll(async () => {
    await sandbox?.close();
    const admin = new URL(databaseUrl);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${url.pathname.slice(1)}" WITH (FORCE)`);
    await client.end();
  });

  it('starts without the connector tables and seeds a post office for every commune of its own file', async () => {
    expect(await query(`SELECT to_regclass('public.communes') AS t`)).toEqual([{ t: null }]);
    const communes = await readCommunes();
    expect(communes).toHaveLength(102);
    const offices = await query<{ code: string; ward_code: string; name: string }>('SELECT code, ward_code, name FROM postmart_sandbox.post_offices ORDER BY code');
    // One per commune plus the six main offices of the larger towns.
    expect(offices).toHaveLength(communes.length + 6);
    expect(new Set(offices.map((o) => o.ward_code))).toEqual(new Set(communes.map((c) => c.code)));
    expect(offices.find((o) => o.code === 'PO29869')?.name).toBe('Bưu cục phường Cao Lãnh (demo)');
  });

  it('carries the same communes as the connector reference data, in NFC', async () => {
    const source = parse<{ code: string; name: string; type: string; centroid_lat: string; centroid_lng: string }>(
      await readFile(new URL('../../db/seed/dong_thap_communes_2025.csv', import.meta.url), 'utf8'),
      { columns: true, bom: true, trim: true },
    );
    const own = await readCommunes();
    expect(own.map((c) => [c.code, c.name, c.type, c.lat, c.lng])).toEqual(source.map((r) => [r.code, r.name.normalize('NFC'), r.type, Number(r.centroid_lat), Number(r.centroid_lng)]));
    expect(own.every((c) => c.name === c.name.normalize('NFC'))).toBe(true);
  });
});
