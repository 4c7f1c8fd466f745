import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ensureDatabase, runMigrations } from '../db/migrate.ts';
import { communes } from '../db/schema/communes.ts';
import { CATEGORIES, UNITS, products, type Certification } from '../db/schema/products.ts';
import { sellers } from '../db/schema/sellers.ts';
import { seedReference } from '../db/seed/reference.ts';
import { createDb } from '../src/db.ts';
import { newId } from '../src/lib/ids.ts';
import { createUser } from '../src/services/accounts/users.ts';

/**
 * The benchmark's throwaway state: its own database (dtpc_bench_<run>) and Redis key prefix,
 * created, seeded and dropped here so a bench never touches a developer's or another run's data.
 */
export type BenchNamespace = { run: string; databaseUrl: string; databaseName: string; redisUrl: string; queuePrefix: string };

export function benchNamespace(env: Record<string, string | undefined> = process.env): BenchNamespace {
  const run = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const databaseName = `dtpc_bench_${run}`;
  const url = new URL(env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${databaseName}`;
  return {
    run,
    databaseUrl: url.toString(),
    databaseName,
    redisUrl: env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    queuePrefix: `{dtpc-bench-${run}}`,
  };
}

export type BenchSeed = { admin: { phone: string; password: string }; products: number };

const NAMES = ['Xoài cát Hòa Lộc', 'Quýt hồng Lai Vung', 'Hạt sen Tháp Mười', 'Gạo ST25 Tràm Chim', 'Cúc mâm xôi Sa Đéc', 'Trà tim sen', 'Xoài sấy dẻo', 'Bưởi da xanh'];
const CERTIFICATE: Certification = { type: 'VIETGAP', number: 'VG-DT-0112', issuedAt: '2025-06-01', expiresAt: '2028-06-01' };
const CHUNK = 1000; // 1,000 rows × 20 columns stays well under PostgreSQL's 65,535 bind parameters.

/** Creates and migrates the database, loads reference data, one seller, `count` products and an admin. */
export async function seedBenchDatabase(ns: BenchNamespace, count: number): Promise<BenchSeed> {
  await ensureDatabase(ns.databaseUrl);
  await runMigrations(ns.databaseUrl);
  const { pool, db } = createDb(ns.databaseUrl, 2, 'dtpc-bench-seed');
  try {
    await seedReference(db);
    const wards = (await db.select({ code: communes.code }).from(communes)).map((c) => c.code);
    const sellerId = newId();
    await db.insert(sellers).values({
      id: sellerId,
      kind: 'cooperative',
      name: 'HTX Benchmark Mỹ Hiệp',
      taxCode: '1409999999',
      phone: '0277385999',
      wardCode: wards[0]!,
      address: 'Ấp Mỹ Thạnh',
    });
    // Rows shaped like real catalog entries (description, images, a certificate on half of them),
    // so serialization cost in the benchmark is representative.
    for (let start = 0; start < count; start += CHUNK) {
      const rows = [];
      for (let i = start; i < Math.min(count, start + CHUNK); i++) {
        const name = `${NAMES[i % NAMES.length]} lô ${i + 1}`;
        rows.push({
          id: newId(),
          sellerId,
          sku: `BENCH-${String(i + 1).padStart(5, '0')}`,
          name,
          description: `${name}: trồng tại Đồng Tháp, thu hoạch đúng vụ, đóng gói tại hợp tác xã và giao qua mạng lưới bưu điện.`,
          category: CATEGORIES[i % CATEGORIES.length]!,
          unit: UNITS[i % UNITS.length]!,
          priceVnd: 20_000 + (i % 50) * 5_000,
          stock: i % 500,
          weightGrams: 250 + (i % 20) * 100,
          images: [`https://cdn.example.vn/products/${i + 1}/1.jpg`, `https://cdn.example.vn/products/${i + 1}/2.jpg`],
          originWardCode: wards[i % wards.length]!,
          shelfLifeDays: 7 + (i % 30),
          harvestFrom: i % 3 === 0 ? '2026-03-01' : null,
          harvestTo: i % 3 === 0 ? '2026-12-31' : null,
          certifications: i % 2 === 0 ? [CERTIFICATE] : [],
          status: 'active' as const,
        });
      }
      await db.insert(products).values(rows);
    }
    await pool.query('ANALYZE products');
    const admin = { phone: '0900099001', password: `bench-${randomBytes(6).toString('hex')}` };
    await createUser(db, null, { userId: null }, { ...admin, role: 'admin', name: 'Quản trị viên (benchmark)' });
    return { admin, products: count };
  } finally {
    await pool.end();
  }
}

/** Drops the database and the Redis keys under the run's prefix; safe to call when either never existed. */
export async function dropBenchNamespace(ns: BenchNamespace): Promise<void> {
  const admin = new URL(ns.databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${ns.databaseName}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
  const redis = new Redis(ns.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${ns.queuePrefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
