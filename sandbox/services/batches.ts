import { inArray, sql } from 'drizzle-orm';
import { products, skus } from '../db/schema.ts';
import { nowSeconds, type SandboxDeps } from '../context.ts';

export type BatchKind = 'price' | 'stock';
export type BatchItemResult = { seller_sku: string; ok: boolean; error?: { code: string; message: string } };

const LIMITS: Record<BatchKind, { min: number; max: number; what: string }> = {
  price: { min: 1, max: 1_000_000_000, what: 'an integer VND amount of at least 1' },
  stock: { min: 0, max: 10_000_000, what: 'an absolute integer of at least 0' },
};

type Checked = { sellerSku: string; value: number } | { result: BatchItemResult };

function checkItem(kind: BatchKind, item: unknown, index: number): Checked {
  const rec = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : null;
  const sellerSku = rec && typeof rec.seller_sku === 'string' ? rec.seller_sku : '';
  const bad = (message: string): Checked => ({ result: { seller_sku: sellerSku, ok: false, error: { code: 'INVALID_PARAM', message: `items[${index}].${message}` } } });
  if (!rec) return bad('must be an object');
  if (sellerSku === '') return bad('seller_sku: required, a non-empty string');
  const extra = Object.keys(rec).find((k) => k !== 'seller_sku' && k !== kind);
  if (extra) return bad(`${extra}: unknown field`);
  const value = rec[kind];
  const { min, max, what } = LIMITS[kind];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) return bad(`${kind}: must be ${what}`);
  return { sellerSku, value };
}

/**
 * POST /products/prices:batch and /products/stock:batch (postmart-api.md#products): ≤ 50 items,
 * answered per item `{seller_sku, ok, error?}`; a bad item does not fail the others. Stock is
 * absolute. Each product touched gets one version bump.
 */
export async function applyBatch(deps: Pick<SandboxDeps, 'db'>, shopId: string, kind: BatchKind, items: unknown[]): Promise<{ items: BatchItemResult[] }> {
  const checked = items.map((item, i) => checkItem(kind, item, i));
  const valid = checked.filter((c): c is { sellerSku: string; value: number } => !('result' in c));
  return deps.db.transaction(async (tx) => {
    // One statement for every valid item (a batch is up to 50): what a real marketplace would do.
    const found = new Map<string, string>();
    if (valid.length > 0) {
      const column = kind === 'price' ? sql.raw('price') : sql.raw('stock');
      const values = sql.join(valid.map((v) => sql`(${v.sellerSku}::text, ${v.value}::bigint)`), sql`, `);
      const res = await tx.execute<{ seller_sku: string; product_id: string }>(sql`
        UPDATE ${skus} AS s SET ${column} = v.value
        FROM (VALUES ${values}) AS v(seller_sku, value)
        WHERE s.shop_id = ${shopId} AND s.seller_sku = v.seller_sku AND NOT s.deleted
        RETURNING s.seller_sku, s.product_id`);
      for (const r of res.rows) found.set(r.seller_sku, r.product_id);
    }
    const results: BatchItemResult[] = checked.map((c) => {
      if ('result' in c) return c.result;
      return found.has(c.sellerSku)
        ? { seller_sku: c.sellerSku, ok: true }
        : { seller_sku: c.sellerSku, ok: false, error: { code: 'NOT_FOUND', message: `seller_sku ${c.sellerSku} is not a SKU of a live product of this shop` } };
    });
    const touched = [...new Set(found.values())];
    if (touched.length > 0) {
      await tx
        .update(products)
        .set({ version: sql`${products.version} + 1`, updateTime: nowSeconds() })
        .where(inArray(products.id, touched));
    }
    return { items: results };
  });
}
